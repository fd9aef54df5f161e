import { Prisma } from '../storage/generated/client.js';
import type { Database } from '../storage/prisma.js';

/**
 * Who is looking, and what they may see: a coordinator the families of the cohorts they coordinate, a teacher the
 * families they teach in, an admin everything. Every query of a page goes through `familyScope`.
 */
export interface Viewer {
  readonly id: string;
  readonly displayName: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly admin: boolean;
  readonly cohortIds: readonly string[];
  readonly taughtFamilyIds: readonly string[];
}

export async function loadViewer(db: Database, personId: string, admins: ReadonlySet<string>): Promise<Viewer | undefined> {
  const person = await db.person.findUnique({
    where: { id: personId },
    select: {
      id: true,
      displayName: true,
      locale: true,
      timeZone: true,
      coordinates: { select: { cohortId: true } },
      memberships: { where: { role: 'teacher' }, select: { familyId: true } },
    },
  });
  if (!person) return undefined;
  const viewer: Viewer = {
    id: person.id,
    displayName: person.displayName,
    locale: person.locale,
    timeZone: person.timeZone,
    admin: admins.has(person.id),
    cohortIds: person.coordinates.map((row) => row.cohortId),
    taughtFamilyIds: person.memberships.map((row) => row.familyId),
  };
  return isStaff(viewer) ? viewer : undefined;
}

export function isStaff(viewer: Viewer): boolean {
  return viewer.admin || viewer.cohortIds.length > 0 || viewer.taughtFamilyIds.length > 0;
}

/** The families a viewer may see, as a Prisma filter. */
export function familyScope(viewer: Viewer): Prisma.FamilyWhereInput {
  if (viewer.admin) return {};
  return { OR: [{ cohortId: { in: [...viewer.cohortIds] } }, { id: { in: [...viewer.taughtFamilyIds] } }] };
}

/** The same boundary in SQL, for the roster's one query over thousands of families (`family` is the alias). */
export function familyScopeSql(viewer: Viewer): Prisma.Sql {
  if (viewer.admin) return Prisma.sql`TRUE`;
  const cohorts = viewer.cohortIds.length > 0 ? Prisma.sql`f."cohortId" IN (${Prisma.join(viewer.cohortIds.map((id) => Prisma.sql`${id}::uuid`))})` : Prisma.sql`FALSE`;
  const taught = viewer.taughtFamilyIds.length > 0 ? Prisma.sql`f.id IN (${Prisma.join(viewer.taughtFamilyIds.map((id) => Prisma.sql`${id}::uuid`))})` : Prisma.sql`FALSE`;
  return Prisma.sql`(${cohorts} OR ${taught})`;
}

/** The cohorts a viewer works in (an admin: all), for filters and broadcast audiences. */
export async function visibleCohorts(db: Database, viewer: Viewer): Promise<{ id: string; name: string }[]> {
  return db.cohort.findMany({
    where: viewer.admin ? {} : { OR: [{ id: { in: [...viewer.cohortIds] } }, { families: { some: { id: { in: [...viewer.taughtFamilyIds] } } } }] },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
}
