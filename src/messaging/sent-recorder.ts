import { machineTimeMs, type Clock } from '../core/clock.js';
import type { SqlPool } from '../storage/prisma.js';
import { FORGOTTEN_CHAT, REDACTED_PAYLOAD } from './outbox-redaction.js';
import type { OutboxSealer } from './outbox-sealing.js';

/** A claimed row whose message the platform took. */
export interface SentRow {
  readonly id: string;
  /** As stored: sending may settle it (a sealed secret dropped once sent). */
  readonly payload: unknown;
  /** The recipient: when they were erased meanwhile, the row keeps neither the words nor the chat. */
  readonly personId: string | null;
  readonly chatId: string;
}

interface SentRecord {
  readonly id: string;
  readonly platformMessageIds: readonly string[];
  /** The payload to keep instead of the stored one, or null to keep it. */
  readonly settledPayload: object | null;
  readonly personId: string | null;
  readonly chatId: string;
  readonly lookNext: boolean;
}

/** The chat's next queued message, to wake once this one is recorded. */
export interface NextInChat {
  readonly id: string;
  readonly notBefore: Date;
}

/** Recording "sent" must not be given up while the database restarts: the message is out already. */
const RECORD_SENT_RETRY_MS = 60_000;

/**
 * Records sends in one statement ($1 ids, $2 now, $3 platform ids as JSON arrays, $4 settled payloads, $5 the redacted
 * payload, $6 the forgotten chat, $7 recipients, $8 whether to look for the chat's next message, $9 chats). A row
 * deleted while its message was on the way (retention, /forget) is simply not there to update. Whether the person was
 * erased is a join, once per row: as a subquery it was asked (scanning Person) for each use of "erased".
 */
const RECORD_SENT = `
  WITH sent AS (
    SELECT s.*, s."personId" IS NOT NULL AND p."id" IS NULL AS "erased"
    FROM unnest($1::uuid[], $3::jsonb[], $4::jsonb[], $7::uuid[], $8::boolean[], $9::text[])
      AS s("id", "platformMessageIds", "settled", "personId", "lookNext", "chatId")
    LEFT JOIN "Person" AS p ON p."id" = s."personId")
  UPDATE "OutboxMessage" AS o SET "status" = 'sent', "sentAt" = $2::timestamptz AT TIME ZONE 'UTC', "attempts" = o."attempts" + 1,
    "platformMessageIds" = ARRAY(SELECT jsonb_array_elements_text(s."platformMessageIds")),
    "payload" = CASE WHEN s."erased" THEN $5::jsonb ELSE COALESCE(s."settled", o."payload") END,
    "chatId" = CASE WHEN s."erased" THEN $6::text ELSE o."chatId" END,
    "personId" = CASE WHEN s."erased" THEN NULL ELSE o."personId" END
  FROM sent AS s
  WHERE o."id" = s."id"
  RETURNING o."id", CASE WHEN s."lookNext" THEN (
    SELECT json_build_object('id', n."id", 'notBefore', n."notBefore" AT TIME ZONE 'UTC') FROM "OutboxMessage" AS n
    WHERE n."channel" = o."channel" AND n."chatId" = s."chatId" AND n."status" = 'queued' AND n."seq" > o."seq" ORDER BY n."seq" LIMIT 1) END AS "next"`;

interface Waiting {
  readonly record: SentRecord;
  resolve(next: NextInChat | undefined): void;
  reject(error: unknown): void;
}

/**
 * Group commit for sends: one statement at a time records every send that finished since the last one began, so a
 * busy sender pays one round trip for many messages, and a lone one waits for nothing (its statement is written as
 * soon as the event loop has handled what arrived with it).
 */
export class SentRecorder {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly sql: SqlPool,
    private readonly clock: Clock,
    private readonly sealer: OutboxSealer,
  ) {}

  /**
   * Records one send with those finished alongside it, trying again through a database restart. With `lookNext`, also
   * answers the chat's next queued message (likely postponed behind this one).
   */
  async record(row: SentRow, platformMessageIds: readonly string[], lookNext: boolean): Promise<NextInChat | undefined> {
    const record = { id: row.id, platformMessageIds, settledPayload: this.sealer.settled(row.payload) ?? null, personId: row.personId, chatId: row.chatId, lookNext };
    const deadline = machineTimeMs() + RECORD_SENT_RETRY_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await this.recordOnce(record);
      } catch (error) {
        if (machineTimeMs() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private recordOnce(record: SentRecord): Promise<NextInChat | undefined> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0 && !this.writing) setImmediate(() => void this.flush());
      this.waiting.push({ record, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) await this.write(this.waiting.splice(0));
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: readonly Waiting[]): Promise<void> {
    const records = batch.map((waiting) => waiting.record);
    try {
      const { rows } = await this.sql.query<{ id: string; next: { id: string; notBefore: string } | null }>({
        name: 'kinbridge-outbox-sent',
        text: RECORD_SENT,
        values: [
          records.map((r) => r.id),
          this.clock.now().toISOString(),
          records.map((r) => JSON.stringify(r.platformMessageIds)),
          records.map((r) => (r.settledPayload ? JSON.stringify(r.settledPayload) : null)),
          REDACTED_PAYLOAD,
          FORGOTTEN_CHAT,
          records.map((r) => r.personId),
          records.map((r) => r.lookNext),
          records.map((r) => r.chatId),
        ],
      });
      const next = new Map(rows.map((row) => [row.id, row.next]));
      for (const { record, resolve } of batch) {
        const found = next.get(record.id);
        resolve(found ? { id: found.id, notBefore: new Date(found.notBefore) } : undefined);
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
