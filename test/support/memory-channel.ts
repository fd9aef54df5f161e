import type { ChannelAdapter, InboundHandler } from '../../src/channels/channel-adapter.js';
import { MediaTooLargeError, MediaUnavailableError } from '../../src/core/media-fetcher.js';
import type { InboundContent, MediaRef, OutboundMessage } from '../../src/core/messages.js';

export interface Delivered {
  readonly chatId: string;
  readonly message: OutboundMessage;
}

/**
 * An in-process channel for engine tests: what a person "types" goes through the real engine, and what the
 * bot sends is recorded per chat. The Telegram and console adapters have their own end-to-end tests.
 */
export class MemoryChannel implements ChannelAdapter {
  readonly name: string;
  readonly delivered: Delivered[] = [];
  /** Bytes of files people sent through this channel, by file id: what `downloadMedia` hands out. */
  readonly files = new Map<string, Uint8Array>();
  private onMessage: InboundHandler | undefined;

  /** Waits until everything written to the outbox for a chat has been sent; set by the test app. */
  settle: (chatId: string) => Promise<void> = async () => undefined;

  constructor(name = 'memory') {
    this.name = name;
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.onMessage = onMessage;
  }

  async stop(): Promise<void> {
    this.onMessage = undefined;
  }

  async downloadMedia(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const bytes = this.files.get(ref.fileId);
    if (!bytes) throw new MediaUnavailableError(`No file ${ref.fileId} on ${this.name}`);
    if (bytes.length > options.maxBytes) throw new MediaTooLargeError(bytes.length, options.maxBytes);
    return bytes;
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    this.delivered.push({ chatId, message });
  }

  /** Sends as `person` and returns the texts the bot answered with to that person. */
  async say(person: string, text: string, languageCode = 'en'): Promise<string[]> {
    return this.deliver(person, { kind: 'text', text }, languageCode);
  }

  /** Taps the button `choiceId` of the latest message offering it (a question's buttons carry its token), or sends the id as it is. */
  async tap(person: string, choiceId: string): Promise<string[]> {
    return this.deliver(person, { kind: 'choice', choiceId: this.offered(person, choiceId) ?? choiceId });
  }

  private offered(person: string, choiceId: string): string | undefined {
    const offers = this.delivered.filter((d) => d.chatId === person).flatMap((d) => d.message.choices ?? []);
    return offers.findLast((choice) => choice.id === choiceId || choice.id.startsWith(`${choiceId}#`))?.id;
  }

  /**
   * Hands a message to the bot and returns once it is taken in (journaled), not answered: how a platform's burst
   * arrives. `platformId` is the update's id on the platform; the same id again is a redelivery.
   */
  async post(person: string, content: InboundContent, platformId?: string): Promise<void> {
    await this.postAll([{ person, content, ...(platformId ? { platformId } : {}) }]);
  }

  /** Hands several messages to the bot as one delivery (one getUpdates answer), in this order. */
  async postAll(updates: readonly { person: string; content: InboundContent; platformId?: string }[]): Promise<void> {
    if (!this.onMessage) throw new Error(`channel ${this.name} is not started`);
    await this.onMessage(
      updates.map(({ person, content, platformId }) => ({ channel: this.name, externalId: person, chatId: person, displayName: person, languageCode: 'en', content, ...(platformId ? { platformId } : {}) })),
    );
  }

  async deliver(person: string, content: InboundContent, languageCode = 'en'): Promise<string[]> {
    if (!this.onMessage) throw new Error(`channel ${this.name} is not started`);
    const before = this.delivered.length;
    await this.onMessage([{ channel: this.name, externalId: person, chatId: person, displayName: person, languageCode, content }]);
    await this.settle(person);
    return this.delivered.slice(before).filter((d) => d.chatId === person).map((d) => d.message.text ?? '');
  }

  textsTo(person: string): string[] {
    return this.delivered.filter((d) => d.chatId === person).map((d) => d.message.text ?? '');
  }

  lastTo(person: string): OutboundMessage | undefined {
    return this.delivered.filter((d) => d.chatId === person).at(-1)?.message;
  }
}
