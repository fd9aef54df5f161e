import { DateTime } from 'luxon';

/** Weeks are ISO weeks (Monday to Sunday) on the parent's own clock: "2026-W48". */
export function isoWeekOf(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toFormat("kkkk-'W'WW");
}

/** Local Monday 00:00 of the week `instant` falls in, in `timeZone`. */
export function weekStartOf(instant: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone: timeZone }).startOf('week');
}

/** Local Monday 00:00 of an ISO week such as "2026-W48". */
export function weekStartOfIsoWeek(week: string, timeZone: string): DateTime | undefined {
  const parsed = DateTime.fromFormat(week, "kkkk-'W'WW", { zone: timeZone });
  return parsed.isValid ? parsed.startOf('week') : undefined;
}

/** "Sunday, November 29" / "11月29日星期日", on the clock of `timeZone`. */
export function formatLocalDay(instant: Date, timeZone: string, locale: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).setLocale(locale).toLocaleString({ weekday: 'long', month: 'long', day: 'numeric' });
}
