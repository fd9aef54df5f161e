import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Clock } from '../core/clock.js';
import type { Messenger } from '../core/messenger.js';
import { ChannelSendError } from '../core/send-error.js';
import type { Database } from '../storage/prisma.js';

/**
 * What Prometheus scrapes at /metrics. Counters are bumped at a few points of the composition root (a message in,
 * a send out, a turn's duration); the depths are read from PostgreSQL and BullMQ when scraped, so nothing drifts.
 */
export class KinbridgeMetrics {
  readonly registry = new Registry();
  private readonly inbound = new Counter({ name: 'kinbridge_inbound_messages_total', help: 'Messages received, by channel', labelNames: ['channel'], registers: [this.registry] });
  private readonly outbound = new Counter({ name: 'kinbridge_outbound_messages_total', help: 'Messages handed to a platform, by channel', labelNames: ['channel'], registers: [this.registry] });
  private readonly turns = new Histogram({
    name: 'kinbridge_turn_duration_seconds',
    help: 'Time from receiving a delivery of messages to their being journaled (their turns run after it), by channel',
    labelNames: ['channel'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly reminderLateness = new Histogram({
    name: 'kinbridge_reminder_lateness_seconds',
    help: "Time from a reminder's due time to its flow having run (its messages written to the outbox)",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly failures = new Counter({ name: 'kinbridge_failures_total', help: 'Failures, by kind (turn, reminder, or send:<disposition>)', labelNames: ['kind'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kinbridge_process_' });
  }

  /**
   * Counts the messages of one delivery and times `run`, which journals them (their turns run after it); one that
   * throws counts as a failure and rethrows.
   */
  async received<T>(channel: string, messages: number, run: () => Promise<T>): Promise<T> {
    this.inbound.inc({ channel }, messages);
    const stop = this.turns.startTimer({ channel });
    try {
      return await run();
    } catch (error) {
      this.failures.inc({ kind: 'turn' });
      throw error;
    } finally {
      stop();
    }
  }

  /**
   * Wraps what runs a due reminder: how late it ran (on the injected clock, the one due times are decided by), and a
   * reminder that throws counts as a failure and rethrows, so the queue retries it.
   */
  measuringReminders<R extends { readonly dueAt: Date }>(clock: Clock, fire: (reminder: R) => Promise<void>): (reminder: R) => Promise<void> {
    return async (reminder) => {
      try {
        await fire(reminder);
      } catch (error) {
        this.failures.inc({ kind: 'reminder' });
        throw error;
      }
      this.reminderLateness.observe(Math.max(0, (clock.now().getTime() - reminder.dueAt.getTime()) / 1000));
    };
  }

  /** Wraps the messenger the outbox sends through, counting what leaves and what fails, by how. */
  countingMessenger(messenger: Messenger): Messenger {
    return {
      deliver: async (address, messages) => {
        try {
          const receipt = await messenger.deliver(address, messages);
          this.outbound.inc({ channel: address.channel }, messages.length);
          return receipt;
        } catch (error) {
          this.failures.inc({ kind: error instanceof ChannelSendError ? `send:${error.disposition}` : 'send:error' });
          throw error;
        }
      },
    };
  }

  /** Gauges read on each scrape: the outbox's unsent rows and the oldest one's age, and each BullMQ queue's jobs. */
  watch(db: Database, clock: Clock, queues: () => readonly Queue[]): void {
    new Gauge({
      name: 'kinbridge_outbox_unsent',
      help: 'Outbox messages queued or being sent',
      registers: [this.registry],
      async collect() {
        this.set(await db.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] } } }));
      },
    });
    new Gauge({
      name: 'kinbridge_outbox_oldest_unsent_seconds',
      help: 'Age of the oldest unsent outbox message that is due (0 when none)',
      registers: [this.registry],
      async collect() {
        const now = clock.now();
        const oldest = await db.outboxMessage.findFirst({ where: { status: { in: ['queued', 'sending'] }, notBefore: { lte: now } }, orderBy: { notBefore: 'asc' }, select: { notBefore: true } });
        this.set(oldest ? Math.max(0, (now.getTime() - oldest.notBefore.getTime()) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'kinbridge_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of queues()) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        }
      },
    });
  }
}
