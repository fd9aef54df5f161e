import type { Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { countJobs } from '../../infra/queue-counts.js';
import { RETRIED_JOBS, type QueueFactory } from '../../infra/queue-factory.js';
import type { OutboxWriter } from '../../core/outbox-writer.js';
import type { PersonDirectory } from '../people/person-directory.js';
import type { BroadcastService } from './broadcasts.js';

export interface BroadcastWorkerOptions {
  readonly queues: QueueFactory;
  readonly broadcasts: BroadcastService;
  readonly people: PersonDirectory;
  readonly outbox: OutboxWriter;
  readonly translate: (locale: string, key: string, vars?: Record<string, unknown>) => string;
  readonly logger: Logger;
  /** How often due broadcasts are looked for and sending ones checked (default 5 s). */
  readonly checkEveryMs?: number;
}

/** Lets actions start a broadcast's fan-out at once instead of at the next check. */
export interface BroadcastRunner {
  kick(id: string): Promise<void>;
}

const QUEUE_NAME = 'broadcasts';

/**
 * Runs broadcasts. Every process checks, every few seconds, for broadcasts that are due (and kicks their fan-out, a
 * BullMQ job with the broadcast's id, so one process does it) and for sending ones with nothing left pending (and
 * reports to the coordinator, once). The check lives in the process, not in Redis, so a Redis restart loses nothing.
 */
export class BroadcastWorker implements BroadcastRunner {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BroadcastWorkerOptions) {
    this.queue = options.queues.queue(QUEUE_NAME, { ...RETRIED_JOBS, removeOnFail: 100 });
  }

  start(): void {
    this.worker = this.options.queues.worker(QUEUE_NAME, (job: Job<{ id: string }>) => this.options.broadcasts.fanOut(job.data.id), { concurrency: 2 });
    this.timer = setInterval(
      () => void this.check().catch((error: unknown) => this.options.logger.warn({ err: error }, 'broadcast check failed')),
      this.options.checkEveryMs ?? 5_000,
    );
  }

  async kick(id: string): Promise<void> {
    await this.queue.add('fan-out', { id }, { jobId: `fan-out-${id}` });
  }

  /** Fan-outs waiting or running. */
  async pendingJobs(): Promise<number> {
    return countJobs(this.queue, true);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.worker?.close();
    await this.queue.close();
  }

  private async check(): Promise<void> {
    const { broadcasts } = this.options;
    for (const id of await broadcasts.due()) await this.kick(id);
    for (const id of await broadcasts.finishing()) {
      if ((await broadcasts.report(id)).status === 'done') await this.reportToCoordinator(id);
    }
  }

  /** Written with a dedupe key, so however many processes notice the end, the coordinator hears once. */
  private async reportToCoordinator(id: string): Promise<void> {
    const { broadcasts, people, translate, outbox } = this.options;
    const report = await broadcasts.report(id);
    const coordinatorId = await broadcasts.coordinatorOf(id);
    const [coordinator, address] = await Promise.all([people.find(coordinatorId), people.addressOf(coordinatorId)]);
    if (!coordinator || !address) return;
    const text = translate(coordinator.locale, 'broadcasts:report', {
      delivered: report.delivered,
      failed: report.failed,
      blocked: report.blocked,
      opted_out: report.optedOut,
      held: report.held,
    });
    await outbox.enqueue({ address, personId: coordinatorId, messages: [{ text }], dedupeKey: `broadcast-report:${id}` });
  }
}
