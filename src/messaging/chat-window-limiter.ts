import type { Redis } from 'ioredis';
import { machineTimeMs } from '../core/clock.js';

/** How fast one channel may send: overall (messages a second) and to one chat (at most `max` per window). */
export interface SendLimits {
  readonly perSecond?: number;
  readonly perChat?: { readonly max: number; readonly windowMs: number };
}

/**
 * A fixed-window counter per chat in Redis, shared by every worker: RapidPro's courier throttles the same way.
 * Taking a slot answers 0 (send now) or how many milliseconds until the next window opens. Windows are measured on
 * the machine's clock: they pace sending in real seconds, whatever instant the injected clock says it is.
 */
export class ChatWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async take(chat: string, limit: { max: number; windowMs: number }): Promise<number> {
    return (await this.takeMany(chat, limit, 1)).waitMs;
  }

  /**
   * Up to `count` slots of one window at once (a batch's share of a channel's rate): how many were granted, and when
   * none or not all were, how long until the next window opens.
   */
  async takeMany(chat: string, limit: { max: number; windowMs: number }, count: number): Promise<{ granted: number; waitMs: number }> {
    const now = machineTimeMs();
    const window = Math.floor(now / limit.windowMs);
    const key = `${this.keyPrefix}:${chat}:${window}`;
    const [[, total]] = (await this.redis.multi().incrby(key, count).pexpire(key, limit.windowMs * 2).exec()) as [[null, number], unknown];
    const granted = Math.max(0, Math.min(count, limit.max - (total - count)));
    return { granted, waitMs: granted < count ? (window + 1) * limit.windowMs - now : 0 };
  }
}
