import type { Chat, Message, PhotoSize, Update, User } from 'grammy/types';
import type { InboundContent, InboundMessage, MediaRef } from '../../core/messages.js';

export const TELEGRAM_CHANNEL = 'telegram';

/** Either a message for the engine, or why the update was dropped (for a debug log). */
export type InboundResult =
  /** `albumId`: a part of an album (Telegram's media_group_id), to be joined with the other parts. */
  | { readonly kind: 'message'; readonly message: InboundMessage; readonly albumId?: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Message fields that mark kinds Kinbridge cannot use, with the words the log and the engine see. */
const UNSUPPORTED_KINDS: ReadonlyArray<readonly [keyof Message, string]> = [
  ['animation', 'animation'],
  ['document', 'document'],
  ['video_note', 'video note'],
  ['audio', 'audio'],
  ['contact', 'contact'],
  ['poll', 'poll'],
  ['dice', 'dice'],
  ['game', 'game'],
  ['story', 'story'],
  ['paid_media', 'paid media'],
];

/**
 * Translates one Telegram update. Updates arrive from the network, so every field is treated as possibly
 * missing even where Bot API types promise it: a malformed update must be dropped, never thrown on.
 */
export function toInbound(update: Update): InboundResult {
  if (update.callback_query) {
    const query = update.callback_query;
    const data = query.data;
    const content: InboundContent =
      typeof data === 'string' && data.length > 0
        ? { kind: 'choice', choiceId: data }
        : { kind: 'unsupported', description: 'button without data' };
    return fromPerson(query.from, query.message?.chat, content);
  }
  if (update.message) {
    const result = fromPerson(update.message.from, update.message.chat, messageContent(update.message));
    const albumId = update.message.media_group_id;
    return result.kind === 'message' && typeof albumId === 'string' ? { ...result, albumId } : result;
  }
  if (update.edited_message) {
    const edited = update.edited_message;
    return fromPerson(edited.from, edited.chat, { kind: 'unsupported', description: 'edited message' });
  }
  return { kind: 'ignored', reason: `no person message in update (${updateKind(update)})` };
}

function fromPerson(from: User | undefined, chat: Chat | undefined, content: InboundContent): InboundResult {
  if (!from || typeof from.id !== 'number') return { kind: 'ignored', reason: 'no sender' };
  if (!chat || typeof chat.id !== 'number') return { kind: 'ignored', reason: 'no chat' };
  // Kinbridge talks to one person at a time; group conversations would leak family details to others.
  if (chat.type !== 'private') return { kind: 'ignored', reason: `${String(chat.type)} chat` };
  const message: InboundMessage = {
    channel: TELEGRAM_CHANNEL,
    externalId: String(from.id),
    chatId: String(chat.id),
    displayName: displayName(from),
    ...(typeof from.language_code === 'string' ? { languageCode: from.language_code } : {}),
    content,
  };
  return { kind: 'message', message };
}

function messageContent(message: Message): InboundContent {
  if (typeof message.text === 'string') return { kind: 'text', text: message.text };
  if (Array.isArray(message.photo) && message.photo.length > 0) {
    const largest = largestPhoto(message.photo);
    return {
      kind: 'photo',
      // Telegram re-encodes every photo it stores as JPEG.
      media: { channel: TELEGRAM_CHANNEL, fileId: largest.file_id, mimeType: 'image/jpeg', ...sizeOf(largest.file_size) },
      ...(typeof message.caption === 'string' ? { caption: message.caption } : {}),
    };
  }
  if (message.voice?.file_id) {
    const voice = message.voice;
    return {
      kind: 'voice',
      media: mediaRef(voice),
      ...(typeof voice.duration === 'number' ? { durationSeconds: voice.duration } : {}),
    };
  }
  if (message.video?.file_id) {
    const video = message.video;
    return {
      kind: 'video',
      media: mediaRef(video),
      ...(typeof message.caption === 'string' ? { caption: message.caption } : {}),
      ...(typeof video.duration === 'number' ? { durationSeconds: video.duration } : {}),
    };
  }
  if (message.sticker) {
    return { kind: 'sticker', ...(typeof message.sticker.emoji === 'string' ? { emoji: message.sticker.emoji } : {}) };
  }
  // A venue carries its location too, so it lands here as a plain location.
  if (message.location && typeof message.location.latitude === 'number') {
    return { kind: 'location', latitude: message.location.latitude, longitude: message.location.longitude };
  }
  const known = UNSUPPORTED_KINDS.find(([field]) => message[field] !== undefined);
  return { kind: 'unsupported', description: known ? known[1] : 'unknown message kind' };
}

/** Telegram lists sizes smallest first, but pick by area so an odd order still yields the best copy. */
function largestPhoto(sizes: readonly PhotoSize[]): PhotoSize {
  return sizes.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
}

function mediaRef(file: { file_id: string; mime_type?: string; file_size?: number }): MediaRef {
  return { channel: TELEGRAM_CHANNEL, fileId: file.file_id, ...(file.mime_type ? { mimeType: file.mime_type } : {}), ...sizeOf(file.file_size) };
}

function sizeOf(fileSize: number | undefined): { sizeBytes?: number } {
  return typeof fileSize === 'number' ? { sizeBytes: fileSize } : {};
}

function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter((part) => typeof part === 'string' && part.trim()).join(' ');
  return name || user.username || `Telegram user ${user.id}`;
}

function updateKind(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
}
