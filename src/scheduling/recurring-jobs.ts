import type { Job, Queue, Worker } from 'bullmq';
import type { RecurringJob } from '../core/feature-contract.js';
import type { Logger } from '../core/logger.js';
import type { QueueFactory } from '../infra/queue-factory.js';


const QUEUE_NAME = 'kinbridge-recurring';

/**
 * Every recurring job on one BullMQ queue, each on its own job scheduler, so however many processes run, each job
 * runs once per interval; a failure is logged and the next interval tries again.
 */
export class RecurringJobs {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly byId: ReadonlyMap<string, RecurringJob>;

  constructor(private readonly options: { queues: QueueFactory; logger: Logger; jobs: readonly RecurringJob[] }) {
    this.queue = options.queues.queue(QUEUE_NAME, {});
    this.byId = new Map(options.jobs.map((job) => [job.id, job]));
  }

  /** `scheduled: false` registers no job scheduler: the jobs run only when someone calls `runNow` (tests). */
  async start({ scheduled = true }: { scheduled?: boolean } = {}): Promise<void> {
    const { queues, logger } = this.options;
    if (scheduled) await this.schedule();
    this.worker = queues.worker(QUEUE_NAME, (job: Job) => this.runNow(job.name));
    this.worker.on('failed', (job, error) => logger.error({ err: error, job: job?.name }, 'recurring job failed'));
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
