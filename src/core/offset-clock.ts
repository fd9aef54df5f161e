import { systemClock, type Clock } from './clock.js';

/** Moving a clock backwards would let a lease, a due time or a "not before" be decided twice. */
export class ClockBackwardsError extends Error {
  constructor(readonly target: Date, readonly now: Date) {
    super(`The clock only moves forward: ${target.toISOString()} is before its now, ${now.toISOString()}`);
    this.name = 'ClockBackwardsError';
  }
}

/**
 * Another clock plus an offset that only grows: the console simulator's clock, moved forward (":clock +2d") so a
 * newcomer sees a nudge or a reminder fire without waiting days. Everything that reads the clock sees the jump.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /** Jumps to `instant`, which must not be in this clock's past. */
  moveTo(instant: Date): void {
    const now = this.now();
    if (instant.getTime() < now.getTime()) throw new ClockBackwardsError(instant, now);
    this.offsetMs += instant.getTime() - now.getTime();
  }
}
