/**
 * The normalised message shapes every layer speaks. Channel adapters translate platform updates into
 * `InboundMessage` and `OutboundMessage` into platform calls; nothing past the adapter sees a platform type.
 */

/** A file held by a platform, fetched only when a feature needs its bytes. */
export interface MediaRef {
  readonly fileId: string;
  readonly mimeType?: string;
  readonly sizeBytes?: number;
}

export type InboundContent =
  | { readonly kind: 'text'; readonly text: string }
  /** A tapped button; `choiceId` is whatever the bot put behind the button, untrusted until matched. */
  | { readonly kind: 'choice'; readonly choiceId: string }
  | { readonly kind: 'photo'; readonly media: MediaRef; readonly caption?: string }
  | { readonly kind: 'voice'; readonly media: MediaRef; readonly durationSeconds?: number }
  | { readonly kind: 'location'; readonly latitude: number; readonly longitude: number }
  /** Anything the adapter understood as a message but Kinbridge cannot use (a sticker, a poll…). */
  | { readonly kind: 'unsupported'; readonly description: string };

export interface InboundMessage {
  readonly channel: string;
  /** The person's stable id on that platform. */
  readonly externalId: string;
  /** Where replies go (the private chat with that person). */
  readonly chatId: string;
  readonly displayName: string;
  /** The platform's hint of the person's language (e.g. Telegram's `language_code`). */
  readonly languageCode?: string;
  readonly content: InboundContent;
}

export interface Choice {
  readonly id: string;
  readonly label: string;
}

/** Media to send: bytes we hold, a file on our disk (flow assets, the media store), or a file the platform already has. */
export type MediaSource =
  | { readonly kind: 'bytes'; readonly data: Uint8Array; readonly fileName: string; readonly mimeType: string }
  | { readonly kind: 'file'; readonly path: string; readonly fileName: string; readonly mimeType: string }
  | { readonly kind: 'platform'; readonly fileId: string };

export interface OutboundMessage {
  readonly text?: string;
  readonly choices?: readonly Choice[];
  readonly photo?: MediaSource;
  readonly voice?: MediaSource;
}

/** Where one person is reached: the adapter by name and that adapter's chat id. */
export interface Address {
  readonly channel: string;
  readonly chatId: string;
}
