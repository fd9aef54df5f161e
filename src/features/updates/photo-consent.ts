import type { Database } from '../../storage/prisma.js';

/**
 * Whether photos and videos of a child may leave home: a parent of the child's family (its guardians) must
 * have said yes, and no parent's decision in force may be no. Each parent's newest decision counts, for the
 * whole family or for this child; no decision is no consent, and one parent's "no" outweighs another's "yes".
 */
export async function photosAllowed(db: Database, familyId: string, childId: string): Promise<boolean> {
  const decisions = await db.consent.findMany({
    where: {
      familyId,
      kind: 'photo_sharing',
      OR: [{ childId: null }, { childId }],
      person: { memberships: { some: { familyId, role: 'parent' } } },
    },
    orderBy: { decidedAt: 'desc' },
    select: { personId: true, granted: true },
  });
  const inForce = new Map<string, boolean>();
  for (const decision of decisions) if (!inForce.has(decision.personId)) inForce.set(decision.personId, decision.granted);
  const votes = [...inForce.values()];
  return votes.includes(true) && !votes.includes(false);
}
