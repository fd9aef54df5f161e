import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LinkRequestLimiter } from './dashboard-links.js';

export interface LinkRequestLimits {
  readonly requests: number;
  readonly windowSeconds: number;
}

/** A few links an hour is plenty for a person; more looks like a stolen phone being milked for sessions. */
export const DEFAULT_LINK_REQUEST_LIMITS: LinkRequestLimits = { requests: 5, windowSeconds: 3_600 };

export class RedisLinkRequestLimiter implements LinkRequestLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, keyPrefix: string, limits: LinkRequestLimits = DEFAULT_LINK_REQUEST_LIMITS) {
    this.limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}dashboard-link`, points: limits.requests, duration: limits.windowSeconds });
  }

  async allow(personId: string): Promise<boolean> {
    try {
      await this.limiter.consume(personId);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }
}
