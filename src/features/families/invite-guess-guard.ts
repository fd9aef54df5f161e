import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';

export type GuessCheck = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMinutes: number };

/** Limits wrong invite codes per person, so guessing a 50-bit code is hopeless rather than merely slow. */
export interface InviteGuessGuard {
  check(personId: string): Promise<GuessCheck>;
  recordFailure(personId: string): Promise<void>;
}

export interface GuessLimits {
  readonly failures: number;
  readonly windowSeconds: number;
}

export const DEFAULT_GUESS_LIMITS: GuessLimits = { failures: 5, windowSeconds: 15 * 60 };

export class RedisInviteGuessGuard implements InviteGuessGuard {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, keyPrefix: string, private readonly limits: GuessLimits = DEFAULT_GUESS_LIMITS) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}invite-guess`,
      points: limits.failures,
      duration: limits.windowSeconds,
      blockDuration: limits.windowSeconds,
    });
  }

  async check(personId: string): Promise<GuessCheck> {
    const state = await this.limiter.get(personId);
    if (!state || state.consumedPoints < this.limits.failures) return { allowed: true };
    return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil(state.msBeforeNext / 60_000)) };
  }

  async recordFailure(personId: string): Promise<void> {
    // Rejection only means the limit is now reached; `check` reports it on the next attempt.
    await this.limiter.consume(personId).catch((rejection: RateLimiterRes | Error) => {
      if (rejection instanceof Error) throw rejection;
    });
  }
}
