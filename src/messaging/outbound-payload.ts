import { mediaOf, type OutboundMessage } from '../core/messages.js';

export class UnstorableMessageError extends Error {
  override readonly name = 'UnstorableMessageError';
}

/**
 * An outbound message as it is stored in the outbox. Media travel by reference (a file on our disk, or a platform
 * file id): bytes held only in memory would not survive the restart the outbox exists for.
 */
export function toPayload(message: OutboundMessage): object {
  for (const media of mediaOf(message)) {
    if (media.kind === 'bytes') throw new UnstorableMessageError(`Media "${media.fileName}" must be stored as a file before it is sent`);
  }
  return JSON.parse(JSON.stringify(message)) as object;
}

export function fromPayload(payload: unknown): OutboundMessage {
  return payload as OutboundMessage;
}

