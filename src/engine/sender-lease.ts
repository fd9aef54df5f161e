import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { machineTimeMs } from '../core/clock.js';

const ACQUIRE_OR_KNOCK = readFileSync(new URL('./scripts/acquire-or-knock.lua', import.meta.url), 'utf8');
const RELEASE_UNLESS_KNOCKED = readFileSync(new URL('./scripts/release-unless-knocked.lua', import.meta.url), 'utf8');
const EXTEND_IF_OURS = readFileSync(new URL('./scripts/extend-if-ours.lua', import.meta.url), 'utf8');

export interface HeldLease {
  /** Keeps the lease for another full term when half of it has passed (a long drain), in one Redis call at most. */
  keep(): Promise<void>;
  /**
   * Lets go, unless another process knocked meanwhile (it journaled an update of this sender, or heard of one): then
   * the lease is kept and `knocked` answered, and the holder looks in the journal again before trying once more.
   */
  release(): Promise<'released' | 'knocked'>;
}

/**
 * Which worker drains one sender's updates right now, across processes: a Redis key set only if absent, with an
 * expiry so a worker that died frees the sender. A process that finds the lease taken knocks (atomically with the
 * attempt), and the holder cannot let go without seeing the knock: no update is left behind, without anyone counting
 * the journal after every drain. The session's version (not this lease) is what makes a turn of a worker that
 * outlived its lease harmless; the lease keeps that rare.
 */
export class SenderLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly termMs = 30_000,
  ) {}

  async acquire(sender: string): Promise<HeldLease | undefined> {
    const key = `${this.prefix}sender-lease:${sender}`;
    const knock = `${key}:knock`;
    const token = randomUUID();
    const term = String(this.termMs);
    if ((await this.redis.eval(ACQUIRE_OR_KNOCK, 2, key, knock, token, term)) !== 1) return undefined;
    let renewedAt = machineTimeMs();
    return {
      keep: async () => {
        if (machineTimeMs() - renewedAt < this.termMs / 2) return;
        renewedAt = machineTimeMs();
        await this.redis.eval(EXTEND_IF_OURS, 1, key, token, term);
      },
      release: async () => {
        const outcome = await this.redis.eval(RELEASE_UNLESS_KNOCKED, 2, key, knock, token, term);
        if (outcome !== 2) return 'released';
        renewedAt = machineTimeMs();
        return 'knocked';
      },
    };
  }
}
