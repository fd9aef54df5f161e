import type { SendLimits } from '../messaging/chat-window-limiter.js';
import type { InboundMessage, MediaRef, OutboundMessage } from '../core/messages.js';

/** Called once per normalised inbound message; resolves when the message is safely handled. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

/**
 * One messaging platform. Adapters only translate: no flow logic, no database, no feature rules.
 * `start` must not resolve before the adapter can deliver inbound messages to `onMessage`.
 */
export interface ChannelAdapter {
  readonly name: string;
  /** The platform's sending limits, enforced by the outbox across all workers; none means unlimited. */
  readonly limits?: SendLimits;
  start(onMessage: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  send(chatId: string, message: OutboundMessage): Promise<void>;
  /**
   * The bytes of a file a person sent through this adapter; throws MediaTooLargeError past `maxBytes` and
   * MediaUnavailableError when the platform will not hand it out. Adapters without files leave it out.
   */
  downloadMedia?(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array>;
}

/** The slice of a pino logger the adapter uses, so any pino instance (or a test double) fits. */
export interface ChannelLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
