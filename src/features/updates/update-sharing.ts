import type { Role } from '../../storage/generated/enums.js';
import type { StoredMedia } from './media-intake.js';
import { photosAllowed } from './photo-consent.js';
import type { UpdateContent } from './update-content.js';
import type { UpdateDeps } from './update-deps.js';
import type { UpdateRelay } from './update-relay.js';

/** Who may send moments home: the people who are with the children. */
export const SHARER_ROLES: readonly Role[] = ['caregiver', 'teacher'];

export interface ShareableChild {
  readonly id: string;
  readonly name: string;
  readonly familyId: string;
}

export type ShareOutcome =
  | { readonly outcome: 'shared'; readonly recipients: number; readonly childName: string }
  /** `parents_switched_off`: nobody received it because the parents who joined have all sent /stop for now. */
  | { readonly outcome: 'no_consent' | 'no_parents' | 'parents_switched_off'; readonly childName: string }
  /** The draft or the child is not (or no longer) the sender's to share: forged, expired or already shared. */
  | { readonly outcome: 'gone' };

/**
 * Moments from home: a sender hands over content (a draft, its files already in the media store), says which
 * child it shows, and it goes to that child's parents only — photos and videos only with their consent.
 */
export class UpdateSharing {
  constructor(
    private readonly deps: UpdateDeps,
    private readonly relay: UpdateRelay,
  ) {}

  /** The children a person may share about, those of the families they care for or teach in, oldest family first. */
  async childrenOf(senderId: string, roles: readonly Role[] = SHARER_ROLES): Promise<ShareableChild[]> {
    const children = await this.deps.db.child.findMany({
      where: { family: { members: { some: { personId: senderId, role: { in: [...roles] } } } } },
      orderBy: [{ family: { createdAt: 'asc' } }, { birthDate: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, familyId: true },
    });
    return children;
  }

  /** Stores the content's files and keeps it as a draft of the sender; a file that is refused stores nothing. */
  async draft(senderId: string, content: UpdateContent): Promise<string> {
    const stored: StoredMedia[] = [];
    try {
      for (const item of content.media) stored.push(await this.deps.intake.take(item.kind, item.ref));
      const update = await this.deps.db.familyUpdate.create({
        data: {
          senderId,
          text: content.text ?? null,
          createdAt: this.deps.clock.now(),
          media: { create: stored.map((media, position) => ({ ...media, position })) },
        },
        select: { id: true },
      });
      return update.id;
    } catch (error) {
      await this.deps.store.delete(stored.map((media) => media.storageKey));
      throw error;
    }
  }

  /** Checks every file's declared size before any is fetched, so a large album is refused at once. */
  precheck(content: UpdateContent): void {
    for (const item of content.media) this.deps.intake.precheck(item.kind, item.ref);
  }

  async share(senderId: string, updateId: string, childId: string, activityKey?: string): Promise<ShareOutcome> {
    const { db, clock } = this.deps;
    const draft = await db.familyUpdate.findFirst({
      where: { id: updateId, senderId, sharedAt: null },
      select: { id: true, media: { select: { kind: true } } },
    });
    const child = (await this.childrenOf(senderId)).find((candidate) => candidate.id === childId);
    if (!draft || !child) return { outcome: 'gone' };
    const visual = draft.media.some((media) => media.kind !== 'voice');
    if (visual && !(await photosAllowed(db, child.familyId, child.id))) {
      await this.discard(updateId);
      return { outcome: 'no_consent', childName: child.name };
    }
    await db.familyUpdate.update({
      where: { id: updateId },
      data: { familyId: child.familyId, childId: child.id, activityKey: activityKey ?? null },
    });
    // Relayed before it is marked shared: a crash half-way leaves a draft that sharing again finishes, once per parent.
    const { delivered, switchedOff } = await this.relay.deliver(updateId);
    await db.familyUpdate.update({ where: { id: updateId }, data: { sharedAt: clock.now() } });
    if (delivered > 0) return { outcome: 'shared', recipients: delivered, childName: child.name };
    return { outcome: switchedOff > 0 ? 'parents_switched_off' : 'no_parents', childName: child.name };
  }

  /** Deletes a draft and its files (not shareable, or abandoned). */
  async discard(updateId: string): Promise<void> {
    const media = await this.deps.db.updateMedia.findMany({ where: { updateId }, select: { storageKey: true } });
    await this.deps.store.delete(media.map((item) => item.storageKey));
    await this.deps.db.familyUpdate.deleteMany({ where: { id: updateId } });
  }
}
