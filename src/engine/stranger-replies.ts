import type { Redis } from 'ioredis';

/** `reply`: say the one thing a stranger gets; otherwise stay silent and say why in the logs. */
export type StrangerReplyDecision = 'reply' | 'already_answered' | 'budget_spent';

const DAY_SECONDS = 24 * 3600;

/**
 * Someone the bot does not know gets one answer a day, and all strangers of one channel together at most
 * `perChannelPerDay`: on a personal WeChat account every message counts against the daily cap the families need.
 * Windows run from the first answer on Redis's own clock (a rate, not a domain instant).
 */
export class StrangerReplies {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly perChannelPerDay: number,
  ) {}

  async decide(channel: string, sender: string): Promise<StrangerReplyDecision> {
    const first = await this.redis.set(`${this.keyPrefix}stranger-answered:${sender}`, '1', 'EX', DAY_SECONDS, 'NX');
    if (first !== 'OK') return 'already_answered';
    const budgetKey = `${this.keyPrefix}stranger-replies:${channel}`;
    const used = await this.redis.incr(budgetKey);
    if (used === 1) await this.redis.expire(budgetKey, DAY_SECONDS);
    return used <= this.perChannelPerDay ? 'reply' : 'budget_spent';
  }
}
