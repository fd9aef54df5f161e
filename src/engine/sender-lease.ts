import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { machineTimeMs } from '../core/clock.js';

/** Deletes the lease only if it is still ours: one that expired and was taken by another worker stays theirs. */
const RELEASE_IF_OURS = readFileSync(new URL('./scripts/release-if-ours.lua', import.meta.url), 'utf8');
const EXTEND_IF_OURS = readFileSync(new URL('./scripts/extend-if-ours.lua', import.meta.url), 'utf8');

export interface HeldLease {
  /** Keeps the lease for another full term when half of it has passed (a long drain), in one Redis call at most. */
  keep(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Which worker drains one sender's updates right now, across processes: a Redis key set only if absent, with an
 * expiry so a worker that died frees the sender. The session's version (not this lease) is what makes a turn of a
 * worker that outlived its lease harmless; the lease keeps that rare.
 */
export class SenderLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly termMs = 30_000,
  ) {}

  async acquire(sender: string): Promise<HeldLease | undefined> {
    const key = `${this.prefix}sender-lease:${sender}`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', this.termMs, 'NX')) !== 'OK') return undefined;
    let renewedAt = machineTimeMs();
    return {
      keep: async () => {
        if (machineTimeMs() - renewedAt < this.termMs / 2) return;
        renewedAt = machineTimeMs();
        await this.redis.eval(EXTEND_IF_OURS, 1, key, token, String(this.termMs));
      },
      release: async () => {
        await this.redis.eval(RELEASE_IF_OURS, 1, key, token);
      },
    };
  }
}
