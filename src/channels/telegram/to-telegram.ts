import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, MediaSource, OutboundAlbumItem, OutboundMessage } from '../../core/messages.js';
import { ChannelSendError } from '../../core/send-error.js';

/** Bot API limits (https://core.telegram.org/bots/api#sendmessage, #sendphoto, #inlinekeyboardbutton). */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;
/** sendMediaGroup takes 2-10 items. */
export const MAX_ALBUM_ITEMS = 10;

/** The caller built a message Telegram cannot carry; sending it again will fail the same way. */
export class InvalidOutboundMessageError extends ChannelSendError {
  override readonly name: string = 'InvalidOutboundMessageError';
  constructor(message: string) {
    super(message, 'invalid_message');
  }
}

/** A choice id too long to be a button's callback_data (Telegram allows at most 64 bytes). */
export class ChoiceIdTooLongError extends InvalidOutboundMessageError {
  override readonly name = 'ChoiceIdTooLongError';
  constructor(readonly choiceId: string) {
    super(
      `Choice id is ${Buffer.byteLength(choiceId)} bytes, Telegram allows ${MAX_CALLBACK_DATA_BYTES}: "${choiceId.slice(0, 80)}"`,
    );
  }
}

type SingleMediaMethod = 'sendPhoto' | 'sendVoice' | 'sendVideo';

/** One Bot API call; a message becomes several when its text is long or it carries media. */
export type TelegramSend =
  | { readonly method: 'sendMessage'; readonly text: string; readonly replyMarkup?: InlineKeyboardMarkup }
  | {
      readonly method: SingleMediaMethod;
      readonly media: MediaSource;
      readonly caption?: string;
      readonly replyMarkup?: InlineKeyboardMarkup;
    }
  /** An album: Telegram shows no buttons under one, so they never go on this call. */
  | { readonly method: 'sendMediaGroup'; readonly items: readonly OutboundAlbumItem[]; readonly caption?: string };

type MediaSend = Exclude<TelegramSend, { method: 'sendMessage' }>;

/**
 * Plans the calls for one outbound message: media first (the text as caption of the first one when it fits),
 * then the text in ≤4096-char parts; the buttons go on the last call so they sit under everything else
 * (after an album, which cannot carry buttons, the text comes last to carry them).
 * Throws before anything is sent if the message cannot be delivered whole.
 */
export function planSends(message: OutboundMessage): TelegramSend[] {
  const keyboard = message.choices?.length ? inlineKeyboard(message.choices) : undefined;
  const text = message.text?.trim() ? message.text : undefined;
  const media = mediaSends(message);
  const buttonsNeedText = keyboard !== undefined && media.at(-1)?.method === 'sendMediaGroup';

  const textAsCaption = text !== undefined && media.length > 0 && text.length <= MAX_CAPTION_LENGTH && !buttonsNeedText;
  const sends: TelegramSend[] = media.map((item, index) =>
    index === 0 && textAsCaption ? { ...item, caption: text } : item,
  );
  if (text !== undefined && !textAsCaption) {
    for (const part of splitText(text)) sends.push({ method: 'sendMessage', text: part });
  }
  if (sends.length === 0) {
    // Telegram has no message without text or media to hang buttons on.
    throw new InvalidOutboundMessageError(keyboard ? 'Choices need text or media to be shown with' : 'Empty message');
  }
  if (keyboard) {
    const last = sends.at(-1)!;
    if (last.method === 'sendMediaGroup') throw new InvalidOutboundMessageError('Choices under an album need text to be shown with');
    sends[sends.length - 1] = { ...last, replyMarkup: keyboard };
  }
  return sends;
}

/** Photo, video, album (in groups of at most ten; a group of one is a plain photo or video), voice. */
function mediaSends(message: OutboundMessage): MediaSend[] {
  const sends: MediaSend[] = [];
  if (message.photo) sends.push({ method: 'sendPhoto', media: message.photo });
  if (message.video) sends.push({ method: 'sendVideo', media: message.video });
  const album = message.album ?? [];
  for (let start = 0; start < album.length; start += MAX_ALBUM_ITEMS) {
    const items = album.slice(start, start + MAX_ALBUM_ITEMS);
    if (items.length === 1) sends.push({ method: items[0]!.kind === 'photo' ? 'sendPhoto' : 'sendVideo', media: items[0]!.media });
    else sends.push({ method: 'sendMediaGroup', items });
  }
  if (message.voice) sends.push({ method: 'sendVoice', media: message.voice });
  return sends;
}

/** One button per row: labels can be long, and a column reads clearly on a phone. */
export function inlineKeyboard(choices: readonly Choice[]): InlineKeyboardMarkup {
  for (const choice of choices) {
    if (!choice.id) throw new InvalidOutboundMessageError(`Choice "${choice.label}" has an empty id`);
    if (Buffer.byteLength(choice.id, 'utf8') > MAX_CALLBACK_DATA_BYTES) throw new ChoiceIdTooLongError(choice.id);
    if (!choice.label.trim()) throw new InvalidOutboundMessageError(`Choice "${choice.id}" has an empty label`);
  }
  return { inline_keyboard: choices.map((choice) => [{ text: choice.label, callback_data: choice.id }]) };
}

/**
 * Splits text into parts of at most `limit` UTF-16 units (JS length, never less than Telegram's count),
 * preferring a line break, then a space, and cutting mid-word only when a "word" is longer than a part.
 */
export function splitText(text: string, limit = MAX_TEXT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const lineBreak = window.lastIndexOf('\n');
    const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
    let cut: number;
    // Only take a line break from the second half, or parts get tiny when a long paragraph follows it.
    if (lineBreak >= limit / 2) cut = lineBreak;
    else if (space > 0) cut = space;
    else if (lineBreak > 0) cut = lineBreak;
    else cut = isHighSurrogate(rest.charCodeAt(limit - 1)) ? limit - 1 : limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  parts.push(rest);
  // Telegram rejects blank messages, which the trimming above can leave behind.
  return parts.filter((part) => part.trim().length > 0);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
