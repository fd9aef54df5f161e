import { Queue, Worker, type ConnectionOptions, type DefaultJobOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { Logger } from '../core/logger.js';

/** Retried with backoff, kept a while when failed, gone when done: what most of Kinbridge's jobs want. */
export const RETRIED_JOBS: DefaultJobOptions = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } };

export interface QueueFactoryOptions {
  readonly redisUrl: string;
  /** Namespaces the Redis keys (tests give each file its own). */
  readonly prefix: string;
  readonly logger: Logger;
}

/**
 * Every BullMQ queue and worker of the app, on one connection setting and key prefix. A worker's errors outside a
 * job (a lost connection) are logged under its name, never swallowed.
 */
export class QueueFactory {
  /** BullMQ workers block on Redis: they need `maxRetriesPerRequest: null`. */
  readonly connection: ConnectionOptions;

  constructor(private readonly options: QueueFactoryOptions) {
    this.connection = QueueFactory.connectionFor(options.redisUrl);
  }

  static connectionFor(redisUrl: string): ConnectionOptions {
    return { url: redisUrl, maxRetriesPerRequest: null };
  }

  get prefix(): string {
    return this.options.prefix;
  }

  queue<Data = unknown>(name: string, defaultJobOptions: DefaultJobOptions = RETRIED_JOBS): Queue<Data> {
    return new Queue<Data>(name, { connection: this.connection, prefix: this.options.prefix, defaultJobOptions });
  }

  worker<Data = unknown>(name: string, processor: Processor<Data>, options: Omit<WorkerOptions, 'connection' | 'prefix'> = {}): Worker<Data> {
    const worker = new Worker<Data>(name, processor, { ...options, connection: this.connection, prefix: this.options.prefix });
    worker.on('error', (error) => this.options.logger.warn({ err: error, queue: name }, 'queue worker error'));
    return worker;
  }
}
