import type { Redis } from 'ioredis';
import { fail, ok, warn, type CheckResult } from './check.js';

/**
 * BullMQ keeps every timer and queued job in Redis: a Redis that evicts keys under memory pressure, or forgets
 * everything when it restarts, loses scheduled messages silently.
 */

export async function checkEviction(redis: Redis): Promise<CheckResult> {
  const subject = 'Redis memory policy';
  const policy = infoField(await redis.info('memory'), 'maxmemory_policy');
  if (policy === 'noeviction') return ok(subject, 'noeviction: Redis never drops a job to make room');
  return fail(
    subject,
    `maxmemory-policy is ${policy ?? 'unknown'}: when memory runs short Redis deletes keys, and with them scheduled messages`,
    'set "maxmemory-policy noeviction" in /etc/redis/redis.conf (docker-compose.yml already passes --maxmemory-policy noeviction), then restart Redis',
  );
}

export async function checkPersistence(redis: Redis): Promise<CheckResult> {
  const subject = 'Redis persistence';
  if (infoField(await redis.info('persistence'), 'aof_enabled') === '1') return ok(subject, 'append-only file on: timers survive a restart of Redis');
  const snapshots = await snapshotSchedule(redis);
  const fix = 'set "appendonly yes" in /etc/redis/redis.conf (docker-compose.yml already passes --appendonly yes), then restart Redis';
  if (snapshots) return warn(subject, `only snapshots ("save ${snapshots}"): a crash loses the timers set since the last one`, fix);
  return fail(subject, 'Redis keeps nothing on disk: a restart of Redis loses every timer and queued message', fix);
}

/** The RDB snapshot schedule, or undefined when there is none (or a hosted Redis hides CONFIG). */
async function snapshotSchedule(redis: Redis): Promise<string | undefined> {
  try {
    const [, save] = (await redis.config('GET', 'save')) as [string, string];
    return save.trim() || undefined;
  } catch {
    return undefined;
  }
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}
