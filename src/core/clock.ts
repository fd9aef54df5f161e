/**
 * Time as the code sees it; tests inject a clock they can move. Every decision about an instant — a due time, quiet
 * hours, an expiry, a lease, "not before" — is made with this clock, and every instant written for such a decision
 * comes from it, so one decision never compares two time bases.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The machine's own clock in milliseconds, which BullMQ and Redis time delayed jobs and windows by. It is only for
 * pacing measured in durations (a rate window, a back-off, a start-up timeout), never for a domain instant:
 * turn an instant into a delay with `delayUntil`.
 */
export function machineTimeMs(): number {
  return Date.now();
}

/** How long to wait, from the clock's now, until `instant` (0 when it is past): what BullMQ's `delay` wants. */
export function delayUntil(instant: Date, clock: Clock): number {
  return Math.max(0, instant.getTime() - clock.now().getTime());
}
