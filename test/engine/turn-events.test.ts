import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { runWithinTurn, type TurnWrites } from '../../src/core/turn-scope.js';
import { EngineQueue } from '../../src/engine/engine-queue.js';
import { QueueFactory } from '../../src/infra/queue-factory.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/** Events an action publishes during a turn reach the queue only once the turn committed, never from a turn that did not. */
describe('events published within a turn', () => {
  const queue = new EngineQueue({ queues: new QueueFactory({ redisUrl: testRedisUrl(), prefix: uniquePrefix('turn-events'), logger: createLogger('silent') }), clock: systemClock });
  afterAll(() => queue.close());
  const joined = { name: 'family.member_joined', personIds: ['a7d1c0f2-0000-4000-8000-000000000001'], vars: {} };

  it('holds them in the turn, and queues them when the engine hands them on after the commit', async () => {
    const writes: TurnWrites = { outbox: [], events: [] };
    await runWithinTurn(writes, () => queue.publish(joined));
    expect(writes.events).toEqual([joined]);
    expect(await queue.pendingJobs(false)).toBe(0);
    await queue.publishNow(writes.events);
    expect(await queue.pendingJobs(false)).toBe(1);
  });

  it('queues them at once outside a turn (a job, a sweep)', async () => {
    const before = await queue.pendingJobs(false);
    await queue.publish(joined);
    expect(await queue.pendingJobs(false)).toBe(before + 1);
  });
});
