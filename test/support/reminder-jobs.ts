import { Queue } from 'bullmq';
import { expect } from 'vitest';
import { testRedisUrl } from './test-redis.js';

/** Waits until the reminder workers have run every job a sweep handed them, so "nothing was sent" means something. */
export async function reminderJobsDone(redisPrefix: string): Promise<void> {
  const queue = new Queue('kinbridge-reminders', { connection: { url: testRedisUrl() }, prefix: redisPrefix });
  try {
    await expect
      .poll(async () => Object.values(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0), { timeout: 10_000 })
      .toBe(0);
  } finally {
    await queue.close();
  }
}
