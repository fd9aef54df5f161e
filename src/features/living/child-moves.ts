import type { ChildMoveListener, ChildMoveListeners } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { Prisma } from '../../storage/generated/client.js';
import type { Database } from '../../storage/prisma.js';

/** Someone the child may live with: one of the family's parents. */
export interface ParentOfChild {
  readonly id: string;
  readonly displayName: string;
}

/** A child as someone allowed to record their moves sees them: where they live now, and with whom they could. */
export interface ChildPlace {
  readonly childId: string;
  readonly childName: string;
  readonly familyId: string;
  readonly familyName: string;
  /** The parent the child lives with now; null while at home with the caregivers. */
  readonly livingWith: ParentOfChild | null;
  readonly parents: readonly ParentOfChild[];
}

/** What a recorded move changed, for the words said about it and the family members to tell. */
export interface RecordedMove {
  readonly place: ChildPlace;
  readonly from: ParentOfChild | null;
  readonly to: ParentOfChild | null;
  /** Everyone in the child's family but the person who recorded it. */
  readonly othersInFamily: readonly string[];
}

/** Where a child may go: to one of their parents (by id), or home. */
export type Destination = { readonly parentId: string } | 'home';

/**
 * Only the child's parents and the coordinators of the family's cohort may say where the child lives; for anyone
 * else (a caregiver, a teacher, another family, another cohort) the child does not exist.
 */
function recordableBy(personId: string): Prisma.ChildWhereInput {
  return {
    OR: [{ family: { members: { some: { personId, role: 'parent' } } } }, { family: { cohort: { coordinators: { some: { personId } } } } }],
  };
}

/**
 * Recording where a child lives, on the injected clock: a move closes the open stay with a parent and opens the
 * next; the features that care (calls, play) are told once it is saved.
 */
export class ChildMoves implements ChildMoveListeners {
  private readonly listeners: ChildMoveListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  listen(listener: ChildMoveListener): void {
    this.listeners.push(listener);
  }

  /** The children `personId` may record a move for, youngest last: their own as a parent, their cohorts' as a coordinator. */
  async childrenFor(personId: string): Promise<{ id: string; name: string; familyName: string }[]> {
    const children = await this.db.child.findMany({
      where: recordableBy(personId),
      select: { id: true, name: true, family: { select: { name: true } } },
      orderBy: [{ birthDate: 'asc' }, { id: 'asc' }],
    });
    return children.map((child) => ({ id: child.id, name: child.name, familyName: child.family.name }));
  }

  /** A child's place, only for someone who may record their moves; undefined for anyone else and for unknown ids. */
  async placeOf(personId: string, childId: string): Promise<ChildPlace | undefined> {
    if (!isUuid(childId)) return undefined;
    const child = await this.db.child.findFirst({
      where: { AND: [{ id: childId }, recordableBy(personId)] },
      select: {
        id: true,
        name: true,
        family: {
          select: {
            id: true,
            name: true,
            members: { where: { role: 'parent' }, orderBy: { joinedAt: 'asc' }, select: { person: { select: { id: true, displayName: true } } } },
          },
        },
        stays: { where: { until: null }, select: { parentId: true } },
      },
    });
    if (!child) return undefined;
    const parents = child.family.members.map((member) => member.person);
    const livingWithId = child.stays[0]?.parentId;
    return {
      childId: child.id,
      childName: child.name,
      familyId: child.family.id,
      familyName: child.family.name,
      livingWith: parents.find((parent) => parent.id === livingWithId) ?? null,
      parents,
    };
  }

  /**
   * Records that the child lives with `destination` from now on. Undefined when the person may not, or the
   * destination is not one of the child's parents; `from` equals `to` when nothing changed.
   */
  async move(personId: string, childId: string, destination: Destination): Promise<RecordedMove | undefined> {
    const place = await this.placeOf(personId, childId);
    if (!place) return undefined;
    const to = destination === 'home' ? null : place.parents.find((parent) => parent.id === destination.parentId);
    if (to === undefined) return undefined;
    const from = place.livingWith;
    if (from?.id === to?.id) return { place, from, to, othersInFamily: [] };
    const now = this.clock.now();
    await this.db.$transaction([
      this.db.childStay.updateMany({ where: { childId, until: null }, data: { until: now, endedById: personId } }),
      ...(to ? [this.db.childStay.create({ data: { childId, parentId: to.id, since: now, begunById: personId } })] : []),
    ]);
    for (const listener of this.listeners) await listener.childMoved({ childId, from: from?.id ?? null, to: to?.id ?? null });
    const others = await this.db.familyMember.findMany({ where: { familyId: place.familyId, personId: { not: personId } }, select: { personId: true } });
    return { place: { ...place, livingWith: to }, from, to, othersInFamily: others.map((member) => member.personId) };
  }
}

/** A forged or mistyped id is simply not found (PostgreSQL would refuse it as a uuid). */
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
