import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { InboundMessage } from '../core/messages.js';
import type { Database, SqlPool } from '../storage/prisma.js';
import { senderKey } from './sender-key.js';
import { updateContextOf, updateContextSelect, type UpdateContext, type UpdateContextRow } from './update-context.js';

/** The PostgreSQL notification channel on which gateways tell workers which sender has a new update. */
export const INBOUND_CHANNEL = 'kinbridge_inbound';

/**
 * Journals the updates of one delivery in one statement: per update ($1 channel, $2 platform id, $3 sender key,
 * $4 platform identity, $5 message), in the order received; then $6 now, $7 notify, $8 read their context. One row
 * comes back for each new update, none for a redelivery. The statement's snapshot does not show the rows it writes,
 * so an update behind an older one of its sender in the same delivery is marked `behind` from `recorded` itself.
 * (Aliases differ from those of updateContextSelect, inside which they would be shadowed.)
 */
const RECORD = `
  WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
      AS t("channel", "platformId", "senderKey", "externalId", "message", "position")),
  recorded AS (
    INSERT INTO "InboundUpdate" ("channel", "platformId", "senderKey", "message", "receivedAt")
    SELECT "channel", "platformId", "senderKey", "message"::jsonb, $6::timestamptz AT TIME ZONE 'UTC' FROM incoming ORDER BY "position"
    ON CONFLICT ("channel", "platformId") DO NOTHING
    RETURNING "seq", "channel", "platformId", "senderKey")
  SELECT r."seq", given."position", CASE WHEN $7::boolean THEN pg_notify('${INBOUND_CHANNEL}', r."senderKey")::text END AS "notified", context.*
  FROM recorded AS r
  JOIN incoming AS given ON given."channel" = r."channel" AND given."platformId" = r."platformId"
  LEFT JOIN LATERAL (${updateContextSelect(
    'r."channel"',
    'given."externalId"',
    'r."senderKey"',
    'r."seq"',
    'EXISTS (SELECT 1 FROM recorded AS older WHERE older."senderKey" = r."senderKey" AND older."seq" < r."seq")',
  )} WHERE $8::boolean) AS context ON true
  ORDER BY given."position"`;

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
   * The updates of one delivery as journaled, in the order given, ready to hand to turns without reading them back;
   * redeliveries (updates received before) are left out. With `notify`, the workers listening on INBOUND_CHANNEL hear
   * of them in the same statement (a gateway without a worker of its own); with `readContext`, what their turns read
   * comes back with them, in the same round trip (a gateway that handles them at once).
   */
  async record(messages: readonly InboundMessage[], { notify, readContext }: { notify: boolean; readContext: boolean }): Promise<JournaledUpdate[]> {
    if (messages.length === 0) return [];
    const keys = messages.map(senderKey);
    const { rows } = await this.sql.query<{ seq: string; position: string } & Partial<UpdateContextRow>>({
      name: 'kinbridge-journal-record',
      text: RECORD,
      values: [
        messages.map((message) => message.channel),
        // Platforms without update ids (console, puppets) get a random one: journaled, never mistaken for a redelivery.
        messages.map((message) => message.platformId ?? `local:${randomUUID()}`),
        keys,
        messages.map((message) => message.externalId),
        messages.map((message) => JSON.stringify(message)),
        this.clock.now().toISOString(),
        notify,
        readContext,
      ],
    });
    return rows.map((row) => {
      const index = Number(row.position) - 1;
      const context = readContext ? updateContextOf(row as UpdateContextRow) : undefined;
      return { seq: BigInt(row.seq), senderKey: keys[index]!, message: messages[index]!, context };
    });
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
