import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Messenger } from '../core/messenger.js';
import { ChannelSendError } from '../core/send-error.js';
import type { SqlPool } from '../storage/prisma.js';
import type { ChatWindowLimiter, SendLimits } from './chat-window-limiter.js';
import type { OutboxSealer } from './outbox-sealing.js';
import type { ReplyWindowGate } from './reply-window-gate.js';
import { errorText, MAX_SEND_ATTEMPTS, retryDelayMs } from './send-retries.js';
import type { SentRecorder } from './sent-recorder.js';

/** How the outbox settles a row that cannot go now or ever; the bulk sender shares it rather than keeping its own. */
export interface RowSettlement {
  /** Kept for the person's next word (WhatsApp's reply window). */
  hold(row: { readonly id: string; readonly channel: string }, reason: string): Promise<void>;
  /** Blocked, never sendable, or held: recorded on the row, true; any other error, false (it is retried). */
  settleUnsendable(id: string, channel: string, chatId: string, error: unknown): Promise<boolean>;
}

export interface BulkSenderOptions {
  readonly sql: SqlPool;
  readonly clock: Clock;
  readonly sealer: OutboxSealer;
  readonly messenger: Messenger;
  readonly limits: Readonly<Record<string, SendLimits>>;
  /** The outbox's own limiter: broadcasts and replies share each channel's and each chat's rate. */
  readonly limiter: ChatWindowLimiter;
  readonly gates?: Readonly<Record<string, ReplyWindowGate>>;
  readonly settlement: RowSettlement;
  /** The outbox's own: broadcast sends are recorded in the same statements as replies finished alongside them. */
  readonly recorder: SentRecorder;
  readonly logger: Logger;
}

/**
 * Messages claimed, sent and recorded together. It is also the most a killed process can have handed to the platform
 * without recording it (each is sent again once its claim outlives the lease): the fault suite bounds duplicates at 32.
 */
export const BULK_BATCH_SIZE = 16;
/** With nothing due, how long until the next look. */
const IDLE_POLL_MS = 500;

/**
 * Claims up to $3 due broadcast rows of the channels $2, each first unsent of its chat (per-chat order holds against
 * replies and other broadcasts), skipping rows another sender holds.
 */
const CLAIM_BATCH = `
  UPDATE "OutboxMessage" AS o SET "status" = 'sending', "claimedAt" = $1::timestamptz AT TIME ZONE 'UTC'
  WHERE o."id" IN (
    SELECT c."id" FROM "OutboxMessage" AS c
    WHERE c."status" = 'queued' AND c."broadcastId" IS NOT NULL AND c."notBefore" <= $1::timestamptz AT TIME ZONE 'UTC'
      AND c."channel" = ANY($2::text[])
      AND NOT EXISTS (
        SELECT 1 FROM "OutboxMessage" AS e
        WHERE e."channel" = c."channel" AND e."chatId" = c."chatId" AND e."status" IN ('queued', 'sending') AND e."seq" < c."seq")
    ORDER BY c."notBefore", c."seq"
    LIMIT $3
    FOR UPDATE SKIP LOCKED)
  RETURNING o."id", o."channel", o."chatId", o."personId", o."payload", o."templateRequired", o."attempts"`;

/** Claimed rows back to the queue, each not before $2 + its wait (ms). */
const RELEASE = `
  UPDATE "OutboxMessage" AS o SET "status" = 'queued', "claimedAt" = NULL,
    "notBefore" = GREATEST(o."notBefore", ($2::timestamptz + w."ms" * interval '1 millisecond') AT TIME ZONE 'UTC')
  FROM unnest($1::uuid[], $3::int[]) AS w("id", "ms")
  WHERE o."id" = w."id" AND o."status" = 'sending'`;

/** A failed try: back to the queue for its next one ($2 'queued'), or given up ($2 'failed'). */
const RECORD_FAILURE = `
  UPDATE "OutboxMessage" SET "status" = $2::"OutboxStatus", "claimedAt" = NULL, "lastError" = $3::text, "attempts" = "attempts" + 1,
    "templateRequired" = "templateRequired" OR $4::boolean, "notBefore" = $5::timestamptz AT TIME ZONE 'UTC'
  WHERE "id" = $1::uuid AND "status" = 'sending'`;

interface BulkRow {
  readonly id: string;
  readonly channel: string;
  readonly chatId: string;
  readonly personId: string | null;
  readonly payload: unknown;
  readonly templateRequired: boolean;
  readonly attempts: number;
}

type Delivery =
  | { readonly kind: 'sent'; readonly row: BulkRow; readonly platformMessageIds: readonly string[] }
  | { readonly kind: 'held' }
  | { readonly kind: 'failed'; readonly row: BulkRow; readonly error: unknown };

/**
 * Sends broadcast rows without a BullMQ job each: every sending process claims a batch of due rows in one statement,
 * sends them concurrently under the channel's shared rate, and records each as it went (SentRecorder: what finished
 * together is written by one statement). The same rules as the queue's: per-chat order, the channel's and the chat's
 * rates, WhatsApp's reply window, retries with growing waits, erasure. Rows live in PostgreSQL only, so a Redis restart loses nothing; a row claimed by a process that died
 * is queued again by the outbox's sweep once its claim outlives the lease.
 */
export class BulkSender {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: BulkSenderOptions) {}

  start(channels: readonly string[]): void {
    this.running = this.run([...channels]);
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async run(channels: readonly string[]): Promise<void> {
    while (!this.stopped) {
      let pauseMs = IDLE_POLL_MS;
      try {
        const claimed = await this.claim(channels);
        if (claimed.length > 0) pauseMs = await this.sendClaimed(claimed);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'bulk send failed; trying again shortly');
      }
      if (pauseMs > 0) await this.pause(pauseMs);
    }
  }

  /** A pause that `close` cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Sends and records a claimed batch; answers how long to pause before the next (0: more may be due). */
  private async sendClaimed(claimed: readonly BulkRow[]): Promise<number> {
    let allowed: BulkRow[];
    let pauseMs: number;
    try {
      ({ allowed, pauseMs } = await this.withinRates(claimed));
    } catch (error) {
      await this.release(claimed.map((row) => ({ id: row.id, waitMs: 0 })));
      throw error;
    }
    // Each send is recorded as soon as the platform took it: a slow one keeps no other unrecorded meanwhile.
    const deliveries = await Promise.all(allowed.map(async (row) => this.recorded(await this.deliver(row))));
    for (const delivery of deliveries) if (delivery.kind === 'failed') await this.recordFailure(delivery.row, delivery.error);
    return pauseMs;
  }

  private async claim(channels: readonly string[]): Promise<BulkRow[]> {
    // Not a named (prepared) statement: PostgreSQL's generic plan for it sorts every queued row instead of reading the index.
    const { rows } = await this.options.sql.query<BulkRow>({
      text: CLAIM_BATCH,
      values: [this.options.clock.now().toISOString(), channels, BULK_BATCH_SIZE],
    });
    return rows;
  }

  /**
   * The rows the channels' and chats' rates let go now; the rest go back to the queue. When a channel's rate ran out,
   * the pause until its next window.
   */
  private async withinRates(rows: readonly BulkRow[]): Promise<{ allowed: BulkRow[]; pauseMs: number }> {
    const { limits, limiter } = this.options;
    const allowed: BulkRow[] = [];
    const refused: { id: string; waitMs: number }[] = [];
    let pauseMs = 0;
    for (const channel of new Set(rows.map((row) => row.channel))) {
      const ofChannel = rows.filter((row) => row.channel === channel);
      const perSecond = limits[channel]?.perSecond;
      const { granted, waitMs } = perSecond ? await limiter.takeMany(`${channel}:*`, { max: perSecond, windowMs: 1_000 }, ofChannel.length) : { granted: ofChannel.length, waitMs: 0 };
      pauseMs = Math.max(pauseMs, waitMs);
      refused.push(...ofChannel.slice(granted).map((row) => ({ id: row.id, waitMs: 0 })));
      const perChat = limits[channel]?.perChat;
      const chatWaits = await Promise.all(ofChannel.slice(0, granted).map((row) => (perChat ? limiter.take(`${channel}:${row.chatId}`, perChat) : 0)));
      ofChannel.slice(0, granted).forEach((row, index) => {
        const chatWaitMs = chatWaits[index]!;
        if (chatWaitMs > 0) refused.push({ id: row.id, waitMs: chatWaitMs });
        else allowed.push(row);
      });
    }
    await this.release(refused);
    return { allowed, pauseMs };
  }

  private async release(rows: readonly { id: string; waitMs: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.options.sql.query({
      name: 'kinbridge-outbox-bulk-release',
      text: RELEASE,
      values: [rows.map((row) => row.id), this.options.clock.now().toISOString(), rows.map((row) => Math.ceil(row.waitMs))],
    });
  }

  /** Through the reply window's gate where the channel has one, then to the platform. */
  private async deliver(row: BulkRow): Promise<Delivery> {
    const address = { channel: row.channel, chatId: row.chatId };
    try {
      let message = this.options.sealer.open(row.payload);
      const gate = this.options.gates?.[row.channel];
      if (gate) {
        const decision = await gate.decide(address, message, row.templateRequired);
        if (decision.kind === 'hold') {
          await this.options.settlement.hold(row, decision.reason);
          return { kind: 'held' };
        }
        message = decision.message;
      }
      const receipt = await this.options.messenger.deliver(address, [message]);
      return { kind: 'sent', row, platformMessageIds: receipt?.platformMessageIds ?? [] };
    } catch (error) {
      return { kind: 'failed', row, error };
    }
  }

  private async recorded(delivery: Delivery): Promise<Delivery> {
    if (delivery.kind !== 'sent') return delivery;
    await this.options.recorder.record(delivery.row, delivery.platformMessageIds, false);
    return delivery;
  }

  /**
   * What the queue does with a failed job, in one statement: an unsendable message settled as the outbox settles it;
   * a closed reply window tried again as a template; anything else tried again after the platform's `retry_after` or
   * a growing wait, and given up after the last attempt.
   */
  private async recordFailure(row: BulkRow, error: unknown): Promise<void> {
    if (await this.options.settlement.settleUnsendable(row.id, row.channel, row.chatId, error)) return;
    const disposition = error instanceof ChannelSendError ? error.disposition : 'retry_later';
    const windowClosed = disposition === 'window_closed';
    const attempts = row.attempts + 1;
    const waitMs = windowClosed ? 0 : ((error instanceof ChannelSendError ? error.retryAfterMs : undefined) ?? retryDelayMs(attempts));
    const status = attempts >= MAX_SEND_ATTEMPTS ? 'failed' : 'queued';
    if (status === 'failed') this.options.logger.error({ err: error, outboxId: row.id }, 'message given up after retries');
    const notBefore = new Date(this.options.clock.now().getTime() + waitMs).toISOString();
    await this.options.sql.query({ name: 'kinbridge-outbox-bulk-failure', text: RECORD_FAILURE, values: [row.id, status, errorText(error), windowClosed, notBefore] });
  }
}
