import type { Job, Queue, Worker } from 'bullmq';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { countJobs } from '../infra/queue-counts.js';
import { RETRIED_JOBS, type QueueFactory } from '../infra/queue-factory.js';
import type { FiringReminder, ReminderStore } from './reminder-store.js';

/** Runs a reminder that came due; `dueAt` is when it was meant to fire. */
export type FireReminder = (reminder: FiringReminder & { readonly dueAt: Date }) => Promise<void>;

type ReminderJob = { readonly kind: 'sweep' } | { readonly kind: 'fire'; readonly reminderId: string; readonly dueAt: string };

export interface ReminderQueueOptions {
  readonly queues: QueueFactory;
  readonly store: ReminderStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the one BullMQ job scheduler sweeps the index; 0 starts no scheduler (tests sweep by hand). */
  readonly sweepEveryMs?: number;
  readonly batchSize?: number;
  /** How long a claim holds; a sweeper that died releases its claims after this. */
  readonly leaseMs?: number;
  /**
   * Reminders planned to fire this soon are handed over early, as BullMQ delayed jobs: a burst (thousands due in one second) is
   * already waiting in Redis when it comes due, instead of being claimed from PostgreSQL at that moment.
   */
  readonly lookaheadMs?: number;
  readonly concurrency?: number;
}

const QUEUE_NAME = 'kinbridge-reminders';
const SWEEP_SCHEDULER = 'reminder-sweep';
/** One sweep moves at most this many batches, so a backlog after an outage is shared between sweeps and workers. */
const MAX_BATCHES_PER_SWEEP = 100;

/**
 * Turns the due-time index into work: one BullMQ job scheduler sweeps it every second, and each due reminder becomes
 * a BullMQ job whose id is the reminder's, so a reminder handed over twice (a sweeper died mid-way) is one job —
 * and a job that runs after the reminder fired finds `firedAt` set and does nothing.
 */
export class ReminderQueue {
  private readonly queue: Queue<ReminderJob>;
  private worker: Worker<ReminderJob> | undefined;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly lookaheadMs: number;

  constructor(private readonly options: ReminderQueueOptions) {
    this.queue = options.queues.queue<ReminderJob>(QUEUE_NAME, RETRIED_JOBS);
    this.batchSize = options.batchSize ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.lookaheadMs = options.lookaheadMs ?? 15_000;
  }

  async start(fire: FireReminder): Promise<void> {
    const every = this.options.sweepEveryMs ?? 1000;
    if (every > 0) {
      await this.queue.upsertJobScheduler(SWEEP_SCHEDULER, { every }, { name: 'sweep', data: { kind: 'sweep' }, opts: { attempts: 1 } });
    }
    this.worker = this.options.queues.worker<ReminderJob>(QUEUE_NAME, (job) => this.process(job, fire), {
      // Firing is mostly waiting on PostgreSQL; reads and writes are batched across concurrent jobs.
      concurrency: this.options.concurrency ?? 64,
    });
  }

  /** Hands every reminder planned to fire now or within the lookahead to the workers; returns how many. */
  async sweep(): Promise<number> {
    let handed = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch++) {
      const now = this.options.clock.now().getTime();
      const claimed = await this.options.store.claimDue(this.batchSize, this.leaseMs, new Date(now + this.lookaheadMs));
      if (claimed.length === 0) break;
      await this.queue.addBulk(
        claimed.map((reminder) => ({
          name: 'fire',
          data: { kind: 'fire' as const, reminderId: reminder.id, dueAt: reminder.dueAt.toISOString() },
          opts: { jobId: `reminder-${reminder.id}`, delay: Math.max(0, reminder.plannedAt.getTime() - now) },
        })),
      );
      await this.options.store.handedOver(claimed.map((reminder) => reminder.id));
      handed += claimed.length;
      if (claimed.length < this.batchSize) break;
    }
    return handed;
  }

  /** Sweeps and reminders waiting or running; with `includeDelayed`, also reminders handed over early (not the sweep schedule). */
  async pendingJobs(includeDelayed: boolean): Promise<number> {
    const running = await countJobs(this.queue, false);
    if (!includeDelayed) return running;
    const delayed = await this.queue.getDelayed();
    return running + delayed.filter((job) => job.data.kind === 'fire').length;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  private async process(job: Job<ReminderJob>, fire: FireReminder): Promise<void> {
    if (job.data.kind === 'sweep') {
      await this.sweep();
      return;
    }
    const { store } = this.options;
    const reminder = await store.toFire(job.data.reminderId);
    if (!reminder) return;
    await fire({ ...reminder, dueAt: new Date(job.data.dueAt) });
    await store.fired(reminder.id);
  }
}
