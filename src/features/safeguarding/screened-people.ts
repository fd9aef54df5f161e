import type { Database } from '../../storage/prisma.js';

/** A family whose coordinators hear of what one of its members wrote. */
export interface ScreenedFamily {
  readonly familyId: string;
  /** Set when the family has exactly one child, so the alert names that child. */
  readonly childId?: string;
}

/**
 * Whose messages are screened: family members at home and abroad (parents, caregivers). Staff are not — a
 * coordinator writing a broadcast about safety, or a teacher, must never set off an alert about a family.
 */
export async function familiesToScreen(db: Database, personId: string): Promise<ScreenedFamily[]> {
  const [memberships, coordinates] = await Promise.all([
    db.familyMember.findMany({
      where: { personId, role: { in: ['parent', 'caregiver'] } },
      select: { familyId: true, family: { select: { children: { select: { id: true } } } } },
    }),
    db.cohortCoordinator.count({ where: { personId } }),
  ]);
  if (coordinates > 0) return [];
  const families = new Map(memberships.map((membership) => [membership.familyId, membership.family.children]));
  return [...families].map(([familyId, children]) => ({ familyId, ...(children.length === 1 ? { childId: children[0]!.id } : {}) }));
}
