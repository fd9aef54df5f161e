import type { Choice, MediaSource, OutboundMessage } from '../../core/messages.js';
import { ChannelSendError } from '../../core/send-error.js';

/** One thing said to a contact: WeChat has no captions and no buttons, only texts and files. */
export type WechatSend = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'file'; readonly media: MediaSource };

/** The message can never be said on WeChat; sending it again will fail the same way. */
export class UnsayableMessageError extends ChannelSendError {
  override readonly name = 'UnsayableMessageError';
  constructor(message: string) {
    super(message, 'invalid_message');
  }
}

/**
 * Plans what to say for one outbound message: the text first (a caption reads as the introduction of what
 * follows), then every file, and choices as a numbered list at the very end, where the answer is typed —
 * the engine accepts "1", "2"… and the labels themselves as answers.
 */
export function planSays(message: OutboundMessage): WechatSend[] {
  const text = message.text?.trim() ? message.text : undefined;
  const files = [message.photo, message.video, ...(message.album ?? []).map((item) => item.media), message.voice].filter(
    (media): media is MediaSource => media !== undefined,
  );
  const choices = message.choices?.length ? numberedChoices(message.choices) : undefined;
  if (files.length === 0) {
    if (text === undefined) throw new UnsayableMessageError(choices ? 'Choices need text or media to be shown with' : 'Empty message');
    return [{ kind: 'text', text: choices ? `${text}\n\n${choices}` : text }];
  }
  return [
    ...(text === undefined ? [] : [{ kind: 'text' as const, text }]),
    ...files.map((media) => ({ kind: 'file' as const, media })),
    ...(choices ? [{ kind: 'text' as const, text: choices }] : []),
  ];
}

/** "1. 中文\n2. English" */
export function numberedChoices(choices: readonly Choice[]): string {
  for (const choice of choices) {
    if (!choice.label.trim()) throw new UnsayableMessageError(`Choice "${choice.id}" has an empty label`);
  }
  return choices.map((choice, index) => `${index + 1}. ${choice.label}`).join('\n');
}
