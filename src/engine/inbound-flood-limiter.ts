import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface InboundLimits {
  /** Messages one sender may send in a window before the rest of the window is ignored. */
  readonly messages: number;
  readonly windowSeconds: number;
}

export const DEFAULT_INBOUND_LIMITS: InboundLimits = { messages: 20, windowSeconds: 60 };

/** Within the limit, or over it: `dropped` counts this window's ignored messages, 1 for the first. */
export type FloodCheck = { readonly over: false } | { readonly over: true; readonly dropped: number };

/**
 * Counts each sender's inbound messages, so one flood cannot occupy the bot. In memory: a sender's updates are handled
 * only by the worker holding their lease, which keeps it through a conversation (see InboundDispatcher), so that worker
 * sees every one of them without a Redis round trip per message. A count starts again only where the lease moved to
 * another worker after the sender paused, and a pause is what ends a flood.
 */
export class InboundFloodLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly limits: InboundLimits = DEFAULT_INBOUND_LIMITS) {
    this.limiter = new RateLimiterMemory({ points: limits.messages, duration: limits.windowSeconds });
  }

  async count(sender: string): Promise<FloodCheck> {
    try {
      await this.limiter.consume(sender);
      return { over: false };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { over: true, dropped: rejection.consumedPoints - this.limits.messages };
    }
  }
}
