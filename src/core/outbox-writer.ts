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
  /** One round trip for many recipients, each item its own object. */
  enqueueMany(items: readonly OutboxItem[]): Promise<void>;
  /** One message to every recipient a query selects, written by the database itself: how a broadcast fans out. Answers how many were selected. */
  enqueueSelected(selection: SelectedRecipients): Promise<number>;
}

/**
 * Recipients chosen by a query rather than listed: 100,000 of them never become 100,000 objects in memory. The outbox
 * writes them a page at a time, one statement per page, each recipient once however often it is run (a fan-out
 * interrupted midway is simply run again).
 */
export interface SelectedRecipients {
  /**
   * SQL answering one page of recipients in the order of "personId", with the columns "personId" (uuid), "channel",
   * "chatId", "variant" (a key of `messages`) and "notBefore" (timestamptz, null for at once). $1 is the last person id
   * of the page before (null for the first page) and $2 the page size; `values` are $3 onwards.
   */
  readonly query: string;
  readonly values: readonly unknown[];
  /** The message for each variant (e.g. per language); a recipient whose variant is missing gets `fallbackVariant`'s. */
  readonly messages: Readonly<Record<string, OutboundMessage>>;
  readonly fallbackVariant: string;
  /** A recipient's row gets `${dedupeKey}:${personId}:0`, the key `enqueueMany` would give it. */
  readonly dedupeKey: string;
  readonly broadcastId?: string;
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
