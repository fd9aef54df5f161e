import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { InboundMessage } from '../core/messages.js';
import { Prisma } from '../storage/generated/client.js';
import type { Database, DatabaseTransaction } from '../storage/prisma.js';
import { senderKey } from './sender-key.js';

/** The PostgreSQL notification channel on which gateways tell workers which sender has a new update. */
export const INBOUND_CHANNEL = 'kinbridge_inbound';

/** An update written by a gateway and not yet handled. */
export interface JournaledUpdate {
  readonly seq: bigint;
  readonly senderKey: string;
  readonly message: InboundMessage;
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
    private readonly clock: Clock,
  ) {}

  /**
   * The sender's key when the update is new; undefined when it was received before (a redelivery). With `notify`, the
   * workers listening on INBOUND_CHANNEL hear of it in the same statement (a gateway without a worker of its own).
   */
  async record(message: InboundMessage, notify: boolean): Promise<string | undefined> {
    const key = senderKey(message);
    // Platforms without update ids (console, puppets) get a random one: journaled, never mistaken for a redelivery.
    const platformId = message.platformId ?? `local:${randomUUID()}`;
    const rows = await this.db.$queryRaw<{ senderKey: string }[]>`
      WITH recorded AS (
        INSERT INTO "InboundUpdate" ("channel", "platformId", "senderKey", "message", "receivedAt")
        VALUES (${message.channel}, ${platformId}, ${key}, ${JSON.stringify(message)}::jsonb, ${this.clock.now().toISOString()}::timestamptz AT TIME ZONE 'UTC')
        ON CONFLICT ("channel", "platformId") DO NOTHING
        RETURNING "senderKey")
      SELECT "senderKey", CASE WHEN ${notify} THEN pg_notify(${INBOUND_CHANNEL}, "senderKey")::text END AS notified FROM recorded`;
    return rows[0]?.senderKey;
  }

  /** The sender's oldest updates not yet handled, oldest first. */
  async next(key: string, limit: number): Promise<JournaledUpdate[]> {
    const rows = await this.db.inboundUpdate.findMany({
      where: { senderKey: key, handledAt: null },
      orderBy: { seq: 'asc' },
      select: { seq: true, senderKey: true, message: true },
      take: limit,
    });
    return rows.map((row) => ({ seq: row.seq, senderKey: row.senderKey, message: row.message as unknown as InboundMessage }));
  }

  /** Marks the update handled within the turn's transaction; throws when another worker did so first. */
  async markHandled(client: Database | DatabaseTransaction, seq: bigint): Promise<void> {
    const { count } = await client.inboundUpdate.updateMany({
      where: { seq, handledAt: null },
      data: { handledAt: this.clock.now(), message: Prisma.DbNull },
    });
    if (count === 0) throw new UpdateAlreadyHandledError(seq);
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
