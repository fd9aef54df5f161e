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
