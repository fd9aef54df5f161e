import type { Role } from '../../storage/generated/enums.js';
import type { Database } from '../../storage/prisma.js';

/**
 * The children of the families where `personId` holds one of `roles`, youngest last: the only children a feature
 * may let them act on (plan calls with as a parent, get play reminders for as a caregiver).
 */
export function childrenInRole(db: Database, personId: string, roles: readonly Role[]): Promise<{ id: string; name: string }[]> {
  return db.child.findMany({
    where: { family: { members: { some: { personId, role: { in: [...roles] } } } } },
    select: { id: true, name: true },
    orderBy: { birthDate: 'asc' },
  });
}
