import type { DeliveryReceipt } from './delivery-status.js';
import type { Address, OutboundMessage } from './messages.js';

/** Delivers messages to an address; the composition root decides which channel adapter carries them. */
export interface Messenger {
  /** Answers the platform's ids of what was sent, when the platform reports on delivery later. */
  deliver(address: Address, messages: readonly OutboundMessage[]): Promise<DeliveryReceipt | void>;
}
