import { DateTime } from 'luxon';

/** Quiet hours as minutes after local midnight; a window may run past midnight (22:00–07:00). */
export interface QuietHours {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** The quiet hours stored on a person (both columns null means none). */
export function quietHoursFrom(startMinute: number | null, endMinute: number | null): QuietHours | null {
  return startMinute === null || endMinute === null ? null : { startMinute, endMinute };
}

/** Whether a local minute after midnight falls inside the quiet window. */
export function isQuietMinute(minute: number, quiet: QuietHours): boolean {
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

/**
 * `instant`, or the end of the quiet hours it falls in, read on the wall clock of `timeZone` (DST included):
 * a message due at night is deferred to the morning, never dropped.
 */
export function deferPastQuietHours(instant: Date, timeZone: string, quiet: QuietHours | null): Date {
  if (!quiet) return instant;
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  if (!isQuietMinute(minute, quiet)) return instant;
  const endsTomorrow = quiet.startMinute > quiet.endMinute && minute >= quiet.startMinute;
  const day = endsTomorrow ? local.plus({ days: 1 }) : local;
  return day.set({ hour: Math.floor(quiet.endMinute / 60), minute: quiet.endMinute % 60, second: 0, millisecond: 0 }).toJSDate();
}

/** Reads "22-7", "22:00-07:30", "22：00—7：00"; "none"/"无" means no quiet hours (null). */
export function parseQuietHours(input: string): QuietHours | null | undefined {
  const text = input.normalize('NFKC').trim().toLowerCase();
  if (['none', 'no', '无', '没有', '不用'].includes(text)) return null;
  const match = /^(\d{1,2})(?::(\d{2}))?\s*[-~–—到至]\s*(\d{1,2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const start = toMinute(match[1]!, match[2]);
  const end = toMinute(match[3]!, match[4]);
  if (start === undefined || end === undefined || start === end) return undefined;
  return { startMinute: start, endMinute: end };
}

function toMinute(hour: string, minute: string | undefined): number | undefined {
  const h = Number(hour);
  const m = Number(minute ?? '0');
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}
