import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { InboundMessage } from '../core/messages.js';
import type { Database, SqlPool } from '../storage/prisma.js';
import { senderKey } from './sender-key.js';
import { updateContextOf, updateContextSelect, type UpdateContext, type UpdateContextRow } from './update-context.js';

/** The PostgreSQL notification channel on which gateways tell workers which sender has a new update. */
export const INBOUND_CHANNEL = 'kinbridge_inbound';

/**
 * Journals an update ($1 channel, $2 platform id, $3 sender key, $4 message, $5 now, $6 notify, $7 platform identity,
 * $8 read its context): one row for a new update, none for a redelivery.
 */
const RECORD = `
  WITH recorded AS (
    INSERT INTO "InboundUpdate" ("channel", "platformId", "senderKey", "message", "receivedAt")
    VALUES ($1, $2, $3, $4::jsonb, $5::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("channel", "platformId") DO NOTHING
    RETURNING "seq", "senderKey")
  SELECT r."seq", CASE WHEN $6::boolean THEN pg_notify('${INBOUND_CHANNEL}', r."senderKey")::text END AS "notified", context.*
  FROM recorded AS r
  LEFT JOIN LATERAL (${updateContextSelect('$1', '$7', '$3', 'r."seq"')} WHERE $8::boolean) AS context ON true`;

/** An update written by a gateway and not yet handled. */
export interface JournaledUpdate {
  readonly seq: bigint;
  readonly senderKey: string;
  readonly message: InboundMessage;
  /** What its turn reads, read as it was journaled: valid only if the turn runs right away (see InboundDispatcher). */
  readonly context?: UpdateContext | undefined;
}

/** An older update of the same sender is not handled yet (journaled by another process, or left by a crash): it goes first. */
export class UpdateOutOfOrderError extends Error {
  override readonly name = 'UpdateOutOfOrderError';
  constructor(readonly seq: bigint) {
    super(`Inbound update ${seq} waits behind an older update of its sender`);
  }
}

/** The update was handled meanwhile by another worker (whose lease on the sender this one outlived): nothing to do. */
export class UpdateAlreadyHandledError extends Error {
  override readonly name = 'UpdateAlreadyHandledError';
  constructor(readonly seq: bigint) {
    super(`Inbound update ${seq} was handled already`);
  }
}

/**
 * The inbound journal in PostgreSQL. A gateway writes each update here before the platform counts it as delivered,
 * so a crash loses nothing; (channel, platform id) is unique, so a redelivered update is recognised and dropped.
 * Workers take one sender's updates in `seq` order and mark each handled in the transaction of its turn.
 */
export class InboundJournal {
  constructor(
    private readonly db: Database,
    private readonly sql: SqlPool,
    private readonly clock: Clock,
  ) {}

  /**
   * The update as journaled when it is new, ready to hand to a turn without reading it back; undefined when it was
   * received before (a redelivery). With `notify`, the workers listening on INBOUND_CHANNEL hear of it in the same
   * statement (a gateway without a worker of its own); with `readContext`, what its turn reads comes back with it,
   * in the same round trip (a gateway that handles it at once).
   */
  async record(message: InboundMessage, { notify, readContext }: { notify: boolean; readContext: boolean }): Promise<JournaledUpdate | undefined> {
    const key = senderKey(message);
    // Platforms without update ids (console, puppets) get a random one: journaled, never mistaken for a redelivery.
    const platformId = message.platformId ?? `local:${randomUUID()}`;
    const { rows } = await this.sql.query<{ seq: string } & Partial<UpdateContextRow>>({
      name: 'kinbridge-journal-record',
      text: RECORD,
      values: [message.channel, platformId, key, JSON.stringify(message), this.clock.now().toISOString(), notify, message.externalId, readContext],
    });
    const recorded = rows[0];
    if (!recorded) return undefined;
    const context = readContext ? updateContextOf(recorded as UpdateContextRow) : undefined;
    return { seq: BigInt(recorded.seq), senderKey: key, message, context };
  }

  /** The sender's oldest updates not yet handled, oldest first. */
  async next(key: string, limit: number): Promise<JournaledUpdate[]> {
    const { rows } = await this.sql.query<{ seq: string; message: InboundMessage }>({
      name: 'kinbridge-journal-next',
      text: `SELECT "seq", "message" FROM "InboundUpdate" WHERE "senderKey" = $1 AND "handledAt" IS NULL ORDER BY "seq" LIMIT $2`,
      values: [key, limit],
    });
    return rows.map((row) => ({ seq: BigInt(row.seq), senderKey: key, message: row.message }));
  }

  /** Updates received but not handled; for one sender when `key` is given. */
  async unhandledCount(key?: string): Promise<number> {
    return this.db.inboundUpdate.count({ where: { handledAt: null, ...(key ? { senderKey: key } : {}) } });
  }

  /** Senders with an update waiting longer than `olderThanMs`: their worker died, or no worker heard of them. */
  async stalledSenders(olderThanMs: number, limit: number): Promise<string[]> {
    const before = new Date(this.clock.now().getTime() - olderThanMs);
    const rows = await this.db.inboundUpdate.findMany({
      where: { handledAt: null, receivedAt: { lt: before } },
      distinct: ['senderKey'],
      select: { senderKey: true },
      take: limit,
    });
    return rows.map((row) => row.senderKey);
  }

  /** Forgets handled updates older than `keepMs`: platforms redeliver within hours, not days. */
  async prune(keepMs: number): Promise<number> {
    const before = new Date(this.clock.now().getTime() - keepMs);
    const { count } = await this.db.inboundUpdate.deleteMany({ where: { handledAt: { lt: before } } });
    return count;
  }
}
