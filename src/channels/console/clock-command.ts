import { DateTime, Duration } from 'luxon';
import { parseLocalDateTime } from '../../core/local-date-time.js';

/** What `:clock` was given and could not use, with the forms it takes. */
export class ClockCommandError extends Error {
  constructor(readonly given: string) {
    super(`I can't read "${given}" as a time. Try ":clock +2d", ":clock +3h", ":clock +30m" or ":clock 2026-12-02 19:25".`);
    this.name = 'ClockCommandError';
  }
}

const UNITS: Readonly<Record<string, string>> = { w: 'weeks', d: 'days', h: 'hours', m: 'minutes' };

/**
 * The instant `:clock <given>` names: "+2d", "+3h", "+30m", "+1w" from `now`, or a date and time ("2026-12-02 19:25")
 * on the wall clock of `zone` (also "2026/12/2 19:25" and "12-02 19:25", this year).
 */
export function clockTarget(given: string, now: Date, zone: string): Date {
  const text = given.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const relative = /^\+(\d+)\s*([wdhm])$/i.exec(text);
  if (relative) {
    const duration = Duration.fromObject({ [UNITS[relative[2]!.toLowerCase()]!]: Number(relative[1]) });
    return DateTime.fromJSDate(now, { zone }).plus(duration).toJSDate();
  }
  const wallClock = parseLocalDateTime(text, zone);
  if (wallClock) return wallClock.toJSDate();
  throw new ClockCommandError(given);
}

/** "Wed 2 Dec 2026, 19:25": the clock's new now, on the simulator's wall clock. */
export function wallClockLine(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm');
}
