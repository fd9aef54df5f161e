import type { Redis } from 'ioredis';

/**
 * A little shared memory for a channel, in Redis so every worker sees it: which webhook deliveries are being handled
 * or done (the platform delivers at least once), and which files were uploaded already (sent again by id).
 */
export interface ChannelMemory {
  /** True for the one caller that set `key` now; false while someone else holds it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  forget(key: string): Promise<void>;
}

export class RedisChannelMemory implements ChannelMemory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:${key}`, 'claimed', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}:${key}`, value, 'PX', ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:${key}`)) ?? undefined;
  }

  async forget(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${key}`);
  }
}
