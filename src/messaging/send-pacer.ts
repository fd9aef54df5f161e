import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { machineTimeMs } from '../core/clock.js';

/** How gently one account sends: a pause between messages (plus a random part), and a ceiling per day. */
export interface PacingLimits {
  /** Least time between two messages of the account, to anyone. */
  readonly minIntervalMs: number;
  /** Up to this much more, drawn anew for every message, so the rhythm does not look machine-made. */
  readonly jitterMs: number;
  /** Messages per day at most; the day starts at `dayStartsAtHour` in `timeZone`. */
  readonly dailyCap: number;
  readonly timeZone: string;
  /** Messages held back by the cap go out from this hour on, so they do not land at midnight. */
  readonly dayStartsAtHour: number;
  /** A sender waits in-process for a slot at most this long; past it, the message is handed back for later. */
  readonly maxHoldMs: number;
}

/** Send after `waitMs`, or not now: try again in `retryAfterMs` (the cap is reached, or the queue is long). */
export type PacingDecision =
  | { readonly kind: 'send'; readonly waitMs: number }
  | { readonly kind: 'later'; readonly retryAfterMs: number; readonly reason: 'daily_cap' | 'busy' };

/** The reservation as one atomic step in Redis (a file of its own, as BullMQ keeps its Lua in commands/). */
const RESERVE_SCRIPT = readFileSync(new URL('./scripts/reserve-send-slot.lua', import.meta.url), 'utf8');

/**
 * Paces one platform account the way a careful person would send: personal WeChat accounts get banned for
 * machine-like bursts, so the outbox's per-second and per-chat limits are not enough there. Any adapter can use it.
 * Slots and days are on the machine's clock: the platform watches real seconds and real days, not the injected clock.
 */
export class SendPacer {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: PacingLimits,
    private readonly random: () => number = Math.random,
  ) {}

  async reserve(account: string, now = machineTimeMs()): Promise<PacingDecision> {
    const day = this.dayOf(now);
    const gap = this.limits.minIntervalMs + Math.floor(this.random() * this.limits.jitterMs);
    const [outcome, ms] = (await this.redis.eval(
      RESERVE_SCRIPT,
      2,
      `${this.keyPrefix}:${account}:next-slot`,
      `${this.keyPrefix}:${account}:day:${day.start.toISODate()}`,
      now,
      gap,
      this.limits.maxHoldMs,
      this.limits.dailyCap,
      day.end.toMillis() - now + 60_000,
    )) as [number, number];
    if (outcome === 0) return { kind: 'send', waitMs: ms };
    if (outcome === 1) return { kind: 'later', retryAfterMs: day.end.toMillis() - now, reason: 'daily_cap' };
    return { kind: 'later', retryAfterMs: ms, reason: 'busy' };
  }

  /** Gives back the day's count of a reservation whose message did not go out (the slot stays taken). */
  async release(account: string, reservedAt: number): Promise<void> {
    await this.redis.decr(`${this.keyPrefix}:${account}:day:${this.dayOf(reservedAt).start.toISODate()}`);
  }

  /** Messages counted against the cap in the day `at` falls in. */
  async sentToday(account: string, at = machineTimeMs()): Promise<number> {
    return Number((await this.redis.get(`${this.keyPrefix}:${account}:day:${this.dayOf(at).start.toISODate()}`)) ?? 0);
  }

  private dayOf(at: number): { start: DateTime; end: DateTime } {
    const local = DateTime.fromMillis(at, { zone: this.limits.timeZone });
    let start = local.startOf('day').set({ hour: this.limits.dayStartsAtHour });
    if (start > local) start = start.minus({ days: 1 });
    return { start, end: start.plus({ days: 1 }) };
  }
}
