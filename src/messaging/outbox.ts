import { DelayedError, type Job, type Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { delayUntil, machineTimeMs, type Clock } from '../core/clock.js';
import { randomUUID } from 'node:crypto';
import type { Database, SqlPool } from '../storage/prisma.js';
import { currentTurnWrites } from '../core/turn-scope.js';
import { ChatWindowLimiter, type SendLimits } from './chat-window-limiter.js';
import { DELIVERY_STATUSES, type DeliveryStatusUpdate } from '../core/delivery-status.js';
import type { OutboxItem, OutboxRowDraft, OutboxWriter, SelectedRecipients, TurnOutbox, WrittenOutboxRow } from '../core/outbox-writer.js';
import type { Messenger } from '../core/messenger.js';
import type { QueueFactory } from '../infra/queue-factory.js';
import { toPayload } from './outbound-payload.js';
import { SentRecorder, type NextInChat } from './sent-recorder.js';
import type { OutboxSealer } from './outbox-sealing.js';
import { ChannelSendError } from '../core/send-error.js';
import type { ReplyWindowGate } from './reply-window-gate.js';
import { errorText, FIRST_RETRY_DELAY_MS, MAX_SEND_ATTEMPTS } from './send-retries.js';
import { BulkSender } from './bulk-sender.js';
import { SelectedRecipientsWriter } from './selected-recipients-writer.js';

export interface OutboxOptions {
  readonly db: Database;
  /** The pool beneath `db`, for the statements of every direct send (turn replies, claims, SentRecorder). */
  readonly sql: SqlPool;
  readonly redis: Redis;
  readonly queues: QueueFactory;
  readonly messenger: Messenger;
  /** Decides when a row is due, when a claim is stale, and stamps sends. */
  readonly clock: Clock;
  /** Keeps secrets (invite codes) sealed in stored rows until they are sent. */
  readonly sealer: OutboxSealer;
  /** Per channel: how fast it may send. A channel without an entry is not limited. */
  readonly limits: Readonly<Record<string, SendLimits>>;
  /** Per channel with a reply window: whether a message may go now, as itself or as a template. */
  readonly gates?: Readonly<Record<string, ReplyWindowGate>>;
  readonly logger: Logger;
  /** How often rows whose job was lost (a Redis restart) are handed to BullMQ again. */
  readonly sweepIntervalMs?: number;
  /** How long a worker may hold a message it is sending before the sweep presumes it dead (default 5 minutes). */
  readonly claimLeaseMs?: number;
}

/** A message waits this long before the next check when an older message to the same chat is still unsent. */
const ORDER_RECHECK_MS = 100;
/** A send takes seconds at most (grammY's own 429 retries included); a claim older than this lost its worker. */
const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;
/** How long a status callback waits for the send it reports on to be recorded (a few doublings of 50 ms). */
const STATUS_BEFORE_RECEIPT_WAIT_MS = 3_200;
/** Any BullMQ priority ranks after jobs without one: relays, reminders and replies to members go first. */
const STRANGER_PRIORITY = 10;
/**
 * Every outgoing message is a row first, then a BullMQ job whose id is that row's id: a retried job finds the row
 * already sent and does nothing, and a job lost with Redis is re-created from the row by the sweep.
 * One queue per channel carries that channel's global rate; a Redis window per chat carries the per-chat rate.
 * Broadcast rows are the exception: written by PostgreSQL from a query (`enqueueSelected`), they get no job each but
 * are claimed from the table in batches by the bulk sender, under the same rates and rules.
 */
export class Outbox implements OutboxWriter, TurnOutbox {
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly chatLimiter: ChatWindowLimiter;
  private readonly sentRecorder: SentRecorder;
  /** Broadcast rows: written by the database from a query, sent in claimed batches rather than a job each. */
  private readonly selectedWriter: SelectedRecipientsWriter;
  private readonly bulkSender: BulkSender;
  /** Channels this process runs senders for (see `start`); rows of others only become jobs. */
  private readonly sending = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.chatLimiter = new ChatWindowLimiter(options.redis, `${options.queues.prefix}:chat-window`);
    this.sentRecorder = new SentRecorder(options.sql, options.clock, options.sealer);
    this.selectedWriter = new SelectedRecipientsWriter(options.sql, options.sealer, options.clock);
    this.bulkSender = new BulkSender({
      ...options,
      recorder: this.sentRecorder,
      limiter: this.chatLimiter,
      settlement: { hold: (row, reason) => this.hold(row, reason), settleUnsendable: (id, channel, chatId, error) => this.settleUnsendable(id, channel, chatId, error) },
    });
  }

  async enqueue(item: OutboxItem): Promise<void> {
    await this.enqueueMany([item]);
  }

  /** Inside a person's turn the messages wait for the turn's commit (see TurnCommitter); elsewhere they are written now. */
  async enqueueMany(items: readonly OutboxItem[]): Promise<void> {
    const turn = currentTurnWrites();
    if (turn) {
      turn.outbox.push(...items);
      return;
    }
    // Not sent from here: a broadcast's fan-out or a paced channel must not hold up whoever wrote the rows.
    await this.schedule(await this.insert(items));
  }

  /** Rows with a `broadcastId` are sent by the bulk sender (see BulkSender), not by a job each. */
  async enqueueSelected(selection: SelectedRecipients): Promise<number> {
    return this.selectedWriter.write(selection);
  }

  private async insert(items: readonly OutboxItem[]): Promise<ScheduledRow[]> {
    const data = this.rowsOf(items).map(({ claim: _claim, id: _id, notBefore, ...row }) => ({ ...row, payload: row.payload as object, notBefore: new Date(notBefore) }));
    if (data.length === 0) return [];
    return this.options.db.outboxMessage.createManyAndReturn({ data, skipDuplicates: true, select: { id: true, channel: true, notBefore: true, personId: true } });
  }

  /** A turn's messages as rows of its own statement (see TurnCommitter): claimed as written where this process sends them now. */
  draft(items: readonly OutboxItem[]): OutboxRowDraft[] {
    const now = this.options.clock.now();
    return this.rowsOf(items).map((row) => ({ ...row, claim: row.claim && new Date(row.notBefore) <= now }));
  }

  private rowsOf(items: readonly OutboxItem[]): OutboxRowDraft[] {
    const now = this.options.clock.now();
    return items.flatMap((item) =>
      item.messages.map((message, index) => ({
        id: randomUUID(),
        channel: item.address.channel,
        chatId: item.address.chatId,
        personId: item.personId ?? null,
        payload: this.options.sealer.seal(toPayload(message)),
        dedupeKey: item.dedupeKey ? `${item.dedupeKey}:${index}` : null,
        broadcastId: item.broadcastId ?? null,
        notBefore: (item.notBefore ?? now).toISOString(),
        claim: this.sending.has(item.address.channel),
      })),
    );
  }

  /**
   * Hands a turn's committed rows to the senders: those written claimed are sent from here at once, in the order
   * written; the rest, and whatever cannot go right now, become jobs.
   */
  async dispatch(rows: readonly WrittenOutboxRow[]): Promise<void> {
    await this.schedule(await this.sendNow(rows));
  }

  /** Messages written but not yet sent (nor given up), e.g. to show a broadcast's progress or wait for a chat to settle. */
  async unsentCount(where: { channel?: string; chatId?: string; broadcastId?: string } = {}): Promise<number> {
    return this.options.db.outboxMessage.count({ where: { ...where, status: { in: ['queued', 'sending'] } } });
  }

  /** Messages being sent or due to be; with `includeLater`, also those held back until later (quiet hours, 429s). */
  async dueUnsentCount(includeLater: boolean): Promise<number> {
    const now = this.options.clock.now();
    return this.options.db.outboxMessage.count({
      where: { OR: [{ status: 'sending' }, { status: 'queued', ...(includeLater ? {} : { notBefore: { lte: now } }) }] },
    });
  }

  /** Starts one worker per channel, and the sweep that recovers rows whose jobs were lost. */
  start(channels: readonly string[]): void {
    for (const channel of channels) {
      this.sending.add(channel);
      const limits = this.options.limits[channel];
      const worker = this.options.queues.worker(queueName(channel), (job: Job<{ id: string }>, token?: string) => this.process(job, token), {
        concurrency: 32,
        ...(limits?.perSecond ? { limiter: { max: limits.perSecond, duration: 1000 } } : {}),
      });
      worker.on('failed', (job, error) => void this.onFinalFailure(job, error));
      this.workers.push(worker);
    }
    this.bulkSender.start(channels);
    const interval = this.options.sweepIntervalMs ?? 5_000;
    this.sweepTimer = setInterval(() => void this.sweep(interval).catch((error: unknown) => this.options.logger.warn({ err: error }, 'outbox sweep failed')), interval);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.bulkSender.close();
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /**
   * Recovery, run every few seconds by every process: queued rows whose job was lost (a Redis restart, a crash
   * between writing and scheduling) get a job again, and rows claimed by a worker that died mid-send are queued again.
   */
  async sweep(olderThanMs: number): Promise<number> {
    const { db, clock } = this.options;
    const now = clock.now().getTime();
    const stale = new Date(now - (this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS));
    // The dead worker may have handed the message to the platform already: at least once beats never.
    await db.outboxMessage.updateMany({
      where: { status: 'sending', claimedAt: { lt: stale } },
      data: { status: 'queued', claimedAt: null, resentAfterCrash: true },
    });
    const rows = await db.outboxMessage.findMany({
      // Due for a while and still queued: its job is gone. (Rows deferred to later have delayed jobs, or get here when due.)
      // Broadcast rows have no jobs: the bulk sender takes them from the table.
      where: { status: 'queued', broadcastId: null, notBefore: { lt: new Date(now - olderThanMs) } },
      select: { id: true, channel: true, notBefore: true, personId: true },
      orderBy: { seq: 'asc' },
      take: 5_000,
    });
    await this.schedule(rows);
    return rows.length;
  }

  /** Rows to nobody the bot knows (a stranger's one answer) get a BullMQ priority, which puts them behind every unprioritised job. */
  private async schedule(rows: readonly ScheduledRow[]): Promise<void> {
    for (const channel of new Set(rows.map((row) => row.channel))) {
      const jobs = rows
        .filter((row) => row.channel === channel)
        .map((row) => ({
          name: 'send',
          data: { id: row.id },
          opts: { jobId: row.id, delay: row.notBefore ? delayUntil(row.notBefore, this.options.clock) : 0, ...(row.personId ? {} : { priority: STRANGER_PRIORITY }) },
        }));
      // A job id that exists already (waiting, delayed) is skipped by BullMQ: scheduling twice is harmless.
      await this.queue(channel).addBulk(jobs);
    }
  }

  private async process(job: Job<{ id: string }>, token: string | undefined): Promise<void> {
    const row = await this.claim(job.data.id);
    if (!row) return this.whyNotClaimed(job, token);
    const outcome = await this.sendClaimed(row);
    if (outcome.kind === 'wait') return this.postpone(job, token, outcome.ms);
    if (outcome.kind === 'failed') return this.onSendError(job, token, row.id, row.channel, row.chatId, outcome.error);
  }

  /**
   * Sends a claimed row: done (sent, or held for the reply window), to wait (the chat's rate, the row is unclaimed),
   * or failed (the row stays claimed for the caller to settle).
   */
  private async sendClaimed(row: ClaimedRow, { wakeNext = true }: { wakeNext?: boolean } = {}): Promise<SendOutcome> {
    const waitMs = await this.sendingSlot(row);
    if (waitMs > 0) {
      await this.unclaim(row.id);
      return { kind: 'wait', ms: waitMs };
    }
    const address = { channel: row.channel, chatId: row.chatId };
    let message = this.options.sealer.open(row.payload);
    const gate = this.options.gates?.[row.channel];
    if (gate) {
      const decision = await gate.decide(address, message, row.templateRequired);
      if (decision.kind === 'hold') {
        await this.hold(row, decision.reason);
        return { kind: 'done' };
      }
      message = decision.message;
    }
    let platformMessageIds: readonly string[] = [];
    try {
      platformMessageIds = (await this.options.messenger.deliver(address, [message]))?.platformMessageIds ?? [];
    } catch (error) {
      return { kind: 'failed', error };
    }
    // Recorded with the sends finished at the same moment, in one statement (SentRecorder): a message to someone erased
    // meanwhile (the goodbye after /forget) keeps neither its words nor its chat; a row deleted while its message was
    // on the way (retention, /forget) has nothing left to record. `next` is the chat's next message, to wake.
    const next = await this.sentRecorder.record(row, platformMessageIds, wakeNext);
    if (next) await this.wakeNextInChat(row.channel, next);
    return { kind: 'done' };
  }

  /**
   * 0 when the channel's and the chat's rates allow one more message now, else how long to wait. The channel's rate
   * is counted in Redis across processes, so replies sent at once and the queue's jobs share the platform's limit.
   */
  private async sendingSlot(row: ClaimedRow): Promise<number> {
    const limits = this.options.limits[row.channel];
    const channelWait = limits?.perSecond ? await this.chatLimiter.take(`${row.channel}:*`, { max: limits.perSecond, windowMs: 1_000 }) : 0;
    if (channelWait > 0 || !limits?.perChat) return channelWait;
    return this.chatLimiter.take(`${row.channel}:${row.chatId}`, limits.perChat);
  }

  /**
   * A turn's replies go out from the process that committed them, at once: no queue hop between the person and the
   * answer. Whatever cannot go right now (an older message of the chat still unsent, the channel's or the chat's rate,
   * a send error) becomes a job as any other row; the row is the record, and the sweep the safety net if this process
   * dies mid-way. Returns the rows left for the queue, unclaimed.
   */
  private async sendNow(rows: readonly WrittenOutboxRow[]): Promise<WrittenOutboxRow[]> {
    const left: WrittenOutboxRow[] = [];
    /** Chats with a message that could not go now: their later ones wait behind it, in the order written. */
    const held = new Set<string>();
    for (const [index, row] of rows.entries()) {
      const chat = `${row.channel}\n${row.chatId}`;
      if (row.status === 'sending' && held.has(chat)) await this.unclaim(row.id);
      if (row.status !== 'sending' || held.has(chat)) {
        left.push(row);
        continue;
      }
      // The next message of the same chat in this batch goes right after: no need to look for it in the queue.
      const nextHere = rows.slice(index + 1).some((later) => later.channel === row.channel && later.chatId === row.chatId);
      if (await this.sentAtOnce({ ...row, templateRequired: false }, !nextHere)) continue;
      held.add(chat);
      left.push(row);
    }
    return left;
  }

  /** Sends a row claimed as it was written; false leaves it unclaimed, for the queue. */
  private async sentAtOnce(row: ClaimedRow, wakeNext: boolean): Promise<boolean> {
    const outcome = await this.sendClaimed(row, { wakeNext });
    if (outcome.kind === 'failed') {
      if (await this.settleUnsendable(row.id, row.channel, row.chatId, outcome.error)) return true;
      await this.unclaim(row.id);
      this.options.logger.debug({ err: outcome.error, outboxId: row.id }, 'a reply could not go at once; it goes through the queue');
    }
    return outcome.kind === 'done';
  }

  private async unclaim(id: string): Promise<void> {
    await this.options.db.outboxMessage.updateMany({ where: { id, status: 'sending' }, data: { status: 'queued', claimedAt: null } });
  }

  /**
   * The person wrote again, so their reply window is open: messages held for it go now, oldest first. Returns how many.
   * Only the channel's own identity counts: a message on WhatsApp does not wait for a word on Telegram.
   */
  async releaseHeld(channel: string, chatId: string): Promise<number> {
    const rows = await this.options.db.outboxMessage.updateManyAndReturn({
      where: { channel, chatId, status: 'held' },
      data: { status: 'queued', notBefore: this.options.clock.now(), templateRequired: false },
      select: { id: true, channel: true, notBefore: true, personId: true },
    });
    await this.schedule(rows);
    return rows.length;
  }

  /**
   * The platform's later word on a message: recorded on its row, never going back (a late "delivered" does not undo
   * "read"). A failure because the reply window had closed sends the message again, as a template or held.
   */
  async recordDeliveryStatus(update: DeliveryStatusUpdate): Promise<void> {
    let rows = await this.applyDeliveryStatus(update);
    // A status can overtake the answer to the very send it reports on: give the sender a moment to record the id.
    for (let delay = 50; rows === undefined && delay <= STATUS_BEFORE_RECEIPT_WAIT_MS; delay *= 2) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      rows = await this.applyDeliveryStatus(update);
    }
    if (!update.error?.windowClosed || !rows?.length) return;
    const again = await this.options.db.outboxMessage.updateManyAndReturn({
      where: { id: { in: rows.map((row) => row.id) }, status: 'sent' },
      data: { status: 'queued', templateRequired: true, sentAt: null, notBefore: this.options.clock.now() },
      select: { id: true, channel: true, notBefore: true, personId: true },
    });
    await this.schedule(again);
  }

  /** The rows the status moved on; undefined when no row (yet) carries the platform's id. */
  private async applyDeliveryStatus(update: DeliveryStatusUpdate): Promise<{ id: string }[] | undefined> {
    const known = await this.options.db.outboxMessage.count({ where: { channel: update.channel, platformMessageIds: { has: update.platformMessageId } } });
    if (known === 0) return undefined;
    const rank = DELIVERY_STATUSES.indexOf(update.status) + 1;
    return this.options.db.$queryRaw<{ id: string }[]>`
      UPDATE "OutboxMessage" SET "deliveryStatus" = ${update.status}, "deliveryStatusAt" = ${update.at},
        "lastError" = COALESCE(${update.error?.description.slice(0, 500) ?? null}, "lastError")
      WHERE "channel" = ${update.channel} AND ${update.platformMessageId} = ANY("platformMessageIds")
        AND (CASE "deliveryStatus" WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END) < ${rank}
      RETURNING "id"`;
  }

  /** Kept, not dropped: the row says why, the log tells whoever runs the bot, and `releaseHeld` sends it later. */
  private async hold(row: Pick<ClaimedRow, 'id' | 'channel'>, reason: string): Promise<void> {
    await this.options.db.outboxMessage.update({ where: { id: row.id }, data: { status: 'held', claimedAt: null, lastError: reason } });
    this.options.logger.warn({ outboxId: row.id, channel: row.channel, reason }, 'message held until the person writes again');
  }

  /**
   * One statement takes the row for this worker if it is queued, due, and first of its chat still unsent. The claim is
   * the exactly-once guard: of two workers holding the same row (a job re-created by the sweep while the first still
   * runs), only one moves it from queued to sending.
   */
  private async claim(id: string): Promise<ClaimedRow | undefined> {
    const { rows } = await this.options.sql.query<Omit<ClaimedRow, 'seq'> & { seq: string }>({
      name: 'kinbridge-outbox-claim',
      text: `
        UPDATE "OutboxMessage" AS o SET "status" = 'sending', "claimedAt" = $2::timestamptz AT TIME ZONE 'UTC'
        WHERE o."id" = $1::uuid AND o."status" = 'queued' AND o."notBefore" <= $2::timestamptz AT TIME ZONE 'UTC'
          AND NOT EXISTS (
            SELECT 1 FROM "OutboxMessage" AS e
            WHERE e."channel" = o."channel" AND e."chatId" = o."chatId" AND e."status" IN ('queued', 'sending') AND e."seq" < o."seq")
        RETURNING o."id", o."channel", o."chatId", o."personId", o."payload", o."seq", o."templateRequired"`,
      values: [id, this.options.clock.now().toISOString()],
    });
    const row = rows[0];
    return row && { ...row, seq: BigInt(row.seq) };
  }

  /** Not claimed: done or another worker's (nothing to do), not due yet, or waiting behind an older message of its chat. */
  private async whyNotClaimed(job: Job<{ id: string }>, token: string | undefined): Promise<void> {
    const row = await this.options.db.outboxMessage.findUnique({ where: { id: job.data.id }, select: { status: true, notBefore: true } });
    if (!row || row.status !== 'queued') return;
    const untilDue = delayUntil(row.notBefore, this.options.clock);
    return this.postpone(job, token, untilDue > 0 ? untilDue : ORDER_RECHECK_MS);
  }

  /** The chat's next message is likely postponed behind this one: let it go now instead of at its next check. */
  private async wakeNextInChat(channel: string, next: NextInChat): Promise<void> {
    if (delayUntil(next.notBefore, this.options.clock) > 0) return;
    const job = await this.queue(channel).getJob(next.id);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined); // it may have just started
  }

  /**
   * A send error no retry can mend, recorded on the row: the person blocked the bot, the message can never go, or it
   * waits for the deployment or the person (held). True when the error was one of those; the sender and the queue
   * treat them alike.
   */
  private async settleUnsendable(id: string, channel: string, chatId: string, error: unknown): Promise<boolean> {
    const { db, clock } = this.options;
    const disposition = error instanceof ChannelSendError ? error.disposition : 'retry_later';
    const lastError = errorText(error);
    if (disposition === 'recipient_unreachable') {
      await db.outboxMessage.update({ where: { id }, data: { status: 'blocked', lastError, attempts: { increment: 1 } } });
      await db.channelIdentity.updateMany({ where: { channel, externalId: chatId }, data: { blockedAt: clock.now() } });
      return true;
    }
    if (disposition === 'invalid_message') {
      await db.outboxMessage.update({ where: { id }, data: { status: 'failed', lastError, attempts: { increment: 1 } } });
      return true;
    }
    if (disposition === 'hold') {
      await db.outboxMessage.update({ where: { id }, data: { status: 'held', claimedAt: null, lastError, attempts: { increment: 1 } } });
      this.options.logger.warn({ outboxId: id, channel, reason: lastError }, 'message held until its template is fixed or the person writes again');
      return true;
    }
    return false;
  }

  private async onSendError(job: Job, token: string | undefined, id: string, channel: string, chatId: string, error: unknown): Promise<void> {
    if (await this.settleUnsendable(id, channel, chatId, error)) return;
    const { db, clock } = this.options;
    const disposition = error instanceof ChannelSendError ? error.disposition : 'retry_later';
    const lastError = errorText(error);
    if (disposition === 'window_closed') {
      // Our record of the window was wrong (or it closed mid-way): the next attempt goes as a template, or is held.
      await db.outboxMessage.update({ where: { id }, data: { status: 'queued', claimedAt: null, lastError, templateRequired: true, attempts: { increment: 1 } } });
      return this.postpone(job, token, ORDER_RECHECK_MS);
    }
    const retryAfterMs = error instanceof ChannelSendError ? error.retryAfterMs : undefined;
    await db.outboxMessage.update({
      where: { id },
      data: {
        status: 'queued',
        claimedAt: null,
        lastError,
        attempts: { increment: 1 },
        ...(retryAfterMs ? { notBefore: new Date(clock.now().getTime() + retryAfterMs) } : {}),
      },
    });
    if (retryAfterMs) return this.postpone(job, token, retryAfterMs);
    throw error; // BullMQ retries with exponential backoff
  }

  private async onFinalFailure(job: Job<{ id: string }> | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < MAX_SEND_ATTEMPTS) return;
    this.options.logger.error({ err: error, outboxId: job.data.id }, 'message given up after retries');
    await this.options.db.outboxMessage.updateMany({ where: { id: job.data.id, status: { in: ['queued', 'sending'] } }, data: { status: 'failed' } });
  }

  /** Puts the job back for `waitMs`; BullMQ wants the machine's time of the moment, not the clock's. */
  private async postpone(job: Job, token: string | undefined, waitMs: number): Promise<void> {
    await job.moveToDelayed(machineTimeMs() + waitMs, token);
    throw new DelayedError();
  }

  private queue(channel: string): Queue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = this.options.queues.queue(queueName(channel), { attempts: MAX_SEND_ATTEMPTS, backoff: { type: 'exponential', delay: FIRST_RETRY_DELAY_MS }, removeOnComplete: true, removeOnFail: true });
      this.queues.set(channel, queue);
    }
    return queue;
  }
}

/** Rows to hand to BullMQ. */
type ScheduledRow = { readonly id: string; readonly channel: string; readonly notBefore?: Date; readonly personId: string | null };

function queueName(channel: string): string {
  return `outbox-${channel}`;
}

type SendOutcome = { readonly kind: 'done' } | { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'failed'; readonly error: unknown };

/** A row this process claimed to send: what a turn wrote, and whether the channel wants a template for it now. */
type ClaimedRow = Omit<WrittenOutboxRow, 'notBefore' | 'status'> & { readonly templateRequired: boolean };
