import { describe, expect, it } from 'vitest';
import { InvalidSendRateError, SendPlan, type SendWindow } from '../../src/scheduling/send-plan.js';

const DUE = Date.parse('2026-12-01T11:00:00Z');
const MINUTE = 60_000;

/** Places `count` reminders with the same window; answers the instants chosen and how many each second got. */
function placeBurst(plan: SendPlan, window: SendWindow, count: number): { instants: number[]; perSecond: Map<number, number> } {
  const instants = Array.from({ length: count }, () => plan.place(window));
  const perSecond = new Map<number, number>();
  for (const at of instants) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return { instants, perSecond };
}

describe('the send plan', () => {
  it('spreads 1,000 due in one second over the 15 minutes before it: none outside the window, no second over 30', () => {
    const window = { earliestMs: DUE - 15 * MINUTE, dueMs: DUE };
    const { instants, perSecond } = placeBurst(new SendPlan(30), window, 1000);
    expect(instants.filter((at) => at < window.earliestMs || at > window.dueMs)).toEqual([]);
    expect(Math.max(...perSecond.values())).toBe(30);
    // As close to the due time as the rate allows: 34 seconds, the last of them partly filled.
    expect(perSecond.size).toBe(34);
    expect(Math.min(...instants)).toBe(DUE - 33_000);
  });

  it('fires a reminder at its due instant when its second has room, and with no tolerance as before', () => {
    const plan = new SendPlan(30);
    expect(plan.place({ earliestMs: DUE + 250 - 15 * MINUTE, dueMs: DUE + 250 })).toBe(DUE + 250);
    expect(plan.place({ earliestMs: DUE + 250, dueMs: DUE + 250 })).toBe(DUE + 250);
  });

  it('counts the seconds other reminders took already', () => {
    const second = DUE / 1000;
    const plan = new SendPlan(30, new Map([[second, 30], [second - 1, 29]]));
    expect(plan.place({ earliestMs: DUE - MINUTE, dueMs: DUE })).toBe(DUE - 1000);
    expect(plan.place({ earliestMs: DUE - MINUTE, dueMs: DUE })).toBe(DUE - 2000);
    expect(plan.countAt(second - 1)).toBe(30);
  });

  it('never starts before the earliest instant, even inside its first second', () => {
    const plan = new SendPlan(1);
    const window = { earliestMs: DUE - 1500, dueMs: DUE };
    expect(placeBurst(plan, window, 2).instants).toEqual([DUE, DUE - 1000]);
    // The second that holds the earliest instant: it fires at that instant, not at the second's start.
    expect(plan.place(window)).toBe(DUE - 1500);
  });

  it('sends late, in the first seconds after the window with room, rather than over the rate', () => {
    const window = { earliestMs: DUE - 2000, dueMs: DUE };
    const { instants, perSecond } = placeBurst(new SendPlan(30), window, 100);
    expect(Math.max(...perSecond.values())).toBe(30);
    expect(instants.filter((at) => at > DUE)).toHaveLength(10);
    expect(Math.max(...instants)).toBe(DUE + 1000);
  });

  it('keeps each window of several bursts that overlap, under the one rate', () => {
    const plan = new SendPlan(30);
    const early = { earliestMs: DUE - 15 * MINUTE, dueMs: DUE };
    const late = { earliestMs: DUE - 10 * MINUTE, dueMs: DUE + 5 * MINUTE };
    const first = placeBurst(plan, late, 9000);
    const second = placeBurst(plan, early, 9000);
    expect(first.instants.every((at) => at >= late.earliestMs && at <= late.dueMs)).toBe(true);
    expect(second.instants.every((at) => at >= early.earliestMs && at <= early.dueMs)).toBe(true);
    const all = new Map<number, number>();
    for (const at of [...first.instants, ...second.instants]) all.set(Math.floor(at / 1000), (all.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...all.values())).toBe(30);
  });

  it('an overdue reminder fires at once', () => {
    expect(new SendPlan(30).place({ earliestMs: DUE, dueMs: DUE - MINUTE })).toBe(DUE);
  });

  it('refuses a rate that is not a whole number of messages a second', () => {
    expect(() => new SendPlan(0)).toThrow(InvalidSendRateError);
    expect(() => new SendPlan(2.5)).toThrow(InvalidSendRateError);
  });
});
