import { createHash } from 'node:crypto';
import type { InboundMessage } from '../core/messages.js';

/**
 * The Redis name of one platform sender (known or not): a hash, so counters and markers kept for flood control never
 * spell out a chat id, and nothing in Redis names a person after /forget.
 */
export function senderKey(message: Pick<InboundMessage, 'channel' | 'externalId'>): string {
  return createHash('sha256').update(`${message.channel}\n${message.externalId}`).digest('hex').slice(0, 32);
}
