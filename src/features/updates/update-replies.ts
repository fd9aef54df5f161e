import type { OutboundMessage } from '../../core/messages.js';
import { typedChoice } from '../../core/typed-choice.js';
import type { StoredMedia } from './media-intake.js';
import { answerChoices, parseAnswerChoice, type AnswerAction } from './update-relay.js';
import type { UpdateDeps } from './update-deps.js';

/** How long after a moment arrived a sticker sent on its own is taken as the answer to it. */
export const STICKER_ANSWERS_WITHIN_MS = 3 * 24 * 3600_000;
/**
 * How long after a moment arrived a text nothing else waits for is taken as the answer to it: the day the parent
 * would still be looking at it (as long as 💬 waits for an answer).
 */
export const TEXT_ANSWERS_WITHIN_MS = 24 * 3600_000;
const MAX_REPLY_TEXT = 1000;

export interface OpenedDelivery {
  readonly deliveryId: string;
  readonly senderName: string;
}

/** What a parent answers with. */
export type ReplyContent = { readonly text: string } | { readonly emoji: string } | { readonly voice: StoredMedia };

/**
 * Parents' answers to moments, carried back to whoever sent the moment ("Papa says: …"). A delivery is found
 * only through its recipient: a button naming someone else's delivery finds nothing, exactly like a stale one.
 */
export class UpdateReplies {
  constructor(private readonly deps: UpdateDeps) {}

  /** The delivery a tapped button names, if it was made to this person. */
  async open(personId: string, choiceId: string): Promise<(OpenedDelivery & { action: AnswerAction }) | undefined> {
    const parsed = parseAnswerChoice(choiceId);
    if (!parsed) return undefined;
    const opened = await this.find({ id: parsed.deliveryId, recipientId: personId });
    return opened && { ...opened, action: parsed.action };
  }

  /** The latest moment this person received within `withinMs`, for a sticker or a text sent without tapping a button. */
  async latest(personId: string, withinMs: number): Promise<OpenedDelivery | undefined> {
    const since = new Date(this.deps.clock.now().getTime() - withinMs);
    return this.find({ recipientId: personId, createdAt: { gte: since } });
  }

  /** The button under `delivery` a typed text names ("1", "❤️", "💬 Answer"), as the parent's channel listed them. */
  typedButton(delivery: OpenedDelivery, locale: string, text: string): AnswerAction | undefined {
    const choices = answerChoices(delivery.deliveryId, this.deps.translate(locale, 'updates:answer_button'));
    const typed = typedChoice(choices, text);
    return typed && parseAnswerChoice(typed.id)?.action;
  }

  /** Records the answer and sends it to the moment's sender; false when the delivery is not this person's. */
  async reply(personId: string, deliveryId: string, content: ReplyContent): Promise<boolean> {
    const { db } = this.deps;
    const delivery = await db.updateDelivery.findFirst({
      where: { id: deliveryId, recipientId: personId },
      include: { recipient: { select: { displayName: true } }, update: { include: { sender: { select: { id: true, locale: true } } } } },
    });
    if (!delivery) {
      if ('voice' in content) await this.deps.store.delete([content.voice.storageKey]);
      return false;
    }
    const reply = await db.updateReply.create({
      data: {
        updateId: delivery.updateId,
        authorId: personId,
        ...('text' in content ? { text: content.text.slice(0, MAX_REPLY_TEXT) } : {}),
        ...('emoji' in content ? { emoji: content.emoji } : {}),
        ...('voice' in content ? { media: { create: { ...content.voice, updateId: delivery.updateId } } } : {}),
      },
    });
    const sender = delivery.update.sender;
    const address = await this.deps.addressOf(sender.id);
    if (address) {
      const message = this.compose(sender.locale, delivery.recipient.displayName, content);
      await this.deps.outbox.enqueue({ address, personId: sender.id, messages: [message], dedupeKey: `update-reply:${reply.id}` });
    }
    return true;
  }

  private compose(locale: string, author: string, content: ReplyContent): OutboundMessage {
    const t = (key: string, vars: Record<string, unknown>): string => this.deps.translate(locale, key, { author_name: author, ...vars });
    if ('text' in content) return { text: t('updates:reply_text', { text: content.text.slice(0, MAX_REPLY_TEXT) }) };
    if ('emoji' in content) return { text: t('updates:reply_emoji', { emoji: content.emoji }) };
    return { text: t('updates:reply_voice', {}), voice: this.deps.store.source(content.voice.storageKey, content.voice.mimeType) };
  }

  private async find(where: { id?: string; recipientId: string; createdAt?: { gte: Date } }): Promise<OpenedDelivery | undefined> {
    const delivery = await this.deps.db.updateDelivery.findFirst({
      where,
      orderBy: { createdAt: 'desc' },
      select: { id: true, update: { select: { sender: { select: { displayName: true } } } } },
    });
    return delivery ? { deliveryId: delivery.id, senderName: delivery.update.sender.displayName } : undefined;
  }
}
