import { AsyncLocalStorage } from 'node:async_hooks';
import type { OutboxItem } from './outbox-writer.js';

/** What a turn of conversation writes besides the session, held until the turn commits (or dropped when it fails). */
export interface TurnWrites {
  readonly outbox: OutboxItem[];
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
