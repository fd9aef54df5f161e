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

/**
 * How a flow goes on with a person's children: `one` names the child, `several` offers them as choices, `none` when
 * there is nobody they may act for.
 */
export function childrenOutcome(children: readonly { id: string; name: string }[]): { outcome: 'one' | 'several' | 'none'; vars?: Record<string, unknown> } {
  if (children.length === 0) return { outcome: 'none' };
  if (children.length === 1) return { outcome: 'one', vars: { child_id: children[0]!.id, child_name: children[0]!.name } };
  return { outcome: 'several', vars: { child_choices: children.map((child) => ({ id: child.id, label: child.name })) } };
}
