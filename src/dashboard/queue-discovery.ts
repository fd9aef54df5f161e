import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueFactory } from '../infra/queue-factory.js';

/**
 * Every BullMQ queue of this deployment, found by the `<prefix>:<name>:meta` key BullMQ keeps per queue, so the
 * dashboard watches the engine's, the outbox's and any later feature's queues without each exporting its name.
 */
export async function discoverQueues(redis: Redis, queues: QueueFactory): Promise<Queue[]> {
  const prefix = queues.prefix;
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) names.add(key.slice(prefix.length + 1, -':meta'.length));
  } while (cursor !== '0');
  return [...names].sort().map((name) => queues.queue(name));
}
