import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../storage/prisma.js';
import type { TimerScheduler } from './engine-queue.js';

/** Timers handed to BullMQ again per sweep at most. */
const TIMERS_PER_SWEEP = 500;

/**
 * The safety net under timers: a turn writes its timers' rows in its own transaction and schedules their BullMQ jobs
 * right after, and a timer's turn removes its row. A row still there well after it came due lost its job (a Redis
 * restart, a crash between the commit and the scheduling), so it is scheduled again; a job that still exists keeps
 * its id, and BullMQ adds nothing.
 */
export class OverdueTimers {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly timers: TimerScheduler,
    private readonly logger: Logger,
    /** How long past due a timer may be before its job counts as lost (BullMQ fires on time; a backlog takes a while). */
    private readonly graceMs = 60_000,
  ) {}

  /** Schedules again the timers overdue by more than the grace; returns how many. */
  async sweep(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.graceMs);
    const overdue = await this.db.flowTimer.findMany({ where: { dueAt: { lt: before } }, orderBy: { dueAt: 'asc' }, take: TIMERS_PER_SWEEP });
    for (const { personId, token, dueAt } of overdue) await this.timers.scheduleTimer(personId, token, dueAt);
    if (overdue.length > 0) this.logger.info({ timers: overdue.length }, 'overdue timers scheduled again');
    return overdue.length;
  }

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'overdue timer sweep failed')), everyMs);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
