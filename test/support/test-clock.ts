import type { Clock } from '../../src/core/clock.js';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private current: Date = new Date('2026-11-23T10:00:00Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date | string): void {
    this.current = new Date(instant);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
