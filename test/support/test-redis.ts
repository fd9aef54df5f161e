import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The Redis global-setup chose: REDIS_URL when set, otherwise a redis-server started for this run. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/**
 * A key prefix no other test file uses, for BullMQ's `prefix` option or your own keys: test files run
 * in parallel against one Redis and must never see each other's queues.
 */
export function uniquePrefix(label = 'test'): string {
  return `kbt-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
