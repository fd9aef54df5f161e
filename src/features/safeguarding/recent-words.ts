import type { Redis } from 'ioredis';

/**
 * The end of each person's last message, kept briefly so a phrase split over two messages in a row ("我不想" … "活了")
 * is still heard. Only as many characters as the longest phrase needs, and only for minutes.
 */
export class RecentWords {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly keepSeconds: number,
  ) {}

  /** Keeps `tail` as the person's latest words and answers the words kept before it ('' when none). */
  async swap(personId: string, tail: string): Promise<string> {
    const previous = await this.redis.set(this.key(personId), tail, 'EX', this.keepSeconds, 'GET');
    return previous ?? '';
  }

  /** `/forget`: the person's last words go at once, not minutes later. */
  async forget(personId: string): Promise<void> {
    await this.redis.del(this.key(personId));
  }

  private key(personId: string): string {
    return `${this.keyPrefix}safeguarding:recent:${personId}`;
  }
}
