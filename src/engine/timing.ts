import { DateTime } from 'luxon';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90s`, `15m`, `2h`, `3d`, `1w` in milliseconds (the flow schema guarantees the form). */
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof UNIT_MS;
  return Number(duration.slice(0, -1)) * UNIT_MS[unit];
}

/** The next moment the wall clock in `timeZone` shows `hh:mm`, strictly after `now`; DST gaps roll forward. */
export function nextLocalTime(now: Date, timeZone: string, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate <= local) candidate = candidate.plus({ days: 1 }).set({ hour, minute });
  return candidate.toJSDate();
}
