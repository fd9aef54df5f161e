import type { Clock } from '../core/clock.js';
import type { Database } from '../storage/prisma.js';

/** What a redacted row's payload says: a message went, nothing of what it said. */
export const REDACTED_PAYLOAD = JSON.stringify({ redacted: true });
/** The chat id a sent message keeps once its recipient was forgotten. */
export const FORGOTTEN_CHAT = '(forgotten)';
const DAY_MS = 24 * 3600_000;

/**
 * The outbox is a record that a message went, not an archive of what it said: captions, children's and senders' names
 * and replies leave the stored rows once they are settled and a few days old, and at once when someone named in them
 * asks to be forgotten. (What recipients already received stays in their own chat apps.)
 */
export class OutboxRedaction {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly redactAfterDays: number,
  ) {}

  /** Settled (sent, failed, blocked) rows older than the redaction period keep no content; returns how many changed. */
  async sweep(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.redactAfterDays * DAY_MS);
    return this.db.$executeRaw`
      UPDATE "OutboxMessage" SET "payload" = ${REDACTED_PAYLOAD}::jsonb
      WHERE "status" IN ('sent', 'failed', 'blocked') AND COALESCE("sentAt", "createdAt") < ${cutoff}
        AND "payload" <> ${REDACTED_PAYLOAD}::jsonb`;
  }

  /**
   * `/forget`: messages to other people that name the person lose their content if settled, and are not sent at all
   * if still waiting. Names are matched as they appear inside the stored JSON.
   */
  async forgetName(name: string): Promise<void> {
    const pattern = `%${likeEscaped(JSON.stringify(name).slice(1, -1))}%`;
    await this.db.$executeRaw`DELETE FROM "OutboxMessage" WHERE "status" = 'queued' AND "payload"::text LIKE ${pattern}`;
    await this.db.$executeRaw`UPDATE "OutboxMessage" SET "payload" = ${REDACTED_PAYLOAD}::jsonb WHERE "payload"::text LIKE ${pattern}`;
  }
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (special) => `\\${special}`);
}
