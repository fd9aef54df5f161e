import { types } from 'wechaty';
import type { InboundContent, InboundMessage } from '../../core/messages.js';

/** What the adapter reads off one Wechaty message, so the translation is a plain function of data. */
export interface WechatMessageFacts {
  readonly id: string;
  readonly type: types.Message;
  readonly text: string;
  /** Sent by the logged-in account itself (Wechaty reports those too). */
  readonly fromSelf: boolean;
  readonly inRoom: boolean;
  readonly talker: { readonly id: string; readonly name: string; readonly type: types.Contact };
  readonly location?: { readonly latitude: number; readonly longitude: number };
}

export type WechatInboundResult =
  | { readonly kind: 'message'; readonly message: InboundMessage }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Message kinds with a file behind them; the message id is the file's id (the puppet hands it out by message). */
const MEDIA_KINDS = new Map<types.Message, 'photo' | 'voice' | 'video'>([
  [types.Message.Image, 'photo'],
  [types.Message.Audio, 'voice'],
  [types.Message.Video, 'video'],
]);

const UNSUPPORTED_KINDS = new Map<types.Message, string>([
  [types.Message.Attachment, 'file'],
  [types.Message.Contact, 'contact card'],
  [types.Message.ChatHistory, 'chat history'],
  [types.Message.MiniProgram, 'mini program'],
  [types.Message.Transfer, 'money transfer'],
  [types.Message.RedEnvelope, 'red envelope'],
  [types.Message.Url, 'link'],
  [types.Message.Post, 'post'],
]);

/** Translates one message under `channel` ('wechat', or 'whatsapp' when the same adapter drives that puppet). */
export function toInbound(channel: string, facts: WechatMessageFacts): WechatInboundResult {
  if (facts.fromSelf) return { kind: 'ignored', reason: 'own message' };
  // Kinbridge talks to one person at a time; group chats would leak family details to others.
  if (facts.inRoom) return { kind: 'ignored', reason: 'group chat' };
  if (facts.talker.type !== types.Contact.Individual) return { kind: 'ignored', reason: `contact of type ${types.Contact[facts.talker.type]}` };
  if (facts.type === types.Message.Recalled) return { kind: 'ignored', reason: 'recalled message' };
  return {
    kind: 'message',
    message: {
      channel,
      externalId: facts.talker.id,
      chatId: facts.talker.id,
      displayName: facts.talker.name.trim() || `${channel} user`,
      content: contentOf(channel, facts),
    },
  };
}

function contentOf(channel: string, facts: WechatMessageFacts): InboundContent {
  if (facts.type === types.Message.Text) return { kind: 'text', text: facts.text };
  const media = MEDIA_KINDS.get(facts.type);
  if (media) return { kind: media, media: { channel, fileId: facts.id } };
  // WeChat stickers carry no emoji; they still count as a quick answer.
  if (facts.type === types.Message.Emoticon) return { kind: 'sticker' };
  if (facts.type === types.Message.Location && facts.location) return { kind: 'location', ...facts.location };
  return { kind: 'unsupported', description: UNSUPPORTED_KINDS.get(facts.type) ?? 'unknown message kind' };
}
