import type { Database } from '../storage/prisma.js';

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

/** Sessions live in PostgreSQL so a restart, or another worker, continues where the last one stopped. */
export class SessionStore {
  constructor(private readonly db: Database) {}

  async load(personId: string): Promise<SessionState | null> {
    const row = await this.db.flowSession.findUnique({ where: { personId } });
    if (!row) return null;
    return {
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
  }

  async save(state: SessionState): Promise<void> {
    const data = {
      flowId: state.flowId,
      flowVersion: state.flowVersion,
      stepId: state.stepId,
      vars: state.vars as object,
      stack: state.stack as unknown as object,
      waitToken: state.waitToken,
      choiceToken: state.choiceToken,
      retries: state.retries,
    };
    await this.db.flowSession.upsert({ where: { personId: state.personId }, create: { personId: state.personId, ...data }, update: data });
  }

  async delete(personId: string): Promise<void> {
    await this.db.flowSession.deleteMany({ where: { personId } });
  }
}
