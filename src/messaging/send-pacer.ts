import { createHash } from 'node:crypto';
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
  /**
   * The part of the daily cap one chat may use (default 0.2): one contact writing all day cannot spend the account's
   * day, so every other family still gets its relays and reminders.
   */
  readonly chatShare?: number;
  /** A sender waits in-process for a slot at most this long; past it, the message is handed back for later. */
  readonly maxHoldMs: number;
}

/** Send after `waitMs`, or not now: try again in `retryAfterMs` (the cap is reached, or the queue is long). */
export type PacingDecision =
  | { readonly kind: 'send'; readonly waitMs: number }
  | { readonly kind: 'later'; readonly retryAfterMs: number; readonly reason: 'daily_cap' | 'chat_share' | 'busy' };

const DEFAULT_CHAT_SHARE = 0.2;

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

  async reserve(account: string, chatId: string, now = machineTimeMs()): Promise<PacingDecision> {
    const day = this.dayOf(now);
    const gap = this.limits.minIntervalMs + Math.floor(this.random() * this.limits.jitterMs);
    const [outcome, ms] = (await this.redis.eval(
      RESERVE_SCRIPT,
      3,
      `${this.keyPrefix}:${account}:next-slot`,
      this.dayKey(account, now),
      this.chatDayKey(account, chatId, now),
      now,
      gap,
      this.limits.maxHoldMs,
      this.limits.dailyCap,
      day.end.toMillis() - now + 60_000,
      this.chatCap(),
    )) as [number, number];
    if (outcome === 0) return { kind: 'send', waitMs: ms };
    if (outcome === 2) return { kind: 'later', retryAfterMs: ms, reason: 'busy' };
    return { kind: 'later', retryAfterMs: day.end.toMillis() - now, reason: outcome === 1 ? 'daily_cap' : 'chat_share' };
  }

  /** Gives back the day's counts of a reservation whose message did not go out (the slot stays taken). */
  async release(account: string, chatId: string, reservedAt: number): Promise<void> {
    await this.redis.decr(this.dayKey(account, reservedAt));
    await this.redis.decr(this.chatDayKey(account, chatId, reservedAt));
  }

  /** Messages one chat may get in a day: its share of the cap, at least one. */
  chatCap(): number {
    return Math.max(1, Math.floor(this.limits.dailyCap * (this.limits.chatShare ?? DEFAULT_CHAT_SHARE)));
  }

  /** Messages counted against the cap in the day `at` falls in. */
  async sentToday(account: string, at = machineTimeMs()): Promise<number> {
    return Number((await this.redis.get(this.dayKey(account, at))) ?? 0);
  }

  private dayKey(account: string, at: number): string {
    return `${this.keyPrefix}:${account}:day:${this.dayOf(at).start.toISODate()}`;
  }

  /** Chat ids are hashed: a pacing counter need not spell out who was written to. */
  private chatDayKey(account: string, chatId: string, at: number): string {
    const chat = createHash('sha256').update(chatId).digest('hex').slice(0, 24);
    return `${this.keyPrefix}:${account}:chat:${chat}:day:${this.dayOf(at).start.toISODate()}`;
  }

  private dayOf(at: number): { start: DateTime; end: DateTime } {
    const local = DateTime.fromMillis(at, { zone: this.limits.timeZone });
    let start = local.startOf('day').set({ hour: this.limits.dayStartsAtHour });
    if (start > local) start = start.minus({ days: 1 });
    return { start, end: start.plus({ days: 1 }) };
  }
}
