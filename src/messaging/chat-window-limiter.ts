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
    const now = machineTimeMs();
    const window = Math.floor(now / limit.windowMs);
    const key = `${this.keyPrefix}:${chat}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, limit.windowMs * 2).exec()) as [[null, number], unknown];
    return count <= limit.max ? 0 : (window + 1) * limit.windowMs - now;
  }
}
