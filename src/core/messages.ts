/**
 * The normalised message shapes every layer speaks. Channel adapters translate platform updates into
 * `InboundMessage` and `OutboundMessage` into platform calls; nothing past the adapter sees a platform type.
 */

/** A file held by a platform, fetched only when a feature needs its bytes (through that channel's adapter). */
export interface MediaRef {
  /** The adapter that received it: a platform's file ids mean nothing to another platform. */
  readonly channel: string;
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
  | { readonly kind: 'video'; readonly media: MediaRef; readonly caption?: string; readonly durationSeconds?: number }
  /** Several photos or videos sent together (Telegram sends them as separate updates; the adapter joins them). */
  | { readonly kind: 'album'; readonly items: readonly AlbumPart[]; readonly caption?: string }
  /** A sticker, told apart by the emoji it stands for (a quick "❤️" answer). */
  | { readonly kind: 'sticker'; readonly emoji?: string }
  | { readonly kind: 'location'; readonly latitude: number; readonly longitude: number }
  /** Anything the adapter understood as a message but Kinbridge cannot use (a sticker, a poll…). */
  | { readonly kind: 'unsupported'; readonly description: string };

export interface AlbumPart {
  readonly kind: 'photo' | 'video';
  readonly media: MediaRef;
}

export interface InboundMessage {
  readonly channel: string;
  /** The platform's id of this update (Telegram update_id, WhatsApp message id): a redelivery carries the same. */
  readonly platformId?: string;
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

export interface OutboundAlbumItem {
  readonly kind: 'photo' | 'video';
  readonly media: MediaSource;
}

/**
 * Messages the bot sends on its own initiative, by kind. A channel with a reply window (WhatsApp's 24 hours) sends
 * such a message outside the window as the approved template configured for its kind and the reader's language.
 */
export const PROACTIVE_KINDS = ['call_nudge', 'play_reminder', 'moment', 'broadcast', 'check_in', 'needs_attention'] as const;
export type ProactiveKind = (typeof PROACTIVE_KINDS)[number];

/** Why a message is sent, set by its producer: the kind, and the values a template of that kind may fill in. */
export interface MessagePurpose {
  readonly kind: ProactiveKind;
  readonly vars: Readonly<Record<string, string>>;
}

/** An approved template as the platform registered it, with its body variables in order ({{1}}, {{2}}…). */
export interface TemplateMessage {
  readonly name: string;
  /** The platform's language code (e.g. zh_CN, en). */
  readonly language: string;
  readonly parameters: readonly string[];
}

export interface OutboundMessage {
  /** Set on proactive messages; replies to what a person just said leave it out. */
  readonly purpose?: MessagePurpose;
  /** Sent instead of everything else: only set by the reply-window gate, on channels that have templates. */
  readonly template?: TemplateMessage;
  readonly text?: string;
  /** Set when `text` holds a secret (invite codes): the stored copy keeps only this (see OutboxSealer). */
  readonly textAfterSending?: string;
  readonly choices?: readonly Choice[];
  readonly photo?: MediaSource;
  readonly voice?: MediaSource;
  readonly video?: MediaSource;
  /** Shown together where the platform has albums, one after another elsewhere. */
  readonly album?: readonly OutboundAlbumItem[];
}

/** Every media source one outbound message carries. */
export function mediaOf(message: OutboundMessage): MediaSource[] {
  const single = [message.photo, message.voice, message.video].filter((media): media is MediaSource => media !== undefined);
  return [...single, ...(message.album ?? []).map((item) => item.media)];
}

/** Where one person is reached: the adapter by name and that adapter's chat id. */
export interface Address {
  readonly channel: string;
  readonly chatId: string;
}
