import type { Choice, MediaSource, OutboundMessage, TemplateMessage } from '../../core/messages.js';
import { ChannelSendError } from '../../core/send-error.js';
import { numberedChoices } from '../wechat/to-wechat.js';
import { splitText } from '../telegram/to-telegram.js';

/** Cloud API limits (messages reference: text, interactive, media captions). */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_BODY_LENGTH = 1024;
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;
export const MAX_LIST_ROWS = 10;
export const MAX_ROW_TITLE = 24;
export const MAX_ROW_DESCRIPTION = 72;
export const MAX_REPLY_ID = 256;

/** The message can never be sent on WhatsApp; sending it again will fail the same way. */
export class UnsendableMessageError extends ChannelSendError {
  override readonly name = 'UnsendableMessageError';
  constructor(message: string) {
    super(message, 'invalid_message');
  }
}

export type MediaKind = 'image' | 'audio' | 'video';

/** One POST to /{phone-number-id}/messages; media still to be uploaded (or already a media id). */
export type WhatsAppSend =
  | { readonly type: 'text'; readonly body: string }
  | { readonly type: MediaKind; readonly media: MediaSource; readonly caption?: string }
  | { readonly type: 'buttons'; readonly body: string; readonly choices: readonly Choice[] }
  | { readonly type: 'list'; readonly body: string; readonly button: string; readonly choices: readonly Choice[] }
  | { readonly type: 'template'; readonly template: TemplateMessage };

/**
 * Plans the requests for one outbound message: the media first (a photo or video carries the text as its caption
 * when it fits and no choice follows), then the text. Choices ride on the last text: up to three short labels as
 * reply buttons, up to ten as a list, more as a numbered list (the engine takes "1", "2"… as answers).
 * `listButton` is the label of the button that opens a list, in the reader's language.
 */
export function planSends(message: OutboundMessage, listButton: string): WhatsAppSend[] {
  if (message.template) return [{ type: 'template', template: message.template }];
  const text = message.text?.trim() ? message.text : undefined;
  const choices = message.choices?.length ? message.choices : undefined;
  const media: { type: MediaKind; media: MediaSource }[] = [
    ...(message.photo ? [{ type: 'image' as const, media: message.photo }] : []),
    ...(message.video ? [{ type: 'video' as const, media: message.video }] : []),
    ...(message.album ?? []).map((item) => ({ type: item.kind === 'photo' ? ('image' as const) : ('video' as const), media: item.media })),
    ...(message.voice ? [{ type: 'audio' as const, media: message.voice }] : []),
  ];
  const textAsCaption = text !== undefined && !choices && media.length > 0 && media[0]!.type !== 'audio' && text.length <= MAX_CAPTION_LENGTH;
  const sends: WhatsAppSend[] = media.map((item, index) => (index === 0 && textAsCaption ? { ...item, caption: text } : item));
  if (text !== undefined && !textAsCaption) sends.push(...textSends(text, choices, listButton));
  else if (choices) throw new UnsendableMessageError('Choices need text to be shown with');
  if (sends.length === 0) throw new UnsendableMessageError('Empty message');
  return sends;
}

function textSends(text: string, choices: readonly Choice[] | undefined, listButton: string): WhatsAppSend[] {
  if (!choices) return splitText(text, MAX_TEXT_LENGTH).map((body) => ({ type: 'text', body }));
  for (const choice of choices) {
    if (!choice.id || choice.id.length > MAX_REPLY_ID) throw new UnsendableMessageError(`Choice "${choice.label}" has an id WhatsApp cannot carry`);
    if (!choice.label.trim()) throw new UnsendableMessageError(`Choice "${choice.id}" has an empty label`);
  }
  if (choices.length > MAX_LIST_ROWS) return splitText(`${text}\n\n${numberedChoices(choices)}`, MAX_TEXT_LENGTH).map((body) => ({ type: 'text', body }));
  // An interactive message's body is short: what does not fit goes first as plain text.
  const parts = splitText(text, MAX_BODY_LENGTH);
  const body = parts.pop()!;
  const before = parts.map((part): WhatsAppSend => ({ type: 'text', body: part }));
  const fitsButtons = choices.length <= MAX_BUTTONS && choices.every((choice) => choice.label.length <= MAX_BUTTON_TITLE);
  return [...before, fitsButtons ? { type: 'buttons', body, choices } : { type: 'list', body, button: listButton.slice(0, MAX_BUTTON_TITLE), choices }];
}

/** The JSON body of one send, given the media id its file was uploaded as. */
export function requestBody(to: string, send: WhatsAppSend, mediaId?: string): object {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
  switch (send.type) {
    case 'text':
      return { ...base, type: 'text', text: { body: send.body, preview_url: false } };
    case 'template':
      return {
        ...base,
        type: 'template',
        template: {
          name: send.template.name,
          language: { code: send.template.language },
          components: send.template.parameters.length ? [{ type: 'body', parameters: send.template.parameters.map((text) => ({ type: 'text', text })) }] : [],
        },
      };
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: { type: 'button', body: { text: send.body }, action: { buttons: send.choices.map((choice) => ({ type: 'reply', reply: { id: choice.id, title: choice.label } })) } },
      };
    case 'list':
      return {
        ...base,
        type: 'interactive',
        interactive: { type: 'list', body: { text: send.body }, action: { button: send.button, sections: [{ rows: send.choices.map(listRow) }] } },
      };
    default:
      // Voice notes take no caption on WhatsApp.
      return { ...base, type: send.type, [send.type]: { id: mediaId, ...(send.caption && send.type !== 'audio' ? { caption: send.caption } : {}) } };
  }
}

/** A long label keeps its beginning as the title and is said whole in the row's description. */
function listRow(choice: Choice): object {
  if (choice.label.length <= MAX_ROW_TITLE) return { id: choice.id, title: choice.label };
  return { id: choice.id, title: `${choice.label.slice(0, MAX_ROW_TITLE - 1)}…`, description: choice.label.slice(0, MAX_ROW_DESCRIPTION) };
}
