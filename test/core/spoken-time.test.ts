import { describe, expect, it } from 'vitest';
import { spokenClockTime, spokenDayTime, spokenQuietHours, spokenTime } from '../../src/core/spoken-time.js';
import { TestClock } from '../support/test-clock.js';

const at = (hour: number, minute = 0): number => hour * 60 + minute;

describe('times said aloud', () => {
  it('say Chinese times with the part of the day, half hours as 半', () => {
    expect(spokenClockTime(at(15, 30), 'zh-CN')).toBe('下午3点半');
    expect(spokenClockTime(at(19), 'zh-CN')).toBe('晚上7点');
    expect(spokenClockTime(at(9), 'zh-CN')).toBe('上午9点');
    expect(spokenClockTime(at(7, 15), 'zh-CN')).toBe('早上7点15分');
    expect(spokenClockTime(at(12), 'zh-CN')).toBe('中午12点');
    expect(spokenClockTime(at(0), 'zh-CN')).toBe('半夜12点');
    expect(spokenClockTime(at(22), 'zh-CN')).toBe('晚上10点');
  });

  it('say English times the short way', () => {
    expect(spokenClockTime(at(15, 30), 'en')).toBe('3:30 pm');
    expect(spokenClockTime(at(19), 'en')).toBe('7 pm');
    expect(spokenClockTime(at(12), 'en')).toBe('noon');
    expect(spokenClockTime(at(0, 5), 'en')).toBe('12:05 am');
  });

  it('read an instant on the wall clock of the person’s own city', () => {
    const instant = new Date('2026-12-04T11:30:00Z');
    expect(spokenTime(instant, 'Asia/Shanghai', 'zh-CN')).toBe('晚上7点半');
    expect(spokenTime(instant, 'Europe/Rome', 'en')).toBe('12:30 pm');
  });

  it('name today and tomorrow by name, other days by date and weekday', () => {
    const clock = new TestClock(new Date('2026-12-01T02:00:00Z')); // Tuesday 10:00 in Shanghai
    expect(spokenDayTime(new Date('2026-12-01T11:00:00Z'), 'Asia/Shanghai', 'zh-CN', clock)).toBe('今天晚上7点');
    expect(spokenDayTime(new Date('2026-12-02T01:00:00Z'), 'Asia/Shanghai', 'zh-CN', clock)).toBe('明天上午9点');
    expect(spokenDayTime(new Date('2026-12-04T07:30:00Z'), 'Asia/Shanghai', 'zh-CN', clock)).toBe('12月4日 星期五 下午3点半');
    expect(spokenDayTime(new Date('2026-12-04T07:30:00Z'), 'Asia/Shanghai', 'en', clock)).toBe('Friday, December 4 at 3:30 pm');
  });

  it('say quiet hours as a span', () => {
    expect(spokenQuietHours({ startMinute: at(22), endMinute: at(7) }, 'zh-CN')).toBe('晚上10点到早上7点');
    expect(spokenQuietHours({ startMinute: at(21), endMinute: at(8) }, 'en')).toBe('9 pm to 8 am');
  });
});
