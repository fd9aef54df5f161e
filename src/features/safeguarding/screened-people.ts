import type { Database } from '../../storage/prisma.js';

/** A family whose coordinators hear of what one of its members wrote. */
export interface ScreenedFamily {
  readonly familyId: string;
  /** Set when the family has exactly one child, so the alert names that child. */
  readonly childId?: string;
}

/**
 * The families an alert about what someone wrote goes to: those where they are a parent or caregiver. Staff are not
 * screened — a coordinator writing a broadcast about safety, or a teacher, must never set off an alert about a family.
 */
export async function familiesToScreen(db: Database, personId: string): Promise<ScreenedFamily[]> {
  const rows = await db.$queryRaw<{ familyId: string; children: string[] }[]>`
    SELECT DISTINCT m."familyId"::text AS "familyId",
      ARRAY(SELECT c."id"::text FROM "Child" AS c WHERE c."familyId" = m."familyId") AS "children"
    FROM "FamilyMember" AS m
    WHERE m."personId" = ${personId}::uuid AND m."role" IN ('parent', 'caregiver')
      AND NOT EXISTS (SELECT 1 FROM "CohortCoordinator" AS k WHERE k."personId" = ${personId}::uuid)`;
  return rows.map(({ familyId, children }) => ({ familyId, ...(children.length === 1 ? { childId: children[0]! } : {}) }));
}
