import type { Redis } from 'ioredis';
import { z } from 'zod';

/** A mild concern heard from a person, kept until they answer whether they want to be contacted. */
export interface PendingOffer {
  readonly category: string;
  readonly excerpt: string;
}

const offerSchema = z.object({ category: z.string(), excerpt: z.string() });

/** Held in Redis for as long as the question stays open; the words are deleted when it is answered or expires. */
export class PendingOffers {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly keepSeconds: number,
  ) {}

  async hold(personId: string, offer: PendingOffer): Promise<void> {
    await this.redis.set(this.key(personId), JSON.stringify(offer), 'EX', this.keepSeconds);
  }

  /** The concern waiting for this person's answer, removed as it is read. */
  async take(personId: string): Promise<PendingOffer | undefined> {
    const held = await this.redis.getdel(this.key(personId));
    return held ? offerSchema.parse(JSON.parse(held)) : undefined;
  }

  /** `/forget`: an open question's words go with the person. */
  async forget(personId: string): Promise<void> {
    await this.redis.del(this.key(personId));
  }

  private key(personId: string): string {
    return `${this.keyPrefix}safeguarding:offer:${personId}`;
  }
}
