import type { Clock } from '../core/clock.js';
import type { SelectedRecipients } from '../core/outbox-writer.js';
import type { SqlPool } from '../storage/prisma.js';
import { toPayload } from './outbound-payload.js';
import type { OutboxSealer } from './outbox-sealing.js';

/** Recipients per statement: large enough that 100,000 take a few statements, small enough that each commits quickly. */
const PAGE_SIZE = 10_000;

/**
 * Writes the outbox rows of `SelectedRecipients` inside PostgreSQL: one INSERT … SELECT per page of recipients, so no
 * recipient becomes a JavaScript object and no row a BullMQ job (the bulk sender claims them from the table). A row
 * already written by an earlier, interrupted run is skipped by its dedupe key.
 */
export class SelectedRecipientsWriter {
  constructor(
    private readonly sql: SqlPool,
    private readonly sealer: OutboxSealer,
    private readonly clock: Clock,
  ) {}

  /** Answers how many recipients were selected, whether written now or by an earlier run. */
  async write(selection: SelectedRecipients): Promise<number> {
    const variants = Object.keys(selection.messages);
    const payloads = variants.map((variant) => JSON.stringify(this.sealer.seal(toPayload(selection.messages[variant]!))));
    const text = pageStatement(selection.query, selection.values.length + 3);
    let after: string | null = null;
    let selected = 0;
    for (;;) {
      const values: unknown[] = [after, PAGE_SIZE, ...selection.values, variants, payloads, selection.fallbackVariant, selection.dedupeKey, selection.broadcastId ?? null, this.clock.now().toISOString()];
      const { rows } = await this.sql.query<{ selected: number; last: string | null }>({ text, values });
      const page: { selected: number; last: string | null } = rows[0]!;
      selected += page.selected;
      if (page.selected < PAGE_SIZE || page.last === null) break;
      after = page.last;
    }
    // A fan-out can add more queued rows in seconds than the table held, long before autovacuum re-reads it: with the
    // old statistics the bulk sender's claim reads and sorts every queued row instead of the first few of its index.
    await this.sql.query('ANALYZE "OutboxMessage"');
    return selected;
  }
}

/** The page's INSERT … SELECT around the caller's query; the writer's own parameters follow the caller's from `$first`. */
function pageStatement(query: string, first: number): string {
  const [variants, payloads, fallback, dedupeKey, broadcastId, now] = [0, 1, 2, 3, 4, 5].map((offset) => `$${first + offset}`);
  return `
    WITH "page" AS MATERIALIZED (${query}),
    "variant" AS (SELECT * FROM unnest(${variants}::text[], ${payloads}::jsonb[]) AS v("variant", "payload")),
    "written" AS (
      INSERT INTO "OutboxMessage" ("id", "channel", "chatId", "personId", "payload", "dedupeKey", "broadcastId", "notBefore")
      SELECT gen_random_uuid(), p."channel", p."chatId", p."personId", COALESCE(v."payload", f."payload"),
        ${dedupeKey}::text || ':' || p."personId" || ':0', ${broadcastId}::uuid, COALESCE(p."notBefore", ${now}::timestamptz) AT TIME ZONE 'UTC'
      FROM "page" AS p
        LEFT JOIN "variant" AS v ON v."variant" = p."variant"
        JOIN "variant" AS f ON f."variant" = ${fallback}::text
      ORDER BY p."personId"
      ON CONFLICT ("dedupeKey") DO NOTHING)
    SELECT (SELECT count(*) FROM "page")::int AS "selected", (SELECT p."personId" FROM "page" AS p ORDER BY p."personId" DESC LIMIT 1) AS "last"`;
}
