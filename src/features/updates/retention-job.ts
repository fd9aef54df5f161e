import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { OutboxRedaction } from '../../messaging/outbox-redaction.js';
import type { UpdateRetention } from './update-retention.js';

const QUEUE_NAME = 'kinbridge-media-retention';
const SCHEDULER_ID = 'media-retention-sweep';

/** Runs the retention sweeps (media, then outbox contents) on a BullMQ job scheduler: one sweep per interval across all workers. */
export class RetentionJob {
  private readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(
    private readonly options: { connection: ConnectionOptions; prefix: string; everyMs: number; retention: UpdateRetention; outboxRedaction: OutboxRedaction; logger: Logger },
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
  }

  async start(): Promise<void> {
    const { connection, prefix, everyMs, retention, outboxRedaction, logger } = this.options;
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: everyMs }, { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 100 } });
    this.worker = new Worker(
      QUEUE_NAME,
      async () => {
        const swept = await retention.sweep();
        const redactedMessages = await outboxRedaction.sweep();
        if (swept.updates > 0 || swept.withdrawnFiles > 0 || redactedMessages > 0) logger.info({ ...swept, redactedMessages }, 'retention sweep');
      },
      { connection, prefix },
    );
    this.worker.on('error', (error) => logger.warn({ err: error }, 'media retention worker error'));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
