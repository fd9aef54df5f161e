import { AsyncLocalStorage } from 'node:async_hooks';
import type { DomainEvent } from './events.js';
import type { OutboxItem } from './outbox-writer.js';

/** What a turn of conversation writes besides the session, held until the turn commits (or dropped when it fails). */
export interface TurnWrites {
  readonly outbox: OutboxItem[];
  /**
   * Events its actions published, handed on once the turn committed: a flow they start for the same person then runs
   * after this turn, not against it (a session conflict would run this turn's actions twice), and a turn that failed
   * or ran again publishes nothing of what it did not keep.
   */
  readonly events: DomainEvent[];
}

/**
 * Features write to the outbox through the same port whether a person's turn is running or not (a broadcast fan-out,
 * a sweep). Inside a turn their messages must commit with the session or not at all, so the outbox asks this scope,
 * carried along the turn's async calls, instead of every action threading a transaction through.
 */
const scope = new AsyncLocalStorage<TurnWrites>();

export function runWithinTurn<T>(writes: TurnWrites, work: () => Promise<T>): Promise<T> {
  return scope.run(writes, work);
}

/** The writes of the turn the caller runs in, if any. */
export function currentTurnWrites(): TurnWrites | undefined {
  return scope.getStore();
}
