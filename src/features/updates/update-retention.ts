import { Prisma } from '../../storage/generated/client.js';
import { photosAllowed } from './photo-consent.js';
import type { UpdateDeps } from './update-deps.js';

export interface RetentionSettings {
  /** Shared updates, their files, deliveries and answers are deleted this many days after they were sent. */
  readonly retentionDays: number;
}

/** A draft nobody finished (the sender never said which child) is deleted after this long. */
const DRAFT_TTL_MS = 24 * 3600_000;
const BATCH = 500;

/**
 * Deletes what may no longer be kept: updates past the retention period, abandoned drafts, and photos and
 * videos of children whose parents' consent is no longer in force. Files go first, then rows, so an
 * interrupted sweep leaves rows pointing at missing files (harmless, redone next time), never unlisted files.
 */
export class UpdateRetention {
  constructor(
    private readonly deps: UpdateDeps,
    private readonly settings: RetentionSettings,
  ) {}

  async sweep(): Promise<{ updates: number; withdrawnFiles: number }> {
    const now = this.deps.clock.now().getTime();
    const expired = {
      OR: [{ createdAt: { lt: new Date(now - this.settings.retentionDays * 24 * 3600_000) } }, { sharedAt: null, createdAt: { lt: new Date(now - DRAFT_TTL_MS) } }],
    };
    await this.forgetPlayPhotos({ createdAt: { lt: new Date(now - this.settings.retentionDays * 24 * 3600_000) } });
    let updates = 0;
    for (;;) {
      const batch = await this.deps.db.familyUpdate.findMany({ where: expired, select: { id: true }, take: BATCH });
      if (batch.length === 0) break;
      await this.deleteUpdates(batch.map((update) => update.id));
      updates += batch.length;
    }
    const families = await this.deps.db.familyUpdate.findMany({
      where: { familyId: { not: null }, media: { some: { kind: { in: ['photo', 'video'] } } } },
      distinct: ['familyId'],
      select: { familyId: true },
    });
    const withdrawnFiles = await this.removePhotosWithoutConsent(families.map((row) => row.familyId!));
    return { updates, withdrawnFiles };
  }

  /**
   * Right after a parent says no: photos and videos of the family's children lose their files at once, and
   * relays not yet sent are called back. Returns how many files were deleted.
   */
  async removePhotosWithoutConsent(familyIds: readonly string[]): Promise<number> {
    const { db, store } = this.deps;
    let removed = 0;
    const children = await db.child.findMany({ where: { familyId: { in: [...familyIds] } }, select: { id: true, familyId: true } });
    for (const child of children) {
      if (await photosAllowed(db, child.familyId, child.id)) continue;
      await this.forgetPlayPhotos({ assignment: { schedule: { childId: child.id } } });
      const media = await db.updateMedia.findMany({
        where: { kind: { in: ['photo', 'video'] }, update: { childId: child.id } },
        select: { id: true, storageKey: true, updateId: true },
      });
      if (media.length === 0) continue;
      const updateIds = [...new Set(media.map((item) => item.updateId))];
      await db.outboxMessage.deleteMany({ where: { status: 'queued', OR: updateIds.map((id) => ({ dedupeKey: { startsWith: `update:${id}:` } })) } });
      await store.delete(media.map((item) => item.storageKey));
      await db.updateMedia.deleteMany({ where: { id: { in: media.map((item) => item.id) } } });
      removed += media.length;
    }
    return removed;
  }

  /**
   * Photos sent in answer to a play reminder are kept as the platform's file reference (and caption) in PlayProgress:
   * past retention or without consent the reference goes, and the answer stays a plain "photo" in the progress.
   */
  private async forgetPlayPhotos(where: Prisma.PlayProgressWhereInput): Promise<void> {
    await this.deps.db.playProgress.updateMany({ where: { ...where, kind: 'photo', media: { not: Prisma.DbNull } }, data: { media: Prisma.DbNull } });
  }

  private async deleteUpdates(updateIds: readonly string[]): Promise<void> {
    const { db, store } = this.deps;
    const media = await db.updateMedia.findMany({ where: { updateId: { in: [...updateIds] } }, select: { storageKey: true } });
    await store.delete(media.map((item) => item.storageKey));
    // The copies sent to each parent (captions, names) go with the moment.
    await db.outboxMessage.deleteMany({ where: { OR: updateIds.map((id) => ({ dedupeKey: { startsWith: `update:${id}:` } })) } });
    await db.familyUpdate.deleteMany({ where: { id: { in: [...updateIds] } } });
  }
}
