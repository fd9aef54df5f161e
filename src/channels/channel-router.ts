import type { DeliveryReceipt } from '../core/delivery-status.js';
import { MediaUnavailableError, type MediaFetcher } from '../core/media-fetcher.js';
import type { Address, MediaRef, OutboundMessage } from '../core/messages.js';
import type { Messenger } from '../core/messenger.js';
import type { ChannelAdapter } from './channel-adapter.js';

export class UnknownChannelError extends Error {
  override readonly name = 'UnknownChannelError';
}

/** Sends each message through the adapter named in its address, in order; fetches files from the adapter that received them. */
export class ChannelRouter implements Messenger, MediaFetcher {
  private readonly adapters = new Map<string, ChannelAdapter>();

  constructor(adapters: readonly ChannelAdapter[]) {
    for (const adapter of adapters) this.adapters.set(adapter.name, adapter);
  }

  async deliver(address: Address, messages: readonly OutboundMessage[]): Promise<DeliveryReceipt> {
    const adapter = this.adapters.get(address.channel);
    if (!adapter) throw new UnknownChannelError(`No channel "${address.channel}" is running`);
    const platformMessageIds: string[] = [];
    for (const message of messages) {
      const receipt = await adapter.send(address.chatId, message);
      if (receipt) platformMessageIds.push(...receipt.platformMessageIds);
    }
    return { platformMessageIds };
  }

  async fetch(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const adapter = this.adapters.get(ref.channel);
    if (!adapter?.downloadMedia) throw new MediaUnavailableError(`Channel "${ref.channel}" is not running or cannot fetch files`);
    return adapter.downloadMedia(ref, options);
  }
}
