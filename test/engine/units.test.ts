import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/engine/answers.js';
import { parseCommand } from '../../src/engine/parse-command.js';
import type { AskSpec } from '../../src/engine/flow-definition.js';
import { fillTemplate } from '../../src/engine/templates.js';
import { durationMs, nextLocalTime } from '../../src/engine/timing.js';
import { CityGazetteer, placeLabel } from '../../src/features/people/city-gazetteer.js';
import { parseQuietHours } from '../../src/core/quiet-hours.js';

const ask = (over: Partial<AskSpec>): AskSpec => ({ text: 'common:help', type: 'text', into: 'x', ...over }) as AskSpec;
const text = (value: string) => ({ kind: 'text', text: value }) as const;
const choices = [
  { id: 'yes', label: 'Yes, share' },
  { id: 'no', label: 'No' },
];

describe('answers', () => {
  it('pick choices by button, number (full-width too), label or id', () => {
    const question = ask({ type: 'choice' });
    expect(parseAnswer(question, choices, { kind: 'choice', choiceId: 'no' })).toEqual({ ok: true, value: 'no' });
    expect(parseAnswer(question, choices, text('２'))).toEqual({ ok: true, value: 'no' });
    expect(parseAnswer(question, choices, text(' yes, SHARE '))).toEqual({ ok: true, value: 'yes' });
    expect(parseAnswer(question, choices, { kind: 'choice', choiceId: 'maybe' })).toEqual({ ok: false });
    expect(parseAnswer(question, choices, text('0'))).toEqual({ ok: false });
  });


  it('read dates the ways people write them', () => {
    const question = ask({ type: 'date' });
    expect(parseAnswer(question, [], text('2021年5月3日'))).toEqual({ ok: true, value: '2021-05-03' });
    expect(parseAnswer(question, [], text('2021/5/3'))).toEqual({ ok: true, value: '2021-05-03' });
    expect(parseAnswer(question, [], text('2021-02-30'))).toEqual({ ok: false });
  });

  it('bound numbers and text length, and want the right media', () => {
    expect(parseAnswer(ask({ type: 'number', min: 1, max: 7 }), [], text('３'))).toEqual({ ok: true, value: 3 });
    expect(parseAnswer(ask({ type: 'number', min: 1, max: 7 }), [], text('8'))).toEqual({ ok: false });
    expect(parseAnswer(ask({ max_length: 5 }), [], text('toolong'))).toEqual({ ok: false, tooLong: { max: 5, length: 7 } });
    expect(parseAnswer(ask({}), [], text('（12月4日）'))).toEqual({ ok: true, value: '（12月4日）' });
    expect(parseAnswer(ask({ type: 'photo' }), [], text('here'))).toEqual({ ok: false });
    expect(parseAnswer(ask({ type: 'photo' }), [], { kind: 'photo', media: { channel: 'memory', fileId: 'f' } })).toEqual({ ok: true, value: { channel: 'memory', fileId: 'f', caption: null } });
  });
});

describe('local time', () => {
  it('finds the next local wall-clock time across a DST change (Europe/Rome, spring forward)', () => {
    // 2026-03-28 20:00 Rome (UTC+1) → next 19:30 is on the 29th, after the switch to UTC+2.
    const due = nextLocalTime(new Date('2026-03-28T19:00:00Z'), 'Europe/Rome', '19:30');
    expect(due.toISOString()).toBe('2026-03-29T17:30:00.000Z');
  });

  it('rolls a time in the DST gap forward and handles zones without DST', () => {
    expect(nextLocalTime(new Date('2026-03-28T23:00:00Z'), 'Europe/Bucharest', '03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(nextLocalTime(new Date('2026-11-23T12:00:00Z'), 'Asia/Shanghai', '19:00').toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(durationMs('90s')).toBe(90_000);
    expect(durationMs('1w')).toBe(604_800_000);
  });
});

describe('people', () => {
  const gazetteer = new CityGazetteer();
  const oneMatch = (typed: string) => {
    const found = gazetteer.match(typed);
    return found.kind === 'one' ? { city: found.place.name, timeZone: found.place.timeZone } : found.kind;
  };
  const offered = (typed: string, locale: string) => {
    const found = gazetteer.match(typed);
    return found.kind === 'several' ? found.places.map((place) => placeLabel(place, locale)) : found.kind;
  };

  it('match cities by their Chinese, English and local names, accents or not, with province prefixes', () => {
    expect(oneMatch('米兰')).toEqual({ city: 'Milan', timeZone: 'Europe/Rome' });
    expect(oneMatch('milano')).toEqual({ city: 'Milan', timeZone: 'Europe/Rome' });
    expect(oneMatch('Prato')).toEqual({ city: 'Prato', timeZone: 'Europe/Rome' });
    expect(oneMatch('București')).toEqual({ city: 'Bucharest', timeZone: 'Europe/Bucharest' });
    expect(oneMatch('bucuresti')).toEqual({ city: 'Bucharest', timeZone: 'Europe/Bucharest' });
    expect(oneMatch('Rīga')).toEqual({ city: 'Riga', timeZone: 'Europe/Riga' });
    expect(oneMatch('广西河池')).toEqual({ city: 'Hechi', timeZone: 'Asia/Shanghai' });
    expect(oneMatch('河池市宜州区')).toEqual({ city: 'Yizhou', timeZone: 'Asia/Shanghai' });
    expect(oneMatch('巴马瑶族自治县')).toEqual({ city: 'Bama', timeZone: 'Asia/Shanghai' });
    expect(oneMatch('曼谷')).toEqual({ city: 'Bangkok', timeZone: 'Asia/Bangkok' });
    expect(oneMatch('Milan, Italy')).toEqual({ city: 'Milan', timeZone: 'Europe/Rome' });
  });

  it('offer at most three places when a name is misspelt or shared, and nothing for a non-place', () => {
    expect(offered('Milnao', 'en')).toContain('Milan (Italy)');
    expect(offered('我住在宜州', 'zh-CN')).toEqual(['宜州（广西河池）']);
    expect(offered('Springfield', 'en')).toHaveLength(3);
    expect(oneMatch('Nowhere-on-earth')).toBe('none');
    expect(oneMatch('Europe/Riga')).toBe('none');
  });

  it('read quiet hours, across midnight too', () => {
    expect(parseQuietHours('22-7')).toEqual({ startMinute: 1320, endMinute: 420 });
    expect(parseQuietHours('21：30—8：00')).toEqual({ startMinute: 1290, endMinute: 480 });
    expect(parseQuietHours('无')).toBeNull();
    expect(parseQuietHours('25-7')).toBeUndefined();
  });
});

describe('commands and templates', () => {
  it('parse commands with arguments and bot mentions', () => {
    expect(parseCommand('/start 123 456')).toEqual({ name: 'start', args: '123 456' });
    expect(parseCommand('/Help@KinbridgeBot')).toEqual({ name: 'help', args: '' });
    expect(parseCommand('hello /start')).toBeUndefined();
  });

  it('fill templates, keeping the type of a lone placeholder', () => {
    expect(fillTemplate('{{n}}', { n: 3 })).toBe(3);
    expect(fillTemplate('code {{c}}!', { c: 'x' })).toBe('code x!');
    expect(fillTemplate('{{missing}}', {})).toBeNull();
  });
});
