import type { Database, DatabaseTransaction } from '../storage/prisma.js';

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
 * Sessions live in PostgreSQL so a restart, or another worker, continues where the last one stopped. Every save names
 * the version it read: a save over a newer session (another process's turn for the same person) is refused.
 */
export class SessionStore {
  constructor(private readonly db: Database) {}

  async load(personId: string): Promise<LoadedSession> {
    const row = await this.db.flowSession.findUnique({ where: { personId } });
    if (!row) return { state: null, version: null };
    const state: SessionState = {
      personId,
      flowId: row.flowId,
      flowVersion: row.flowVersion,
      stepId: row.stepId,
      vars: row.vars as Record<string, unknown>,
      stack: row.stack as unknown as SessionFrame[],
      waitToken: row.waitToken,
      choiceToken: row.choiceToken,
      retries: row.retries,
    };
    return { state, version: row.version };
  }

  /** Writes `state` (null: the person is in no flow) over the session `loaded` was read from, within `tx`. */
  async save(tx: DatabaseTransaction, personId: string, loaded: LoadedSession, state: SessionState | null): Promise<void> {
    const { version } = loaded;
    let written: number;
    if (state && version !== null) {
      written = (await tx.flowSession.updateMany({ where: { personId, version }, data: { ...columnsOf(state), version: { increment: 1 } } })).count;
    } else if (state) {
      written = (await tx.flowSession.createMany({ data: [{ personId, ...columnsOf(state) }], skipDuplicates: true })).count;
    } else if (version !== null) {
      written = (await tx.flowSession.deleteMany({ where: { personId, version } })).count;
      // Gone already (the person was erased by this very turn, /forget): what the turn wanted holds.
      if (written === 0 && (await tx.flowSession.count({ where: { personId } })) === 0) return;
    } else {
      return;
    }
    if (written === 0) throw new SessionConflictError(personId);
  }
}

function columnsOf(state: SessionState) {
  return {
    flowId: state.flowId,
    flowVersion: state.flowVersion,
    stepId: state.stepId,
    vars: state.vars as object,
    stack: state.stack as unknown as object,
    waitToken: state.waitToken,
    choiceToken: state.choiceToken,
    retries: state.retries,
  };
}
