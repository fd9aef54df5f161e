import { DateTime } from 'luxon';

/** "2026-12-01 19:00", "2026/12/1 7:00", "12-01 19:00" (this year) on the wall clock of `timeZone`. */
export function parseLocalDateTime(text: string, timeZone: string): DateTime | undefined {
  const cleaned = text.normalize('NFKC').trim().replace(/\s+/g, ' ');
  for (const format of ['yyyy-M-d H:mm', 'yyyy/M/d H:mm', 'M-d H:mm', 'M/d H:mm']) {
    const parsed = DateTime.fromFormat(cleaned, format, { zone: timeZone });
    if (parsed.isValid) return parsed;
  }
  return undefined;
}
