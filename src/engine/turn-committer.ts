import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { FlowResultDraft } from '../core/flow-results.js';
import type { OutboxItem, TurnOutbox, WrittenOutboxRow } from '../core/outbox-writer.js';
import type { SqlPool } from '../storage/prisma.js';
import { UpdateAlreadyHandledError } from './inbound-journal.js';
import { SessionConflictError, type LoadedSession, type SessionState } from './session-store.js';

/** Everything one turn writes. */
export interface TurnResult {
  /** The journaled update the turn answered, marked handled with it. */
  readonly inboundSeq?: bigint;
  /** The session after the turn; left out when a failed turn keeps the session as it was. */
  readonly session?: { readonly personId: string; readonly loaded: LoadedSession; readonly state: SessionState | null };
  readonly outbox: readonly OutboxItem[];
  /** Answers the turn's flows kept (`save:`), written for the session's person. */
  readonly results?: readonly FlowResultDraft[];
  /** Timers the turn set (the person's, see `session`). */
  readonly timers?: readonly { readonly token: string; readonly dueAt: Date }[];
  /** Timers the turn made stale, and the one that set it off: their rows go. */
  readonly droppedTimers?: readonly string[];
}

/** What the statement does to the session: `none` leaves it alone. */
type SessionWrite = 'update' | 'insert' | 'delete' | 'none';

/** The SQLSTATE `kinbridge_refuse_turn` raises (migration 20261130174000_turn_statement). */
const TURN_REFUSED = 'KB409';
const AT = `$2::timestamptz AT TIME ZONE 'UTC'`;

/**
 * The whole turn in one statement, one round trip: the update marked handled, the session saved over the version read
 * (updated, created or deleted), the messages written, claimed for this process where it sends them at once, the
 * timers set and those made stale dropped, the answers its flows kept (every data-modifying part runs, read or not). The last
 * SELECT refuses the turn when the update was handled meanwhile or the session changed: the error aborts the
 * statement, so nothing of it is kept.
 */
const COMMIT_TURN = `
  WITH handled AS (
    UPDATE "InboundUpdate" SET "handledAt" = ${AT}, "message" = NULL
    WHERE "seq" = $1::bigint AND "handledAt" IS NULL RETURNING 1),
  updated AS (
    UPDATE "FlowSession" SET "flowId" = $6::text, "flowVersion" = $7::text, "stepId" = $8::text, "vars" = $9::jsonb, "stack" = $10::jsonb,
      "waitToken" = $11::text, "choiceToken" = $12::text, "retries" = $13::int, "version" = "version" + 1, "updatedAt" = ${AT}
    WHERE $3::text = 'update' AND "personId" = $4::uuid AND "version" = $5::int RETURNING 1),
  created AS (
    INSERT INTO "FlowSession" ("id", "personId", "flowId", "flowVersion", "stepId", "vars", "stack", "waitToken", "choiceToken", "retries", "startedAt", "updatedAt")
    SELECT $15::uuid, $4::uuid, $6::text, $7::text, $8::text, $9::jsonb, $10::jsonb, $11::text, $12::text, $13::int, ${AT}, ${AT}
    WHERE $3::text = 'insert'
    ON CONFLICT ("personId") DO NOTHING RETURNING 1),
  deleted AS (
    DELETE FROM "FlowSession" WHERE $3::text = 'delete' AND "personId" = $4::uuid AND "version" = $5::int RETURNING 1),
  timers_dropped AS (
    DELETE FROM "FlowTimer" WHERE "token" = ANY($17::text[]) RETURNING 1),
  timers_set AS (
    INSERT INTO "FlowTimer" ("token", "personId", "dueAt")
    SELECT t."token", $4::uuid, t."dueAt" AT TIME ZONE 'UTC' FROM jsonb_to_recordset($16::jsonb) AS t("token" text, "dueAt" timestamptz)
    ON CONFLICT ("token") DO NOTHING RETURNING 1),
  -- Kept answers name a child only if it is in one of the person's families: one about any other child (a flow's
  -- bug, a forged id) is kept without the child rather than lost or failing the turn.
  results_kept AS (
    INSERT INTO "FlowResult" ("id", "personId", "childId", "flowId", "flowVersion", "name", "value", "category", "recordedAt")
    SELECT gen_random_uuid(), $4::uuid,
      (SELECT c."id" FROM "Child" AS c JOIN "FamilyMember" AS m ON m."familyId" = c."familyId"
       WHERE c."id"::text = k."childId" AND m."personId" = $4::uuid LIMIT 1),
      k."flowId", k."flowVersion", k."name", k."value", k."category", k."recordedAt" AT TIME ZONE 'UTC'
    FROM jsonb_to_recordset($18::jsonb) AS k("childId" text, "flowId" text, "flowVersion" text, "name" text, "value" jsonb, "category" text, "recordedAt" timestamptz)
    WHERE $4::uuid IS NOT NULL RETURNING 1),
  -- A message of the chat still to send is looked for in that chat's entries of the unsent index, reply by reply (a
  -- lateral join: as a subquery, the planner may read every unsent message to hash them, for one or two replies).
  drafts AS (
    SELECT r.*, r."claim" AND waiting."seq" IS NULL AS "claimed"
    FROM jsonb_to_recordset($14::jsonb) AS r("id" uuid, "channel" text, "chatId" text, "personId" uuid, "payload" jsonb, "dedupeKey" text, "broadcastId" uuid, "notBefore" timestamptz, "claim" boolean)
    LEFT JOIN LATERAL (
      SELECT e."seq" FROM "OutboxMessage" AS e
      WHERE e."channel" = r."channel" AND e."chatId" = r."chatId" AND e."status" IN ('queued', 'sending') LIMIT 1) AS waiting ON true),
  written AS (
    INSERT INTO "OutboxMessage" ("id", "channel", "chatId", "personId", "payload", "dedupeKey", "broadcastId", "notBefore", "createdAt", "status", "claimedAt")
    SELECT d."id", d."channel", d."chatId", d."personId", d."payload", d."dedupeKey", d."broadcastId", d."notBefore" AT TIME ZONE 'UTC', ${AT},
      CASE WHEN d."claimed" THEN 'sending'::"OutboxStatus" ELSE 'queued'::"OutboxStatus" END, CASE WHEN d."claimed" THEN ${AT} END
    FROM drafts AS d
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING "id", "channel", "chatId", "personId", "payload", "seq", "notBefore" AT TIME ZONE 'UTC' AS "notBefore", "status")
  SELECT CASE
      WHEN $1::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM handled) THEN kinbridge_refuse_turn('handled')
      WHEN $3::text = 'update' AND NOT EXISTS (SELECT 1 FROM updated) THEN kinbridge_refuse_turn('session')
      WHEN $3::text = 'insert' AND NOT EXISTS (SELECT 1 FROM created) THEN kinbridge_refuse_turn('session')
      -- A session gone already (the person was erased by this very turn, /forget): what the turn wanted holds.
      WHEN $3::text = 'delete' AND NOT EXISTS (SELECT 1 FROM deleted) AND EXISTS (SELECT 1 FROM "FlowSession" WHERE "personId" = $4::uuid)
        THEN kinbridge_refuse_turn('session')
    END AS "refused",
    (SELECT coalesce(json_agg(w ORDER BY w."seq"), '[]'::json) FROM written AS w) AS "written"`;

interface WrittenJson extends Omit<WrittenOutboxRow, 'seq' | 'notBefore'> {
  readonly seq: number | string;
  readonly notBefore: string;
}

/**
 * A turn is one transaction, here one statement: the update marked handled, the session saved over the version it
 * read, the answers its flows kept, every message it wrote and its timers commit together or not at all. A conflict (another worker's turn, a handled update)
 * keeps none of it. The messages are then handed to the senders.
 */
export class TurnCommitter {
  constructor(
    private readonly sql: SqlPool,
    private readonly clock: Clock,
    private readonly outbox: TurnOutbox,
  ) {}

  async commit(result: TurnResult): Promise<void> {
    await this.outbox.dispatch(await this.write(result));
  }

  private async write(result: TurnResult): Promise<WrittenOutboxRow[]> {
    const { session } = result;
    const write = sessionWrite(session);
    const state = session?.state;
    try {
      const { rows } = await this.sql.query<{ written: WrittenJson[] }>({
        name: 'kinbridge-turn-commit',
        text: COMMIT_TURN,
        values: [
          result.inboundSeq?.toString() ?? null,
          this.clock.now().toISOString(),
          write,
          session?.personId ?? null,
          session?.loaded.version ?? null,
          state?.flowId ?? null,
          state?.flowVersion ?? null,
          state?.stepId ?? null,
          state ? JSON.stringify(state.vars) : null,
          state ? JSON.stringify(state.stack) : null,
          state?.waitToken ?? null,
          state?.choiceToken ?? null,
          state?.retries ?? null,
          JSON.stringify(this.outbox.draft(result.outbox)),
          randomUUID(),
          JSON.stringify((result.timers ?? []).map((timer) => ({ token: timer.token, dueAt: timer.dueAt.toISOString() }))),
          result.droppedTimers ?? [],
          JSON.stringify(session ? (result.results ?? []) : []),
        ],
      });
      return rows[0]!.written.map((row) => ({ ...row, seq: BigInt(row.seq), notBefore: new Date(row.notBefore) }));
    } catch (error) {
      throw refusalOf(error, result) ?? error;
    }
  }
}

function sessionWrite(session: TurnResult['session']): SessionWrite {
  if (!session) return 'none';
  const { state, loaded } = session;
  if (state) return loaded.version === null ? 'insert' : 'update';
  return loaded.version === null ? 'none' : 'delete';
}

/** The typed error for a refused turn, or undefined for any other failure. */
function refusalOf(error: unknown, result: TurnResult): Error | undefined {
  if (!(error instanceof Error) || (error as { code?: string }).code !== TURN_REFUSED) return undefined;
  if (error.message.endsWith('handled') && result.inboundSeq !== undefined) return new UpdateAlreadyHandledError(result.inboundSeq);
  return new SessionConflictError(result.session?.personId ?? '');
}
