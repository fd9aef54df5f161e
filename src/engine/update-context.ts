import type { PersonView } from '../core/flow-action.js';
import type { KnownSender } from './inbound-gate.js';
import { SESSION_COLUMNS, sessionOf, type LoadedSession, type SessionRow } from './session-store.js';

/** Everything a turn for one inbound update reads before it runs. */
export interface UpdateContext {
  /** Who wrote, when the bot knows them. */
  readonly sender: KnownSender | null;
  /** Their session (none for a sender the bot does not know). */
  readonly session: LoadedSession;
  /** An older update of the same sender is still unhandled: this one must wait for it. */
  readonly behind: boolean;
}

/** A row selected with `updateContextSelect`. */
export interface UpdateContextRow extends SessionRow {
  readonly identityId: string | null;
  readonly lastSeenAt: Date;
  readonly blockedAt: Date | null;
  readonly personId: string;
  readonly displayName: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly optedOutAt: Date | null;
  readonly roles: string[] | null;
  readonly behind: boolean;
}

/**
 * Selects the sender's identity, person, roles and session, and whether an older update of theirs is unhandled, in one
 * row: nothing is cached, so a change to a person (their language, an opt-out, an erasure) made by any process holds from
 * the very next message, with nothing to invalidate. The arguments are SQL expressions for the channel, the platform
 * identity, the sender key and the update's seq; `alsoBehind`, a condition under which the update waits too (an older
 * update of the sender written by the same statement, which the statement's snapshot does not show). Timestamps are
 * stored as UTC.
 */
export function updateContextSelect(channel: string, externalId: string, key: string, seq: string, alsoBehind = 'false'): string {
  return `
    SELECT i."id" AS "identityId", i."lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt", i."blockedAt" AT TIME ZONE 'UTC' AS "blockedAt",
      p."id" AS "personId", p."displayName", p."locale", p."timeZone", p."optedOutAt" AT TIME ZONE 'UTC' AS "optedOutAt",
      ${SESSION_COLUMNS},
      ARRAY(SELECT DISTINCT m."role"::text FROM "FamilyMember" AS m WHERE m."personId" = p."id")
        || CASE WHEN EXISTS (SELECT 1 FROM "CohortCoordinator" AS k WHERE k."personId" = p."id") THEN ARRAY['coordinator'] ELSE ARRAY[]::text[] END AS "roles",
      (EXISTS (SELECT 1 FROM "InboundUpdate" AS u WHERE u."senderKey" = ${key} AND u."handledAt" IS NULL AND u."seq" < ${seq}) OR ${alsoBehind}) AS "behind"
    FROM (VALUES (1)) AS one
    LEFT JOIN "ChannelIdentity" AS i ON i."channel" = ${channel} AND i."externalId" = ${externalId}
    LEFT JOIN "Person" AS p ON p."id" = i."personId"
    LEFT JOIN "FlowSession" AS s ON s."personId" = p."id"`;
}

export function updateContextOf(row: UpdateContextRow): UpdateContext {
  if (!row.identityId) return { sender: null, session: { state: null, version: null }, behind: row.behind };
  const person: PersonView = { id: row.personId, displayName: row.displayName, locale: row.locale, timeZone: row.timeZone, optedOutAt: row.optedOutAt };
  return {
    sender: { identity: { id: row.identityId, lastSeenAt: row.lastSeenAt, blockedAt: row.blockedAt }, person, roles: row.roles ?? [] },
    session: sessionOf(person.id, row),
    behind: row.behind,
  };
}
