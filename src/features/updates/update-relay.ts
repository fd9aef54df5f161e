import type { Choice, OutboundMessage } from '../../core/messages.js';
import { spokenDayTime } from '../../core/spoken-time.js';
import type { UpdateDeps } from './update-deps.js';

/** Buttons under a relayed moment carry `update:<action>:<delivery id>`; the delivery names its one recipient. */
export const UPDATE_CHOICE_PREFIX = 'update';
export type AnswerAction = 'heart' | 'answer';

export function answerChoiceId(action: AnswerAction, deliveryId: string): string {
  return `${UPDATE_CHOICE_PREFIX}:${action}:${deliveryId}`;
}

/** The buttons under a moment, in the order numbered channels list them ("1. ❤️ 2. 💬 Answer"). */
export function answerChoices(deliveryId: string, answerLabel: string): Choice[] {
  return [
    { id: answerChoiceId('heart', deliveryId), label: '❤️' },
    { id: answerChoiceId('answer', deliveryId), label: answerLabel },
  ];
}

export function parseAnswerChoice(choiceId: string): { action: AnswerAction; deliveryId: string } | undefined {
  const match = /^update:(heart|answer):([0-9a-f-]{36})$/.exec(choiceId);
  return match ? { action: match[1] as AnswerAction, deliveryId: match[2]! } : undefined;
}

export interface RelayCount {
  readonly delivered: number;
  /** Parents who joined and then sent /stop: told apart from parents who never joined, so the sender hears why. */
  readonly switchedOff: number;
}

/**
 * Sends a shared update to every parent of its child's family, each on their own app, in their language and
 * time zone. One delivery row per parent, whose dedupe key makes sending again (a retry, a crash) harmless.
 */
export class UpdateRelay {
  constructor(private readonly deps: UpdateDeps) {}

  /** How many parents it went to, and how many joined but have switched messages off (/stop) for now. */
  async deliver(updateId: string): Promise<RelayCount> {
    const { db } = this.deps;
    const update = await db.familyUpdate.findUniqueOrThrow({
      where: { id: updateId },
      include: { media: { orderBy: { position: 'asc' } }, child: true, sender: { select: { displayName: true } } },
    });
    if (!update.familyId || !update.child) throw new Error(`Update ${updateId} has no child to be relayed for`);
    const members = await db.familyMember.findMany({
      where: { familyId: update.familyId },
      include: { person: { select: { id: true, displayName: true, locale: true, timeZone: true, optedOutAt: true } } },
    });
    const senderRole = members.find((member) => member.personId === update.senderId)?.role ?? 'caregiver';
    const joinedParents = members.filter((member) => member.role === 'parent' && member.personId !== update.senderId);
    const parents = joinedParents.filter((member) => !member.person.optedOutAt);
    let delivered = 0;
    for (const { person } of parents) {
      const address = await this.deps.addressOf(person.id);
      if (!address) continue;
      const dedupeKey = `update:${update.id}:${person.id}`;
      const delivery = await db.updateDelivery.upsert({
        where: { updateId_recipientId: { updateId: update.id, recipientId: person.id } },
        create: { updateId: update.id, recipientId: person.id, channel: address.channel, chatId: address.chatId, dedupeKey, createdAt: this.deps.clock.now() },
        update: {},
      });
      const header = this.deps.translate(person.locale, 'updates:relay_header', {
        sender_name: update.sender.displayName,
        sender_role: this.deps.translate(person.locale, `families:role.${senderRole}`),
        child_name: update.child.name,
        time: spokenDayTime(update.createdAt, person.timeZone, person.locale, this.deps.clock),
      });
      const choices = answerChoices(delivery.id, this.deps.translate(person.locale, 'updates:answer_button'));
      const message: OutboundMessage = {
        ...this.compose(update.media, update.text ? `${header}\n\n${update.text}` : header, choices),
        purpose: { kind: 'moment', vars: { person_name: person.displayName, sender_name: update.sender.displayName, child_name: update.child.name } },
      };
      await this.deps.outbox.enqueue({ address: { channel: delivery.channel, chatId: delivery.chatId }, personId: person.id, messages: [message], dedupeKey });
      delivered += 1;
    }
    return { delivered, switchedOff: joinedParents.length - parents.length };
  }

  /** One photo or video as itself, several as an album, a voice note as voice; the words and buttons with them. */
  private compose(media: readonly { kind: string; storageKey: string; mimeType: string }[], text: string, choices: Choice[]): OutboundMessage {
    const source = (item: (typeof media)[number]) => this.deps.store.source(item.storageKey, item.mimeType);
    const visual = media.filter((item) => item.kind !== 'voice');
    const voice = media.find((item) => item.kind === 'voice');
    const message: OutboundMessage = { text, choices, ...(voice ? { voice: source(voice) } : {}) };
    if (visual.length === 1) return { ...message, [visual[0]!.kind === 'photo' ? 'photo' : 'video']: source(visual[0]!) };
    if (visual.length > 1) return { ...message, album: visual.map((item) => ({ kind: item.kind === 'photo' ? 'photo' : 'video', media: source(item) })) };
    return message;
  }
}
