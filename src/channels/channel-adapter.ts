import type { CommandMenu } from '../core/role-commands.js';
import type { SendLimits } from '../messaging/chat-window-limiter.js';
import type { DeliveryReceipt, DeliveryStatusUpdate } from '../core/delivery-status.js';
import type { InboundMessage, MediaRef, OutboundMessage } from '../core/messages.js';

/**
 * Called with the normalised messages of one delivery from the platform (a getUpdates answer, a webhook request), in
 * the order received; resolves once all are safely journaled, and rejects when none of them may count as delivered.
 * Adapters that receive one message at a time pass one.
 */
export type InboundHandler = (messages: readonly InboundMessage[]) => Promise<void>;

/** Called with the platform's word on a message sent earlier (delivered, read, failed). */
export type DeliveryStatusHandler = (update: DeliveryStatusUpdate) => Promise<void>;

/**
 * One messaging platform. Adapters only translate: no flow logic, no database, no feature rules.
 * `start` must not resolve before the adapter can deliver inbound messages to `onMessage`.
 */
export interface ChannelAdapter {
  readonly name: string;
  /** The platform's sending limits, enforced by the outbox across all workers; none means unlimited. */
  readonly limits?: SendLimits;
  /**
   * Set when the platform lets the bot write freely only this long after the person's last message (WhatsApp: 24 h);
   * later, only approved templates go (see ReplyWindowGate).
   */
  readonly replyWindowMs?: number;
  start(onMessage: InboundHandler, onStatus?: DeliveryStatusHandler): Promise<void>;
  stop(): Promise<void>;
  /** Platforms that report on delivery later answer with the ids their status callbacks will name. */
  send(chatId: string, message: OutboundMessage): Promise<DeliveryReceipt | void>;
  /**
   * The bytes of a file a person sent through this adapter; throws MediaTooLargeError past `maxBytes` and
   * MediaUnavailableError when the platform will not hand it out. Adapters without files leave it out.
   */
  downloadMedia?(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array>;
  /**
   * A cheap question to the platform that throws (saying why) when it cannot be reached now, for /readyz; adapters
   * without one (the console) are ready once started.
   */
  probe?(): Promise<void>;
  /** Platforms with a command menu (Telegram) show each person the commands of their role, in their language. */
  setCommandMenu?(menu: CommandMenu): Promise<void>;
}

/** The slice of a pino logger the adapter uses, so any pino instance (or a test double) fits. */
export interface ChannelLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
