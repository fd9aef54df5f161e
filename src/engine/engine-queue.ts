import type { Job, Queue, Worker } from 'bullmq';
import { delayUntil, type Clock } from '../core/clock.js';
import { countJobs } from '../infra/queue-counts.js';
import { RETRIED_JOBS, type QueueFactory } from '../infra/queue-factory.js';
import type { DomainEvent, EventPublisher } from '../core/events.js';
import { currentTurnWrites } from '../core/turn-scope.js';

/** Everything the engine schedules for later: a wait or question timing out, an event to turn into flows. */
export type EngineJob =
  | { readonly kind: 'timer'; readonly personId: string; readonly token: string }
  | { readonly kind: 'event'; readonly event: DomainEvent }
  | { readonly kind: 'schedule'; readonly flowId: string; readonly roles: readonly string[] };

/** A flow's schedule trigger, registered with BullMQ as one job scheduler. */
export interface FlowSchedule {
  readonly id: string;
  readonly cron: string;
  readonly tz: string;
  readonly flowId: string;
  readonly roles: readonly string[];
}

export interface TimerScheduler {
  scheduleTimer(personId: string, token: string, dueAt: Date): Promise<void>;
  cancelTimer(token: string): Promise<void>;
}

export interface EngineQueueOptions {
  /** Carries the connection, key prefix and the logging of worker errors. */
  readonly queues: QueueFactory;
  /** Due times are the clock's: a timer due at 12:00 on it runs 12:00 minus its now from now. */
  readonly clock: Clock;
  readonly concurrency?: number;
}

const QUEUE_NAME = 'kinbridge-engine';
const SCHEDULE_PREFIX = 'flow-schedule:';

/**
 * One BullMQ queue for the engine's own deferred work. Timer job ids are the session's wait token,
 * so scheduling twice is harmless and a superseded timer can be found and removed.
 */
export class EngineQueue implements TimerScheduler, EventPublisher {
  private readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(private readonly options: EngineQueueOptions) {
    this.queue = options.queues.queue(QUEUE_NAME, RETRIED_JOBS);
  }

  async scheduleTimer(personId: string, token: string, dueAt: Date): Promise<void> {
    const job: EngineJob = { kind: 'timer', personId, token };
    await this.queue.add('timer', job, { jobId: timerJobId(token), delay: delayUntil(dueAt, this.options.clock) });
  }

  /** Jobs waiting or running; with `includeDelayed`, also timers and retries set for later. */
  async pendingJobs(includeDelayed: boolean): Promise<number> {
    return countJobs(this.queue, includeDelayed);
  }

  async cancelTimer(token: string): Promise<void> {
    // A timer that already ran or is running is fine to miss: the session's token no longer matches it.
    await this.queue.remove(timerJobId(token)).catch(() => 0);
  }

  /** Within a turn, held until the turn commits (see TurnWrites.events); outside one, queued at once. */
  async publish(event: DomainEvent): Promise<void> {
    const turn = currentTurnWrites();
    if (turn) turn.events.push(event);
    else await this.publishNow([event]);
  }

  /** What a committed turn published. */
  async publishNow(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.queue.addBulk(events.map((event) => ({ name: 'event', data: { kind: 'event', event } satisfies EngineJob })));
  }

  /** Makes BullMQ's job schedulers match the flows' schedule triggers: new ones added, changed ones updated, removed ones dropped. */
  async syncSchedules(schedules: readonly FlowSchedule[]): Promise<void> {
    const wanted = new Set(schedules.map((schedule) => `${SCHEDULE_PREFIX}${schedule.id}`));
    for (const existing of await this.queue.getJobSchedulers()) {
      if (existing.key.startsWith(SCHEDULE_PREFIX) && !wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
    for (const schedule of schedules) {
      const job: EngineJob = { kind: 'schedule', flowId: schedule.flowId, roles: schedule.roles };
      await this.queue.upsertJobScheduler(`${SCHEDULE_PREFIX}${schedule.id}`, { pattern: schedule.cron, tz: schedule.tz }, { name: 'schedule', data: job });
    }
  }

  /** Starts processing; a handler that throws is retried with backoff by BullMQ. */
  start(handle: (job: EngineJob) => Promise<void>): void {
    this.worker = this.options.queues.worker(QUEUE_NAME, (job: Job<EngineJob>) => handle(job.data), { concurrency: this.options.concurrency ?? 16 });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

function timerJobId(token: string): string {
  return `timer-${token}`;
}
