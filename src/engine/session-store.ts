import type { SqlPool } from '../storage/prisma.js';

/** A paused flow beneath the current one (e.g. onboarding while /help runs). */
export interface SessionFrame {
  flowId: string;
  flowVersion: string;
  stepId: string;
  vars: Record<string, unknown>;
  waitToken: string | null;
  /** The one-time token the buttons of the pending question carry; null when no question with buttons waits. */
  choiceToken: string | null;
  retries: number;
}

/** Where one person stands; the newest frame is the one running. */
export interface SessionState extends SessionFrame {
  personId: string;
  stack: SessionFrame[];
}

/** A session as read at the start of a turn; `version` null when the person had none. */
export interface LoadedSession {
  readonly state: SessionState | null;
  readonly version: number | null;
}

/** Another writer saved this person's session after the turn read it: the turn must be run again on the new one. */
export class SessionConflictError extends Error {
  override readonly name = 'SessionConflictError';
  constructor(readonly personId: string) {
    super(`The session of person ${personId} changed during the turn`);
  }
}

/**
 * Sessions live i/** The session columns as the hot path's statements read them (see `SESSION_COLUMNS`). */
export interface SessionRow {
  readonly flowId: string | null;
  readonly flowVersion: string;
  readonly stepId: string;
  readonly vars: Record<string, unknown>;
  readonly stack: SessionFrame[];
  readonly waitToken: string | null;
  readonly choiceToken: string | null;
  readonly retries: number;
  readonly version: number;
}

/** The FlowSession columns a load selects from the table aliased `s`; every column null when the person has none. */
export const SESSION_COLUMNS = `s."flowId", s."flowVersion", s."stepId", s."vars", s."stack", s."waitToken", s."choiceToken", s."retries", s."version"`;

/**
 * Sessions live in PostgreSQL so a restart, or another worker, continues where the last one stopped. Every save (the
 * turn's own statement, see TurnCommitter) names the version it read: a save over a newer session is refused.
 */
export class SessionStore {
  constructor(private readonly sql: SqlPool) {}

  async load(personId: string): Promise<LoadedSession> {
    const { rows } = await this.sql.query<SessionRow>({
      name: 'kinbridge-session-load',
      text: `SELECT ${SESSION_COLUMNS} FROM "FlowSession" AS s WHERE s."personId" = $1`,
      values: [personId],
    });
    return sessionOf(personId, rows[0]);
  }
}

/** The session in a row read with SESSION_COLUMNS (undefined or all null: the person has none). */
export function sessionOf(personId: string, row: SessionRow | undefined): LoadedSession {
  if (!row?.flowId) return { state: null, version: null };
  const state: SessionState = {
    personId,
    flowId: row.flowId,
    flowVersion: row.flowVersion,
    stepId: row.stepId,
    vars: row.vars,
    stack: row.stack,
    waitToken: row.waitToken,
    choiceToken: row.choiceToken,
    retries: row.retries,
  };
  return { state, version: row.version };
}
