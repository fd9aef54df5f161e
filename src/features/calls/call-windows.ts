import { DateTime } from 'luxon';
import { isQuietMinute, type QuietHours } from '../../core/quiet-hours.js';

/** A weekly window on the parent's wall clock; weekday 1 is Monday. */
export interface CallWindow {
  readonly weekday: number;
  readonly startMinute: number;
  readonly endMinute: number;
}

/** One end of the call: where they are and when they must not be disturbed. */
export interface CallEnd {
  readonly timeZone: string;
  readonly quiet: QuietHours | null;
}

interface DailyHours {
  readonly weekday: readonly [number, number];
  readonly weekend: readonly [number, number];
}

const hours = (h: number, m = 0): number => h * 60 + m;
/** When a working parent is free: evenings on weekdays, most of the day at weekends (their own clock). */
const PARENT_FREE: DailyHours = { weekday: [hours(18), hours(22)], weekend: [hours(9), hours(22)] };
/** When a young child at home can talk: after kindergarten until bedtime on weekdays, after breakfast at weekends. */
const CHILD_AWAKE: DailyHours = { weekday: [hours(16, 30), hours(20)], weekend: [hours(8), hours(20)] };
const SLOT_MINUTES = 30;
/** Shorter overlaps are not worth proposing: a call with a small child needs some slack. */
const MIN_WINDOW_MINUTES = 30;

/**
 * Windows in the week starting `weekStart` (the parent's local Monday) that suit both ends: the parent is free, the child
 * is awake at home, and it is nobody's quiet hours. Checked in 30-minute slots on each end's own clock, so DST and
 * zones without it come out right. One window per day at most (the longest), `target` of them spread over the week.
 */
export function proposeWindows(parent: CallEnd, home: CallEnd, weekStart: DateTime, target: number): CallWindow[] {
  const byDay = new Map<number, CallWindow>();
  let open: { weekday: number; startMinute: number; endMinute: number } | undefined;
  const close = (): void => {
    if (open && open.endMinute - open.startMinute >= MIN_WINDOW_MINUTES) {
      const best = byDay.get(open.weekday);
      if (!best || open.endMinute - open.startMinute > best.endMinute - best.startMinute) byDay.set(open.weekday, open);
    }
    open = undefined;
  };
  const start = weekStart.setZone(parent.timeZone).startOf('day');
  for (let slot = start; slot < start.plus({ days: 7 }); slot = slot.plus({ minutes: SLOT_MINUTES })) {
    const parentMinute = slot.hour * 60 + slot.minute;
    if (!suits(slot, parent, PARENT_FREE) || !suits(slot.setZone(home.timeZone), home, CHILD_AWAKE)) {
      close();
      continue;
    }
    if (open && open.weekday === slot.weekday && open.endMinute === parentMinute) open.endMinute += SLOT_MINUTES;
    else {
      close();
      open = { weekday: slot.weekday, startMinute: parentMinute, endMinute: parentMinute + SLOT_MINUTES };
    }
  }
  close();
  return spread([...byDay.values()].sort((a, b) => a.weekday - b.weekday), target);
}

/** The slot starting at `local` lies inside the day's hours and outside the person's quiet hours. */
function suits(local: DateTime, end: CallEnd, day: DailyHours): boolean {
  const minute = local.hour * 60 + local.minute;
  const [from, to] = local.weekday >= 6 ? day.weekend : day.weekday;
  if (minute < from || minute + SLOT_MINUTES > to) return false;
  return !end.quiet || (!isQuietMinute(minute, end.quiet) && !isQuietMinute(minute + SLOT_MINUTES - 1, end.quiet));
}

/** `count` windows as evenly spaced through the week as the candidates allow. */
function spread(candidates: readonly CallWindow[], count: number): CallWindow[] {
  if (candidates.length <= count) return [...candidates];
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round(((i + 0.5) * candidates.length) / count - 0.5));
  return [...picked].map((index) => candidates[index]!);
}

/** When the window opens in the week starting `weekStart` (a local Monday on the parent's clock). */
export function windowStart(window: CallWindow, weekStart: DateTime): DateTime {
  return weekStart.startOf('day').plus({ days: window.weekday - 1 }).set({ hour: Math.floor(window.startMinute / 60), minute: window.startMinute % 60 });
}

/** "19:30" for a minute after midnight. */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Reads the windows column back, dropping anything that is not a window (hand-edited rows). */
export function parseWindows(value: unknown): CallWindow[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is CallWindow =>
      Number.isInteger(item?.weekday) && Number.isInteger(item?.startMinute) && Number.isInteger(item?.endMinute) && item.weekday >= 1 && item.weekday <= 7,
  );
}
