import type { HeldLease } from './sender-lease.js';

/**
 * Sender leases a worker keeps for a while after their updates ran out: in a conversation the next message usually
 * follows within seconds, and is then handled without taking the lease again and letting it go (two Redis round
 * trips). When a lease's idle time is up, `onIdleEnd` decides what becomes of it (let go, or drained again).
 */
export class IdleLeases {
  private readonly idle = new Map<string, { readonly lease: HeldLease; readonly timer: NodeJS.Timeout }>();
  /** Idle times that ended and are being dealt with right now (`close` waits for them). */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly idleMs: number,
    private readonly onIdleEnd: (key: string, lease: HeldLease) => Promise<void>,
  ) {}

  has(key: string): boolean {
    return this.idle.has(key);
  }

  keep(key: string, lease: HeldLease): void {
    const timer = setTimeout(() => {
      this.idle.delete(key);
      const done = this.onIdleEnd(key, lease).finally(() => this.ending.delete(done));
      this.ending.add(done);
    }, this.idleMs);
    this.idle.set(key, { lease, timer });
  }

  /** The sender's idle lease, now in use again; undefined when none is kept here. */
  take(key: string): HeldLease | undefined {
    const idle = this.idle.get(key);
    if (!idle) return undefined;
    clearTimeout(idle.timer);
    this.idle.delete(key);
    return idle.lease;
  }

  /** Lets go of every idle lease, after those whose idle time just ended are dealt with. */
  async close(): Promise<void> {
    await Promise.all(this.ending);
    await Promise.all([...this.idle.keys()].map((key) => this.take(key)!.release()));
  }
}
