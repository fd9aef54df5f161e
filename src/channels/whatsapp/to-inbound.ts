import type { DeliveryStatusUpdate } from '../../core/delivery-status.js';
import type { InboundContent, InboundMessage, MediaRef } from '../../core/messages.js';

export const WHATSAPP_CHANNEL = 'whatsapp';

/** Cloud API error codes that mean the 24-hour customer-service window had closed. */
export const WINDOW_CLOSED_CODES: ReadonlySet<number> = new Set([131047]);

/** One thing a webhook POST carried: a person's message (with its id, for deduplication) or a status of ours. */
export type WebhookEvent =
  | { readonly kind: 'message'; readonly id: string; readonly message: InboundMessage }
  | { readonly kind: 'status'; readonly update: DeliveryStatusUpdate }
  | { readonly kind: 'ignored'; readonly reason: string };

type Json = Record<string, unknown>;

/**
 * Translates one webhook body (`object: whatsapp_business_account`, entries of `messages` changes). It comes from the
 * network, so every field is read as possibly missing: a malformed part is ignored, never thrown on. Changes for
 * another phone number of the same app are not ours.
 */
export function toEvents(body: unknown, phoneNumberId: string): WebhookEvent[] {
  if (!isObject(body) || body.object !== 'whatsapp_business_account') return [{ kind: 'ignored', reason: 'not a WhatsApp Business webhook' }];
  const events: WebhookEvent[] = [];
  for (const entry of arrayOf(body.entry)) {
    for (const change of arrayOf(entry.changes)) {
      const value = isObject(change.value) ? change.value : undefined;
      if (change.field !== 'messages' || !value) {
        events.push({ kind: 'ignored', reason: `change of field ${String(change.field)}` });
        continue;
      }
      const metadata = isObject(value.metadata) ? value.metadata : {};
      if (metadata.phone_number_id !== phoneNumberId) {
        events.push({ kind: 'ignored', reason: 'for another phone number' });
        continue;
      }
      const names = new Map(arrayOf(value.contacts).map((contact) => [String(contact.wa_id), isObject(contact.profile) ? String(contact.profile.name ?? '') : '']));
      for (const message of arrayOf(value.messages)) events.push(messageEvent(message, names));
      for (const status of arrayOf(value.statuses)) events.push(statusEvent(status));
    }
  }
  return events;
}

function messageEvent(message: Json, names: ReadonlyMap<string, string>): WebhookEvent {
  const from = message.from;
  const id = message.id;
  if (typeof from !== 'string' || !from || typeof id !== 'string' || !id) return { kind: 'ignored', reason: 'message without sender or id' };
  const content = contentOf(message);
  if (!content) return { kind: 'ignored', reason: `${String(message.type)} message` };
  const name = names.get(from)?.trim();
  return {
    kind: 'message',
    id,
    message: { channel: WHATSAPP_CHANNEL, externalId: from, chatId: from, displayName: name || `+${from}`, content },
  };
}

/** undefined: nothing a person meant to say (a reaction taken back, a system notice). */
function contentOf(message: Json): InboundContent | undefined {
  const type = message.type;
  const part = typeof type === 'string' && isObject(message[type]) ? (message[type] as Json) : {};
  switch (type) {
    case 'text':
      return typeof part.body === 'string' ? { kind: 'text', text: part.body } : undefined;
    case 'interactive': {
      const reply = isObject(part.button_reply) ? part.button_reply : isObject(part.list_reply) ? part.list_reply : undefined;
      return typeof reply?.id === 'string' && reply.id ? { kind: 'choice', choiceId: reply.id } : { kind: 'unsupported', description: 'interactive reply without id' };
    }
    case 'button':
      // A tap on a template's quick-reply button: its text is what the person chose to say.
      return typeof part.text === 'string' ? { kind: 'text', text: part.text } : undefined;
    case 'image':
      return mediaContent('photo', part);
    case 'audio':
      return mediaContent('voice', part);
    case 'video':
      return mediaContent('video', part);
    case 'document':
      // A photo sent "as a document" keeps its quality; anything else is a file Kinbridge cannot use.
      return typeof part.mime_type === 'string' && part.mime_type.startsWith('image/') ? mediaContent('photo', part) : { kind: 'unsupported', description: 'document' };
    case 'reaction':
      // An empty emoji takes a reaction back.
      return typeof part.emoji === 'string' && part.emoji ? { kind: 'sticker', emoji: part.emoji } : undefined;
    case 'sticker':
      return { kind: 'sticker' };
    case 'location':
      return typeof part.latitude === 'number' && typeof part.longitude === 'number' ? { kind: 'location', latitude: part.latitude, longitude: part.longitude } : undefined;
    case 'contacts':
      return { kind: 'unsupported', description: 'contact card' };
    case 'unsupported':
      return { kind: 'unsupported', description: 'message WhatsApp does not support' };
    default:
      return undefined;
  }
}

function mediaContent(kind: 'photo' | 'voice' | 'video', part: Json): InboundContent | undefined {
  if (typeof part.id !== 'string' || !part.id) return undefined;
  const media: MediaRef = { channel: WHATSAPP_CHANNEL, fileId: part.id, ...(typeof part.mime_type === 'string' ? { mimeType: part.mime_type.split(';')[0]!.trim() } : {}) };
  const caption = typeof part.caption === 'string' ? { caption: part.caption } : {};
  if (kind === 'voice') return { kind, media };
  return { kind, media, ...caption };
}

function statusEvent(status: Json): WebhookEvent {
  const known = ['sent', 'delivered', 'read', 'failed'] as const;
  const value = known.find((name) => name === status.status);
  if (typeof status.id !== 'string' || !value) return { kind: 'ignored', reason: `status ${String(status.status)}` };
  const seconds = Number(status.timestamp);
  const error = arrayOf(status.errors)[0];
  const code = Number(error?.code);
  return {
    kind: 'status',
    update: {
      channel: WHATSAPP_CHANNEL,
      platformMessageId: status.id,
      status: value,
      at: new Date(Number.isFinite(seconds) ? seconds * 1000 : 0),
      ...(value === 'failed'
        ? { error: { description: `WhatsApp error ${Number.isFinite(code) ? code : '?'}: ${String(error?.title ?? error?.message ?? 'failed')}`, windowClosed: WINDOW_CLOSED_CODES.has(code) } }
        : {}),
    },
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
