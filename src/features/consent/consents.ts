import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { ConsentKind } from '../../storage/generated/enums.js';

/** One child whose photos a parent decides about, named the way the question names it. */
export interface ConsentSubject {
  readonly childId: string;
  readonly childName: string;
  readonly familyId: string;
  readonly familyName: string;
}

/** A subject with the person's decision in force: granted, refused, or none yet (which is no consent). */
export interface ConsentStanding extends ConsentSubject {
  readonly granted: boolean | undefined;
}

/**
 * Consent is a history, not a flag: each decision is a row and the newest one is in force, so "who allowed what,
 * and when" can always be answered, and withdrawal is just a newer row. A decision is about one child of one
 * family, made by one of that family's parents: a decision in one family never speaks for another, and members in
 * other roles (caregivers, teachers, coordinators) are not asked, because only parents' decisions count.
 */
export class ConsentService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** The children this person decides about as a parent, with their decision in force; one family only if given. */
  async standings(personId: string, kind: ConsentKind, familyId?: string): Promise<ConsentStanding[]> {
    const children = await this.db.child.findMany({
      where: { family: { ...(familyId ? { id: familyId } : {}), members: { some: { personId, role: 'parent' } } } },
      include: { family: { select: { name: true } }, consents: { where: { personId, kind }, orderBy: { decidedAt: 'desc' }, take: 1 } },
      orderBy: [{ family: { createdAt: 'asc' } }, { birthDate: 'asc' }],
    });
    return children.map((child) => ({
      childId: child.id,
      childName: child.name,
      familyId: child.familyId,
      familyName: child.family.name,
      granted: child.consents[0]?.granted,
    }));
  }

  /** The first child (of one family, if given) this parent has not decided about yet. */
  async nextUndecided(personId: string, kind: ConsentKind, familyId?: string): Promise<ConsentSubject | undefined> {
    return (await this.standings(personId, kind, familyId)).find((standing) => standing.granted === undefined);
  }

  /** One child this person decides about, or undefined when they are not a parent of its family. */
  async subject(personId: string, kind: ConsentKind, childId: string): Promise<ConsentStanding | undefined> {
    return (await this.standings(personId, kind)).find((standing) => standing.childId === childId);
  }

  /**
   * Records a parent's decision about one child; false (nothing recorded) when they are not a parent of its family.
   * The decision already in force is not recorded again (a tap repeated, a turn run again after a session conflict):
   * the history keeps when it was first made.
   */
  async decide(personId: string, kind: ConsentKind, childId: string, granted: boolean): Promise<boolean> {
    const subject = await this.subject(personId, kind, childId);
    if (!subject) return false;
    if (subject.granted === granted) return true;
    await this.db.consent.create({ data: { personId, familyId: subject.familyId, childId, kind, granted, decidedAt: this.clock.now() } });
    return true;
  }
}
