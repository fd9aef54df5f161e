import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { MainRole } from '../../core/role-commands.js';
import type { Role } from '../../storage/generated/enums.js';
import type { InviteService, IssuedInvite } from './invites.js';

export class NotCoordinatorError extends Error {
  override readonly name = 'NotCoordinatorError';
}

export interface NewChild {
  readonly name: string;
  /** ISO date, e.g. 2021-05-03. */
  readonly birthDate: string;
  readonly kindergarten?: string | null;
  readonly className?: string | null;
}

export interface NewFamily {
  readonly name: string;
  readonly cohortId: string;
  readonly children: readonly NewChild[];
}

/** What one member may see of their own family. */
export interface FamilySummary {
  readonly id: string;
  readonly name: string;
  readonly children: readonly { name: string; birthDate: Date; kindergarten: string | null; className: string | null }[];
  readonly members: readonly { displayName: string; role: Role }[];
}

/** When someone holds several roles, the one listed first speaks for them (a coordinator who is also a parent). */
const ROLE_PRECEDENCE: readonly MainRole[] = ['coordinator', 'teacher', 'parent', 'caregiver'];

/** The roles a new family hands out invites for. */
export const FAMILY_INVITE_ROLES: readonly Role[] = ['parent', 'caregiver', 'teacher'];

/**
 * Families and their boundaries. Every read takes the asking person and returns only what their own
 * membership allows: a family someone is not in is indistinguishable from one that does not exist.
 */
export class FamilyService {
  constructor(
    private readonly db: Database,
    private readonly invites: InviteService,
    private readonly clock: Clock,
  ) {}

  async cohortsCoordinatedBy(personId: string): Promise<{ id: string; name: string }[]> {
    const rows = await this.db.cohortCoordinator.findMany({ where: { personId }, include: { cohort: true }, orderBy: { since: 'asc' } });
    return rows.map((row) => ({ id: row.cohort.id, name: row.cohort.name }));
  }

  /** Whether the person is a teacher of any family. */
  async teaches(personId: string): Promise<boolean> {
    return (await this.db.familyMember.count({ where: { personId, role: 'teacher' } })) > 0;
  }

  /** The families of the cohorts a coordinator runs, oldest first: those they may hand fresh invites for. */
  async familiesCoordinatedBy(personId: string): Promise<{ id: string; name: string; cohortName: string }[]> {
    const rows = await this.db.family.findMany({
      where: { cohort: { coordinators: { some: { personId } } } },
      select: { id: true, name: true, cohort: { select: { name: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ id: row.id, name: row.name, cohortName: row.cohort?.name ?? '' }));
  }

  /** A fresh invite for one role of a family in a cohort the coordinator runs (the first one expired or was lost). */
  async reinvite(coordinatorId: string, familyId: string, role: Role): Promise<IssuedInvite> {
    const family = await this.db.family.findFirst({ where: { id: familyId, cohort: { coordinators: { some: { personId: coordinatorId } } } } });
    if (!family || !FAMILY_INVITE_ROLES.includes(role)) throw new NotCoordinatorError(`Person ${coordinatorId} may not invite a ${role} to family ${familyId}`);
    return this.invites.issue({ role, familyId: family.id, createdById: coordinatorId });
  }

  /**
   * Creates a family in a cohort the coordinator runs, makes them its coordinator member, and issues invites.
   * `coordinatorJoins: false` for a system person (the CLI's), which is nobody's member: not listed, not reached.
   */
  async create(coordinatorId: string, family: NewFamily, { coordinatorJoins = true }: { coordinatorJoins?: boolean } = {}): Promise<{ familyId: string; invites: IssuedInvite[] }> {
    const coordinates = await this.db.cohortCoordinator.findUnique({
      where: { cohortId_personId: { cohortId: family.cohortId, personId: coordinatorId } },
    });
    if (!coordinates) throw new NotCoordinatorError(`Person ${coordinatorId} does not coordinate cohort ${family.cohortId}`);
    const created = await this.db.family.create({
      data: {
        name: family.name,
        cohortId: family.cohortId,
        // On the injected clock: how long a family has been with us decides when its silence needs someone.
        createdAt: this.clock.now(),
        ...(coordinatorJoins ? { members: { create: { personId: coordinatorId, role: 'coordinator' } } } : {}),
        children: {
          create: family.children.map((child) => ({
            name: child.name,
            birthDate: new Date(`${child.birthDate}T00:00:00Z`),
            kindergarten: child.kindergarten ?? null,
            className: child.className ?? null,
            cohortId: family.cohortId,
          })),
        },
      },
    });
    const invites = await Promise.all(
      FAMILY_INVITE_ROLES.map((role) => this.invites.issue({ role, familyId: created.id, createdById: coordinatorId })),
    );
    return { familyId: created.id, invites };
  }

  /** The families a person belongs to, or, given an id, that one family only if they belong to it. */
  /** In some family, or coordinating some cohort: someone an invite code has already let in. */
  async belongsSomewhere(personId: string): Promise<boolean> {
    const [memberships, cohorts] = await Promise.all([
      this.db.familyMember.count({ where: { personId } }),
      this.db.cohortCoordinator.count({ where: { personId } }),
    ]);
    return memberships + cohorts > 0;
  }

  async mainRoleOf(personId: string): Promise<MainRole> {
    const [memberships, cohorts] = await Promise.all([
      this.db.familyMember.findMany({ where: { personId }, select: { role: true } }),
      this.db.cohortCoordinator.count({ where: { personId } }),
    ]);
    const held = new Set<MainRole>([...memberships.map((membership) => membership.role), ...(cohorts > 0 ? (['coordinator'] as const) : [])]);
    return ROLE_PRECEDENCE.find((role) => held.has(role)) ?? 'newcomer';
  }

  async summariesFor(personId: string, familyId?: string): Promise<FamilySummary[]> {
    const families = await this.db.family.findMany({
      where: { ...(familyId ? { id: familyId } : {}), members: { some: { personId } } },
      include: {
        children: { orderBy: { birthDate: 'asc' } },
        members: { include: { person: { select: { displayName: true } } }, orderBy: { joinedAt: 'asc' } },
      },
      orderBy: { createdAt: 'asc' },
    });
    return families.map((family) => ({
      id: family.id,
      name: family.name,
      children: family.children.map(({ name, birthDate, kindergarten, className }) => ({ name, birthDate, kindergarten, className })),
      members: family.members.map((member) => ({ displayName: member.person.displayName, role: member.role })),
    }));
  }

  /** Everyone else in the family, to tell them about a newcomer. */
  async otherMemberIds(familyId: string, exceptPersonId: string): Promise<string[]> {
    const members = await this.db.familyMember.findMany({ where: { familyId, personId: { not: exceptPersonId } }, select: { personId: true } });
    return members.map((member) => member.personId);
  }
}
