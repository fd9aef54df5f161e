import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';

/**
 * `/forget`: everything of one person goes. Their files first (moments they sent, voice answers they gave), then
 * messages addressed to them in the outbox (which hold words about their family), then the person row, whose
 * deletion cascades to identities, memberships, consent decisions, session, updates, deliveries and answers.
 * Kept: invites they created or redeemed (unlinked, so codes stay single-use), calls they logged for a family
 * (unlinked); messages others received that name them stay in those others' chats and outbox rows.
 */
export class PersonEraser {
  constructor(
    private readonly db: Database,
    private readonly store: MediaStore,
  ) {}

  async forget(personId: string): Promise<void> {
    const media = await this.db.updateMedia.findMany({
      where: { OR: [{ update: { senderId: personId } }, { reply: { authorId: personId } }] },
      select: { storageKey: true },
    });
    await this.store.delete(media.map((item) => item.storageKey));
    await this.db.outboxMessage.deleteMany({ where: { personId } });
    await this.db.person.deleteMany({ where: { id: personId } });
  }
}
