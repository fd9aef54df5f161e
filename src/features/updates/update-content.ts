import type { InboundContent, MediaRef } from '../../core/messages.js';
import type { MediaKind } from '../../storage/generated/enums.js';

/** What a person handed over to share: some text, and photos and videos, or one voice note. */
export interface UpdateContent {
  readonly text?: string;
  readonly media: readonly { readonly kind: MediaKind; readonly ref: MediaRef }[];
}

/** The longest text kept with an update (a caption is at most 1024 on Telegram; a typed note gets more room). */
export const MAX_UPDATE_TEXT = 2000;

/**
 * Reads what a flow collected: the message that started it (`inbound`), or what arrived during a wait (text
 * arrives there as a plain string). Undefined when nothing shareable is in it.
 */
export function updateContentOf(value: unknown): UpdateContent | undefined {
  if (typeof value === 'string') return textContent(value);
  if (!isContent(value)) return undefined;
  switch (value.kind) {
    case 'text':
      return textContent(value.text);
    case 'photo':
    case 'video':
      return withCaption(value.caption, [{ kind: value.kind, ref: value.media }]);
    case 'voice':
      return { media: [{ kind: 'voice', ref: value.media }] };
    case 'album':
      return withCaption(value.caption, value.items.map((item) => ({ kind: item.kind, ref: item.media })));
    default:
      return undefined;
  }
}

function textContent(text: string): UpdateContent | undefined {
  const trimmed = text.trim();
  return trimmed ? { text: trimmed.slice(0, MAX_UPDATE_TEXT), media: [] } : undefined;
}

function withCaption(caption: string | undefined, media: UpdateContent['media']): UpdateContent | undefined {
  if (media.length === 0) return undefined;
  const text = caption?.trim();
  return { ...(text ? { text: text.slice(0, MAX_UPDATE_TEXT) } : {}), media };
}

function isContent(value: unknown): value is InboundContent {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}
