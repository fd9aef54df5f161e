import { DateTime } from 'luxon';
import type { Clock } from '../core/clock.js';
import type { ReminderRequest, ReminderScheduler, ReminderTime } from '../core/reminders.js';
import { deferPastQuietHours, quietHoursFrom } from '../features/people/quiet-hours.js';
import type { Database } from '../storage/prisma.js';

/** A reminder a sweep handed to a worker: enough to find the row again and to measure how late it is. */
export interface ClaimedReminder {
  readonly id: string;
  readonly dueAt: Date;
}

/** What a worker runs when a reminder fires. */
export interface FiringReminder {
  readonly id: string;
  readonly subject: string;
  readonly occurrence: string;
  readonly personId: string;
  readonly flowId: string;
  readonly vars: Record<string, unknown>;
}

export class InvalidReminderTimeError extends Error {
  override readonly name = 'InvalidReminderTimeError';
}

export class UnknownRecipientError extends Error {
  override readonly name = 'UnknownRecipientError';
}

interface Recipient {
  readonly timeZone: string;
  readonly quietStartMinute: number | null;
  readonly quietEndMinute: number | null;
}

/** PostgreSQL allows 65,535 bind parameters per statement; 2,000 rows of ten columns stay well inside. */
const INSERT_CHUNK = 2_000;

/**
 * The due-time index in PostgreSQL. A reminder is pending while `dueAt` is set; a sweep claims due rows under a lease
 * (FOR UPDATE SKIP LOCKED, so sweepers never wait on each other), hands them to workers and clears `dueAt`.
 * A sweeper that dies before clearing it leaves the lease to expire, and the next sweep claims the row again:
 * a restart fires late rather than never. `firedAt`, written once the flow ran, makes a second hand-over do nothing.
 */
export class ReminderStore implements ReminderScheduler {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async schedule(requests: readonly ReminderRequest[]): Promise<number> {
    let created = 0;
    for (let start = 0; start < requests.length; start += INSERT_CHUNK) {
      const chunk = requests.slice(start, start + INSERT_CHUNK);
      const recipients = await this.recipients(chunk.map((request) => request.personId));
      const rows = chunk.map((request) => {
        const recipient = recipients.get(request.personId);
        if (!recipient) throw new UnknownRecipientError(`No person ${request.personId} for reminder ${request.subject} ${request.occurrence}`);
        const requestedAt = resolveTime(request.at, recipient.timeZone);
        return {
          subject: request.subject,
          occurrence: request.occurrence,
          personId: request.personId,
          flowId: request.flowId,
          vars: { ...request.vars },
          localTime: 'localTime' in request.at ? request.at.localTime : null,
          requestedAt,
          dueAt: dueAfterQuietHours(requestedAt, recipient),
        };
      });
      created += (await this.db.scheduledReminder.createMany({ data: rows, skipDuplicates: true })).count;
    }
    return created;
  }

  async cancel(subject: string, occurrencePrefix = ''): Promise<number> {
    const { count } = await this.db.scheduledReminder.updateMany({
      where: { subject, occurrence: { startsWith: occurrencePrefix }, dueAt: { not: null } },
      data: { dueAt: null, cancelledAt: this.clock.now() },
    });
    return count;
  }

  async retimeFor(personId: string): Promise<void> {
    const recipient = (await this.recipients([personId])).get(personId);
    if (!recipient) return;
    const now = this.clock.now();
    const pending = await this.db.scheduledReminder.findMany({
      where: { personId, dueAt: { not: null }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      select: { id: true, localTime: true, requestedAt: true },
    });
    for (const reminder of pending) {
      const requestedAt = reminder.localTime ? resolveTime({ localTime: reminder.localTime }, recipient.timeZone) : reminder.requestedAt;
      await this.db.scheduledReminder.updateMany({
        where: { id: reminder.id, dueAt: { not: null } },
        data: { requestedAt, dueAt: dueAfterQuietHours(requestedAt, recipient) },
      });
    }
  }

  /** Leases up to `limit` due reminders, oldest first, skipping rows another sweeper holds. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedReminder[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.$queryRaw<ClaimedReminder[]>`
      UPDATE "ScheduledReminder" SET "leaseUntil" = ${leaseUntil}
      WHERE "id" IN (
        SELECT "id" FROM "ScheduledReminder"
        WHERE "dueAt" <= ${now} AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
        ORDER BY "dueAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "dueAt"`;
  }

  /** Workers have the claimed reminders now: they leave the due-time index. */
  async handedOver(ids: readonly string[]): Promise<void> {
    await this.db.scheduledReminder.updateMany({ where: { id: { in: [...ids] } }, data: { dueAt: null, leaseUntil: null } });
  }

  /** The reminder to run, or undefined when it already ran or was cancelled. */
  async toFire(id: string): Promise<FiringReminder | undefined> {
    const row = await this.db.scheduledReminder.findUnique({ where: { id } });
    if (!row || row.firedAt || row.cancelledAt) return undefined;
    const { subject, occurrence, personId, flowId } = row;
    return { id, subject, occurrence, personId, flowId, vars: row.vars as Record<string, unknown> };
  }

  async fired(id: string): Promise<void> {
    await this.db.scheduledReminder.update({ where: { id }, data: { firedAt: this.clock.now() } });
  }

  private async recipients(personIds: readonly string[]): Promise<Map<string, Recipient>> {
    const people = await this.db.person.findMany({
      where: { id: { in: [...new Set(personIds)] } },
      select: { id: true, timeZone: true, quietStartMinute: true, quietEndMinute: true },
    });
    return new Map(people.map((person) => [person.id, person]));
  }
}

function resolveTime(at: ReminderTime, timeZone: string): Date {
  if ('instant' in at) return at.instant;
  const local = DateTime.fromISO(at.localTime, { zone: timeZone });
  if (!local.isValid) throw new InvalidReminderTimeError(`"${at.localTime}" is not a local date and time like 2026-11-28T10:00`);
  return local.toJSDate();
}

function dueAfterQuietHours(requestedAt: Date, recipient: Recipient): Date {
  return deferPastQuietHours(requestedAt, recipient.timeZone, quietHoursFrom(recipient.quietStartMinute, recipient.quietEndMinute));
}
