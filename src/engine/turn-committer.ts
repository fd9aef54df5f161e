import type { FlowResultDraft } from '../core/flow-results.js';
import type { OutboxItem } from '../core/outbox-writer.js';
import type { Database, DatabaseTransaction } from '../storage/prisma.js';
import type { InboundJournal } from './inbound-journal.js';
import type { LoadedSession, SessionState, SessionStore } from './session-store.js';

/** The outbox as a turn uses it: rows written in the turn's transaction, handed to the senders after it committed. */
export interface TransactionalOutbox<Rows> {
  insert(tx: DatabaseTransaction, items: readonly OutboxItem[]): Promise<Rows>;
  dispatch(rows: Rows): Promise<void>;
}

/** Everything one turn writes. */
export interface TurnResult {
  /** The journaled update the turn answered, marked handled with it. */
  readonly inboundSeq?: bigint;
  /** The session after the turn; left out when a failed turn keeps the session as it was. */
  readonly session?: { readonly personId: string; readonly loaded: LoadedSession; readonly state: SessionState | null };
  readonly outbox: readonly OutboxItem[];
  /** Answers the turn's flows kept (`save:`), written for the session's person. */
  readonly results?: readonly FlowResultDraft[];
}

/** Where a turn's kept answers go, in the turn's transaction (see FlowResultStore). */
export interface TransactionalFlowResults {
  write(tx: DatabaseTransaction, personId: string, drafts: readonly FlowResultDraft[]): Promise<void>;
}

/**
 * A turn is one transaction: the update marked handled, the session saved over the version it read, the answers its flows kept,
 * and every message it wrote commit together or not at all. A conflict (another worker's turn, a handled update) rolls all of it back.
 */
export class TurnCommitter<Rows> {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionStore,
    private readonly journal: InboundJournal,
    private readonly outbox: TransactionalOutbox<Rows>,
    private readonly results: TransactionalFlowResults,
  ) {}

  async commit(result: TurnResult): Promise<void> {
    const rows = await this.db.$transaction(async (tx) => {
      if (result.inboundSeq !== undefined) await this.journal.markHandled(tx, result.inboundSeq);
      if (result.session) {
        await this.sessions.save(tx, result.session.personId, result.session.loaded, result.session.state);
        await this.results.write(tx, result.session.personId, result.results ?? []);
      }
      return this.outbox.insert(tx, result.outbox);
    });
    await this.outbox.dispatch(rows);
  }
}
