import type { Address, OutboundMessage } from './messages.js';

/** Delivers messages to an address; the composition root decides which channel adapter carries them. */
export interface Messenger {
  deliver(address: Address, messages: readonly OutboundMessage[]): Promise<void>;
}
