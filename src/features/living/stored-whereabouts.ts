import type { ChildWhereabouts, StayPeriod } from '../../core/child-whereabouts.js';
import type { Database } from '../../storage/prisma.js';

/** One stay of a child with a parent, for a family's timeline. */
export interface StayRecord extends StayPeriod {
  readonly parentName: string;
}

/** Where children live, read from their stays with a parent (the times between them, at home). */
export class StoredWhereabouts implements ChildWhereabouts {
  constructor(private readonly db: Database) {}

  /** Where the child lived, newest first. The caller has checked that the reader may see the family. */
  async history(childId: string): Promise<StayRecord[]> {
    const stays = await this.db.childStay.findMany({
      where: { childId },
      select: { since: true, until: true, parent: { select: { displayName: true } } },
      orderBy: { since: 'desc' },
    });
    return stays.map((stay) => ({ since: stay.since, until: stay.until, parentName: stay.parent.displayName }));
  }

  async livingWith(childIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (childIds.length === 0) return new Map();
    const open = await this.db.childStay.findMany({ where: { childId: { in: [...childIds] }, until: null }, select: { childId: true, parentId: true } });
    return new Map(open.map((stay) => [stay.childId, stay.parentId]));
  }

  staysTogether(parentId: string, childId: string): Promise<StayPeriod[]> {
    return this.db.childStay.findMany({ where: { parentId, childId }, select: { since: true, until: true }, orderBy: { since: 'asc' } });
  }
}
