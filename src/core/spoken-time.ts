import { DateTime } from 'luxon';
import type { Clock } from './clock.js';
import type { QuietHours } from './quiet-hours.js';

/**
 * Times as people say them aloud, because our messages are also read out as voice: "下午3点半", "晚上7点",
 * "3:30 pm", "7 pm" — never "15:30" to a grandmother. Minutes are counted after local midnight.
 */
export function spokenClockTime(minuteOfDay: number, locale: string): string {
  const hour = Math.floor(minuteOfDay / 60) % 24;
  const minute = minuteOfDay % 60;
  return locale.startsWith('zh') ? chineseClockTime(hour, minute) : englishClockTime(hour, minute);
}

/** The time of `instant` on the wall clock of `timeZone`, said aloud. */
export function spokenTime(instant: Date, timeZone: string, locale: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return spokenClockTime(local.hour * 60 + local.minute, locale);
}

/**
 * A day and time said aloud, relative to the clock's today where that is shorter: "今天晚上7点", "明天上午9点",
 * "12月4日 星期五 下午3点半"; "today at 7 pm", "Friday, December 4 at 3:30 pm".
 */
export function spokenDayTime(instant: Date, timeZone: string, locale: string, clock: Clock): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const today = DateTime.fromJSDate(clock.now(), { zone: timeZone }).startOf('day');
  const daysAhead = Math.round(local.startOf('day').diff(today, 'days').days);
  const time = spokenTime(instant, timeZone, locale);
  const chinese = locale.startsWith('zh');
  const relative = chinese ? RELATIVE_DAYS_ZH[daysAhead] : RELATIVE_DAYS_EN[daysAhead];
  if (relative) return chinese ? `${relative}${time}` : `${relative} at ${time}`;
  if (chinese) return `${local.month}月${local.day}日 ${local.setLocale('zh-CN').toFormat('cccc')} ${time}`;
  return `${local.setLocale('en').toFormat('cccc, LLLL d')} at ${time}`;
}

/** Quiet hours said aloud: "晚上10点到早上7点", "10 pm to 7 am". */
export function spokenQuietHours(quiet: QuietHours, locale: string): string {
  const from = spokenClockTime(quiet.startMinute, locale);
  const to = spokenClockTime(quiet.endMinute, locale);
  return locale.startsWith('zh') ? `${from}到${to}` : `${from} to ${to}`;
}

const RELATIVE_DAYS_ZH: Readonly<Record<number, string>> = { 0: '今天', 1: '明天', 2: '后天' };
const RELATIVE_DAYS_EN: Readonly<Record<number, string>> = { 0: 'today', 1: 'tomorrow' };

/** The part of the day a Chinese speaker names before the hour; noon and midnight read as 中午12点 and 半夜12点. */
function chineseDayPart(hour: number): string {
  if (hour < 5) return '半夜';
  if (hour < 9) return '早上';
  if (hour < 12) return '上午';
  if (hour < 13) return '中午';
  if (hour < 18) return '下午';
  return '晚上';
}

function chineseClockTime(hour: number, minute: number): string {
  const twelveHour = hour % 12 === 0 ? 12 : hour % 12;
  const minutes = minute === 0 ? '点' : minute === 30 ? '点半' : `点${minute}分`;
  return `${chineseDayPart(hour)}${twelveHour}${minutes}`;
}

function englishClockTime(hour: number, minute: number): string {
  const twelveHour = hour % 12 === 0 ? 12 : hour % 12;
  const suffix = hour < 12 ? 'am' : 'pm';
  if (hour === 12 && minute === 0) return 'noon';
  return minute === 0 ? `${twelveHour} ${suffix}` : `${twelveHour}:${String(minute).padStart(2, '0')} ${suffix}`;
}
