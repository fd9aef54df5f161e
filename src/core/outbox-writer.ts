import type { Address, OutboundMessage } from './messages.js';

export interface OutboxItem {
  readonly address: Address;
  readonly personId?: string;
  readonly messages: readonly OutboundMessage[];
  /** Written once however often the producer retries; message i gets `${dedupeKey}:${i}`. */
  readonly dedupeKey?: string;
  readonly broadcastId?: string;
  /** Not before this instant, e.g. the end of the recipient's quiet hours. */
  readonly notBefore?: Date;
}

/** What producers (the engine, features) see: write messages, and they will be sent. */
export interface OutboxWriter {
  enqueue(item: OutboxItem): Promise<void>;
  /** One round trip for many recipients: how a broadcast fans out. */
  enqueueMany(items: readonly OutboxItem[]): Promise<void>;
}

/** An outbox row as a turn's own statement writes it (see TurnCommitter); the outbox makes ids and payloads. */
export interface OutboxRowDraft {
  readonly id: string;
  readonly channel: string;
  readonly chatId: string;
  readonly personId: string | null;
  readonly payload: unknown;
  readonly dedupeKey: string | null;
  readonly broadcastId: string | null;
  /** ISO instant. */
  readonly notBefore: string;
  /** Whether this process sends it right after commit: it is written claimed when first unsent of its chat. */
  readonly claim: boolean;
}

/** A row the turn wrote, with what its sender needs; `sending` rows were claimed for this process as they were written. */
export interface WrittenOutboxRow {
  readonly id: string;
  readonly channel: string;
  readonly chatId: string;
  readonly personId: string | null;
  readonly payload: unknown;
  readonly seq: bigint;
  readonly notBefore: Date;
  readonly status: 'queued' | 'sending';
}

/** The outbox as a person's turn writes it: rows in the turn's statement, handed to the senders once it committed. */
export interface TurnOutbox {
  draft(items: readonly OutboxItem[]): OutboxRowDraft[];
  dispatch(rows: readonly WrittenOutboxRow[]): Promise<void>;
}
