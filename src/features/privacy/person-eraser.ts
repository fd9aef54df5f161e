import type { MediaStore } from '../../storage/media-store.js';
import type { ActivityRecordingService } from '../activities/activity-recordings.js';
import type { BroadcastService } from '../broadcasts/broadcasts.js';
import type { OutboxRedaction } from '../../messaging/outbox-redaction.js';
import type { Database } from '../../storage/prisma.js';
import type { VoiceAnswers } from '../checkins/voice-answers.js';
import type { SafeguardingServices } from '../safeguarding/safeguarding-services.js';

/**
 * `/forget`: everything of one person goes. Their files first (moments they sent, voice answers they gave, play
 * reminders they recorded, photos and voice notes of their broadcasts, voice notes answering check-in items), and
 * their words held in Redis by safeguarding (the end of their last message, an open "contact you?" offer), then
 * messages addressed to them in the outbox (which hold words about their family), then the person row, whose
 * deletion cascades to identities, memberships, consent decisions, session, updates, deliveries, answers and
 * the answers flows kept (FlowResult).
 * Kept: invites they created or redeemed (unlinked, so codes stay single-use), calls they logged for a family
 * (unlinked). Messages to others that name them lose their stored content (see OutboxRedaction.forgetName); what
 * others already received stays in their chat apps. Needs-attention items about them lose their name and words (the
 * item itself stays: the child may still need someone). The goodbye is sent after this, and its stored row then
 * loses its address too (see Outbox).
 */
export class PersonEraser {
  constructor(
    private readonly db: Database,
    private readonly store: MediaStore,
    private readonly outboxRedaction: OutboxRedaction,
    private readonly recordings: ActivityRecordingService,
    private readonly broadcasts: Pick<BroadcastService, 'forgetAttachmentsOf'>,
    private readonly checkInVoice: Pick<VoiceAnswers, 'filesOf'>,
    private readonly safeguarding: Pick<SafeguardingServices, 'forgetPerson'>,
  ) {}

  async forget(personId: string): Promise<void> {
    const media = await this.db.updateMedia.findMany({
      where: { OR: [{ update: { senderId: personId } }, { reply: { authorId: personId } }] },
      select: { storageKey: true },
    });
    await this.store.delete([...media.map((item) => item.storageKey), ...(await this.recordings.filesOf(personId)), ...(await this.checkInVoice.filesOf(personId))]);
    await this.broadcasts.forgetAttachmentsOf(personId);
    await this.safeguarding.forgetPerson(personId);
    const person = await this.db.person.findUnique({ where: { id: personId }, select: { displayName: true } });
    await this.db.outboxMessage.deleteMany({ where: { personId } });
    if (person) await this.outboxRedaction.forgetName(person.displayName);
    await this.forgetInAttentionItems(personId);
    await this.db.person.deleteMany({ where: { id: personId } });
  }

  /**
   * Items about the person stay for the child's sake (a coordinator may still need to act), without the person's name
   * or their words; the link to them goes with the person row itself.
   */
  private async forgetInAttentionItems(personId: string): Promise<void> {
    const items = await this.db.attentionItem.findMany({ where: { subjectPersonId: personId }, select: { id: true, details: true } });
    for (const item of items) {
      const { person_name: _forgotten, ...kept } = item.details as Record<string, unknown>;
      await this.db.attentionItem.update({ where: { id: item.id }, data: { details: kept as object, excerpt: null } });
    }
  }

}
