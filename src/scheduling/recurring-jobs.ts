import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../core/logger.js';

/** Work a service repeats on its own (a retention sweep, keeping next week's reminders scheduled): never a flow step's. */
export interface RecurringJob {
  /** Unique across the deployment; also the BullMQ job scheduler's id. */
  readonly id: string;
  readonly everyMs: number;
  run(): Promise<void>;
}

const QUEUE_NAME = 'kinbridge-recurring';

/**
 * Every recurring job on one BullMQ queue, each on its own job scheduler, so however many processes run, each job
 * runs once per interval; a failure is logged and the next interval tries again.
 */
export class RecurringJobs {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly byId: ReadonlyMap<string, RecurringJob>;

  constructor(private readonly options: { connection: ConnectionOptions; prefix: string; logger: Logger; jobs: readonly RecurringJob[] }) {
    this.queue = new Queue(QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
    this.byId = new Map(options.jobs.map((job) => [job.id, job]));
  }

  /** `scheduled: false` registers no job scheduler: the jobs run only when someone calls `runNow` (tests). */
  async start({ scheduled = true }: { scheduled?: boolean } = {}): Promise<void> {
    const { connection, prefix, logger } = this.options;
    if (scheduled) await this.schedule();
    this.worker = new Worker(QUEUE_NAME, (job: Job) => this.runNow(job.name), { connection, prefix });
    this.worker.on('failed', (job, error) => logger.error({ err: error, job: job?.name }, 'recurring job failed'));
    this.worker.on('error', (error) => logger.warn({ err: error }, 'recurring job worker error'));
  }

  private async schedule(): Promise<void> {
    for (const job of this.byId.values()) {
      await this.queue.upsertJobScheduler(job.id, { every: job.everyMs }, { name: job.id, opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
  }

  /** Runs one job at once, in this process (tests, and a service that wants its effect now). */
  async runNow(id: string): Promise<void> {
    const job = this.byId.get(id);
    if (!job) throw new Error(`No recurring job "${id}" (known: ${[...this.byId.keys()].join(', ')})`);
    await job.run();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
