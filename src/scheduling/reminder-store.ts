import DataLoader from 'dataloader';
import { DateTime } from 'luxon';
import type { Clock } from '../core/clock.js';
import type { ReminderRequest, ReminderScheduler, ReminderTime } from '../core/reminders.js';
import { deferPastQuietHours, quietHoursFrom } from '../core/quiet-hours.js';
import type { Database, DatabaseTransaction } from '../storage/prisma.js';
import { SendPlan, type SendWindow } from './send-plan.js';

/** A reminder a sweep handed to a worker: enough to find the row again and to measure how late it is. */
export interface ClaimedReminder {
  readonly id: string;
  readonly dueAt: Date;
  /** When the send plan has it fire: at `dueAt`, or up to its tolerance before. */
  readonly plannedAt: Date;
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

/** Rows per INSERT; each column travels as one array parameter, so this bounds statement size, not parameter count. */
const INSERT_CHUNK = 5_000;
/**
 * Below Telegram's 30 a second per bot, the tightest of the channels that carry reminders: replies to people share
 * the bot's rate, and a sender that falls a little behind must catch up before the due time. Measured (bench:schedule):
 * planned at the full 30, 19,103 nudges arrived 97.8 % on time; the senders drift behind by seconds over ten minutes.
 */
const DEFAULT_SENDS_PER_SECOND = 25;
/** Planners wait for each other under this lock, so two never give the same free second away twice. */
const SEND_PLAN_LOCK = 'kinbridge:reminder-send-plan';
/** Planners queue for the lock: a whole week's reminders loaded at once waits longer than Prisma's 5 s default. */
const PLAN_TRANSACTION = { maxWait: 120_000, timeout: 120_000 } as const;
/**
 * How far past its window the plan counts taken seconds, for reminders that find the window full and spill late:
 * 27,000 at 30/s. Beyond it the plan sees free seconds it may share; the outbox's own rate limit still holds.
 */
const SPILL_MS = 900_000;

export interface ReminderStoreOptions {
  /** Reminders a second the send plan allows (default 25, under Telegram's 30 per bot). */
  readonly sendsPerSecond?: number;
}

/** A reminder resolved to its times, ready to be planned and written. */
interface TimedReminder {
  readonly request: ReminderRequest;
  readonly requestedAt: Date;
  readonly dueAt: Date;
  readonly window: SendWindow;
}

/**
 * The due-time index in PostgreSQL. A reminder is pending while `dueAt` is set. It fires at `plannedAt`: the send
 * plan (send-plan.ts) gives it a second within its tolerance before `dueAt` where the platform's rate still has room,
 * counting the reminders already planned then. A sweep claims rows whose planned time has come under a lease
 * (FOR UPDATE SKIP LOCKED, so sweepers never wait on each other), hands them to workers and clears `dueAt`.
 * A sweeper that dies before clearing it leaves the lease to expire, and the next sweep claims the row again:
 * a restart fires late rather than never. `firedAt`, written once the flow ran, makes a second hand-over do nothing.
 */
export class ReminderStore implements ReminderScheduler {
  /**
   * Workers fire many reminders at once (a whole family cohort's nudges come due in the same second): their
   * per-reminder reads and writes are gathered over a couple of milliseconds into one statement each.
   */
  private readonly unfired: DataLoader<string, FiringReminder | undefined>;
  private readonly firedMarks: DataLoader<string, void>;

  private readonly sendsPerSecond: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    options: ReminderStoreOptions = {},
  ) {
    this.sendsPerSecond = options.sendsPerSecond ?? DEFAULT_SENDS_PER_SECOND;
    const batching = { cache: false, maxBatchSize: 1000, batchScheduleFn: (run: () => void) => setTimeout(run, 2) };
    this.unfired = new DataLoader((ids) => this.loadUnfired(ids), batching);
    this.firedMarks = new DataLoader((ids) => this.markFired(ids), batching);
  }

  /** Planned and written in chunks of neighbouring times: each chunk counts the taken seconds of a short stretch only. */
  async schedule(requests: readonly ReminderRequest[]): Promise<number> {
    const timed = (await this.resolved(firstOfEachOccurrence(requests))).sort((a, b) => a.window.earliestMs - b.window.earliestMs);
    let created = 0;
    for (let start = 0; start < timed.length; start += INSERT_CHUNK) {
      const rows = timed.slice(start, start + INSERT_CHUNK);
      created += await this.planned(rows, (tx, plannedAt) => this.insert(tx, rows, plannedAt));
    }
    return created;
  }

  private async resolved(requests: readonly ReminderRequest[]): Promise<TimedReminder[]> {
    const timed: TimedReminder[] = [];
    for (let start = 0; start < requests.length; start += INSERT_CHUNK) {
      const chunk = requests.slice(start, start + INSERT_CHUNK);
      const recipients = await this.recipients(chunk.map((request) => request.personId));
      for (const request of chunk) {
        const recipient = recipients.get(request.personId);
        if (!recipient) throw new UnknownRecipientError(`No person ${request.personId} for reminder ${request.subject} ${request.occurrence}`);
        timed.push(this.timed(request, resolveTime(request.at, recipient.timeZone), recipient));
      }
    }
    return timed;
  }

  private timed(request: ReminderRequest, requestedAt: Date, recipient: Recipient): TimedReminder {
    const dueAt = dueAfterQuietHours(requestedAt, recipient);
    return { request, requestedAt, dueAt, window: sendWindow(dueAt, request.toleranceSeconds ?? 0, recipient, this.clock.now()) };
  }

  /**
   * Plans when each reminder fires and writes it, in one transaction under the planners' lock: the seconds already
   * taken are counted from the index, the plan fills them up to the rate, and `write` stores the choices.
   */
  private planned<T>(reminders: readonly { window: SendWindow }[], write: (tx: DatabaseTransaction, plannedAt: readonly Date[]) => Promise<T>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${SEND_PLAN_LOCK}))`;
      const plan = new SendPlan(this.sendsPerSecond, await this.takenSeconds(tx, reminders.map((reminder) => reminder.window)));
      return write(tx, reminders.map((reminder) => new Date(plan.place(reminder.window))));
    }, PLAN_TRANSACTION);
  }

  /** Reminders already planned in each second the windows cover (and the seconds after, where a full window spills). */
  private async takenSeconds(tx: DatabaseTransaction, windows: readonly SendWindow[]): Promise<Map<number, number>> {
    const spans = mergedSpans(windows);
    const rows = await tx.$queryRaw<{ second: number; count: number }[]>`
      SELECT floor(extract(epoch FROM r."plannedAt"))::float8 AS "second", count(*)::int AS "count"
      FROM "ScheduledReminder" AS r
      JOIN unnest(${spans.map((span) => new Date(span.from).toISOString())}::text[], ${spans.map((span) => new Date(span.to).toISOString())}::text[]) AS s("from", "to")
        ON r."plannedAt" >= s."from"::timestamptz AT TIME ZONE 'UTC' AND r."plannedAt" < s."to"::timestamptz AT TIME ZONE 'UTC'
      GROUP BY 1`;
    return new Map(rows.map((row) => [row.second, row.count]));
  }

  /**
   * One INSERT per chunk with each column as an array (unnest): Prisma's createMany spends far longer building
   * statements than PostgreSQL spends running them. Instants travel as UTC ISO strings, whatever the process's zone.
   * An occurrence cancelled before it fired is scheduled again, for whoever it now names (nudges paused while a child
   * lived with the parent resume; a plan saved again keeps this week's times); one scheduled or fired stays as it is.
   */
  private insert(tx: DatabaseTransaction, rows: readonly TimedReminder[], plannedAt: readonly Date[]): Promise<number> {
    const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
    return tx.$executeRaw`
      INSERT INTO "ScheduledReminder" ("id", "subject", "occurrence", "personId", "flowId", "vars", "localTime", "requestedAt", "dueAt", "toleranceSeconds", "plannedAt")
      SELECT gen_random_uuid(), subject, occurrence, person_id, flow_id, vars::jsonb, local_time,
             requested_at::timestamptz AT TIME ZONE 'UTC', due_at::timestamptz AT TIME ZONE 'UTC', tolerance_seconds,
             planned_at::timestamptz AT TIME ZONE 'UTC'
      FROM unnest(
        ${column((r) => r.request.subject)}::text[], ${column((r) => r.request.occurrence)}::text[],
        ${column((r) => r.request.personId)}::uuid[], ${column((r) => r.request.flowId)}::text[],
        ${column((r) => JSON.stringify(r.request.vars ?? {}))}::text[],
        ${column((r) => ('localTime' in r.request.at ? r.request.at.localTime : null))}::text[],
        ${column((r) => r.requestedAt.toISOString())}::text[], ${column((r) => r.dueAt.toISOString())}::text[],
        ${column((r) => r.request.toleranceSeconds ?? 0)}::int[], ${plannedAt.map((at) => at.toISOString())}::text[]
      ) AS t(subject, occurrence, person_id, flow_id, vars, local_time, requested_at, due_at, tolerance_seconds, planned_at)
      ON CONFLICT ("subject", "occurrence") DO UPDATE SET
        "personId" = EXCLUDED."personId", "flowId" = EXCLUDED."flowId", "vars" = EXCLUDED."vars", "localTime" = EXCLUDED."localTime",
        "requestedAt" = EXCLUDED."requestedAt", "dueAt" = EXCLUDED."dueAt", "toleranceSeconds" = EXCLUDED."toleranceSeconds",
        "plannedAt" = EXCLUDED."plannedAt", "leaseUntil" = NULL, "cancelledAt" = NULL
      WHERE "ScheduledReminder"."cancelledAt" IS NOT NULL AND "ScheduledReminder"."firedAt" IS NULL`;
  }

  async cancel(subject: string, occurrencePrefix = ''): Promise<number> {
    const { count } = await this.db.scheduledReminder.updateMany({
      where: { subject, occurrence: { startsWith: occurrencePrefix }, dueAt: { not: null } },
      data: { dueAt: null, plannedAt: null, cancelledAt: this.clock.now() },
    });
    return count;
  }

  async retimeFor(personId: string): Promise<void> {
    const recipient = (await this.recipients([personId])).get(personId);
    if (!recipient) return;
    const now = this.clock.now();
    const pending = await this.db.scheduledReminder.findMany({
      where: { personId, dueAt: { not: null }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      select: { id: true, localTime: true, requestedAt: true, toleranceSeconds: true },
    });
    if (pending.length === 0) return;
    const retimed = pending.map((reminder) => {
      const requestedAt = reminder.localTime ? resolveTime({ localTime: reminder.localTime }, recipient.timeZone) : reminder.requestedAt;
      const dueAt = dueAfterQuietHours(requestedAt, recipient);
      return { id: reminder.id, requestedAt, dueAt, window: sendWindow(dueAt, reminder.toleranceSeconds, recipient, now) };
    });
    await this.planned(retimed, async (tx, plannedAt) => {
      for (const [index, reminder] of retimed.entries()) {
        await tx.scheduledReminder.updateMany({
          where: { id: reminder.id, dueAt: { not: null } },
          data: { requestedAt: reminder.requestedAt, dueAt: reminder.dueAt, plannedAt: plannedAt[index] },
        });
      }
    });
  }

  /** Leases up to `limit` reminders planned to fire by `until`, earliest first, skipping rows another sweeper holds. */
  async claimDue(limit: number, leaseMs: number, until: Date = this.clock.now()): Promise<ClaimedReminder[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.$queryRaw<ClaimedReminder[]>`
      UPDATE "ScheduledReminder" SET "leaseUntil" = ${leaseUntil}
      WHERE "id" IN (
        SELECT "id" FROM "ScheduledReminder"
        WHERE "plannedAt" <= ${until} AND "dueAt" IS NOT NULL AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
        ORDER BY "plannedAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "dueAt", "plannedAt"`;
  }

  /** Workers have the claimed reminders now: they leave the due-time index. */
  async handedOver(ids: readonly string[]): Promise<void> {
    await this.db.$executeRaw`UPDATE "ScheduledReminder" SET "dueAt" = NULL, "plannedAt" = NULL, "leaseUntil" = NULL WHERE "id" = ANY(${[...ids]}::uuid[])`;
  }

  /** The reminder to run, or undefined when it already ran or was cancelled. */
  toFire(id: string): Promise<FiringReminder | undefined> {
    return this.unfired.load(id);
  }

  fired(id: string): Promise<void> {
    return this.firedMarks.load(id);
  }

  private async loadUnfired(ids: readonly string[]): Promise<(FiringReminder | undefined)[]> {
    const rows = await this.db.$queryRaw<FiringReminder[]>`
      SELECT "id", "subject", "occurrence", "personId", "flowId", "vars" FROM "ScheduledReminder"
      WHERE "id" = ANY(${[...ids]}::uuid[]) AND "firedAt" IS NULL AND "cancelledAt" IS NULL`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  private async markFired(ids: readonly string[]): Promise<void[]> {
    await this.db.$executeRaw`UPDATE "ScheduledReminder" SET "firedAt" = ${this.clock.now()} WHERE "id" = ANY(${[...ids]}::uuid[])`;
    return ids.map(() => undefined);
  }

  private async recipients(personIds: readonly string[]): Promise<Map<string, Recipient>> {
    const people = await this.db.$queryRaw<(Recipient & { id: string })[]>`
      SELECT "id", "timeZone", "quietStartMinute", "quietEndMinute" FROM "Person" WHERE "id" = ANY(${[...new Set(personIds)]}::uuid[])`;
    return new Map(people.map((person) => [person.id, person]));
  }
}

/** The same occurrence asked for twice at once is scheduled as first asked: one statement may not touch a row twice. */
function firstOfEachOccurrence(requests: readonly ReminderRequest[]): readonly ReminderRequest[] {
  const first = new Map<string, ReminderRequest>();
  for (const request of requests) if (!first.has(`${request.subject}\n${request.occurrence}`)) first.set(`${request.subject}\n${request.occurrence}`, request);
  return [...first.values()];
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

/**
 * When a reminder may fire: from its tolerance before `dueAt` — but not before now, and not inside the recipient's
 * quiet hours (an early start that falls in them moves to their end) — until `dueAt`.
 */
function sendWindow(dueAt: Date, toleranceSeconds: number, recipient: Recipient, now: Date): SendWindow {
  const earliest = new Date(Math.max(dueAt.getTime() - toleranceSeconds * 1000, now.getTime()));
  return { earliestMs: Math.min(dueAfterQuietHours(earliest, recipient).getTime(), dueAt.getTime()), dueMs: dueAt.getTime() };
}

/** The windows' seconds as few disjoint spans (a burst shares one window), each running on past its due time for late spills. */
function mergedSpans(windows: readonly SendWindow[]): { from: number; to: number }[] {
  const spans = windows
    .map((window) => ({ from: Math.floor(window.earliestMs / 1000) * 1000, to: Math.floor(window.dueMs / 1000) * 1000 + SPILL_MS }))
    .sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else merged.push({ ...span });
  }
  return merged;
}
