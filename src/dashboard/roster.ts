import { DateTime } from 'luxon';
import { Prisma } from '../storage/generated/client.js';
import type { Database } from '../storage/prisma.js';
import { familyScopeSql, type Viewer } from './viewer.js';

/** What the roster can be narrowed by; every filter is optional. */
export interface RosterFilters {
  readonly cohortId?: string;
  /** Part of a kindergarten's or class's name. */
  readonly school?: string;
  readonly ageBand?: AgeBand;
  /** A channel one of the family's members uses. */
  readonly app?: string;
  readonly photoConsent?: 'yes' | 'no';
  /** No message from a parent or caregiver for at least this many days. */
  readonly silentDays?: number;
  readonly page?: number;
}

export const AGE_BANDS = ['0-2', '3-4', '5-6', '7+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export interface RosterRow {
  readonly id: string;
  readonly name: string;
  readonly cohortName: string | null;
  readonly children: number;
  readonly schools: string | null;
  readonly apps: string[] | null;
  readonly lastContactAt: Date | null;
  readonly callsThisMonth: number;
  readonly photoConsent: boolean;
}

export const ROSTER_PAGE_SIZE = 100;

/**
 * The families a viewer may see, narrowed by the filters, one page of them, in one SQL statement (5,000 families well
 * under half a second: see `npm run bench:roster`). Set-based: the sort key (last contact) and the flags that filter
 * are grouped once over the scoped families; what only the page shows (children, schools, calls) is read for its rows.
 * Photos count as allowed when a parent's newest decision (per child, or for the whole family) is yes and none is no.
 */
export async function readRoster(db: Database, viewer: Viewer, filters: RosterFilters, now: Date): Promise<{ rows: RosterRow[]; total: number }> {
  const monthStart = DateTime.fromJSDate(now, { zone: viewer.timeZone }).startOf('month').toJSDate();
  const rows = await db.$queryRaw<(RosterRow & { total: number })[]>`
    WITH scoped AS (
      SELECT f.id, f.name, f."cohortId" FROM "Family" f WHERE ${Prisma.join([familyScopeSql(viewer), ...familyConditions(filters, now)], ' AND ')}
    ), contact AS (
      SELECT m."familyId", max(ci."lastSeenAt") FILTER (WHERE m.role IN ('parent', 'caregiver')) AS "lastContactAt", array_agg(DISTINCT ci.channel) AS apps
      FROM scoped s JOIN "FamilyMember" m ON m."familyId" = s.id JOIN "ChannelIdentity" ci ON ci."personId" = m."personId"
      GROUP BY m."familyId"
    ), decisions AS (
      SELECT DISTINCT ON (x."familyId", x."personId", x."childId") x."familyId", x.granted
      FROM scoped s JOIN "Consent" x ON x."familyId" = s.id AND x.kind = 'photo_sharing'
        JOIN "FamilyMember" pm ON pm."familyId" = x."familyId" AND pm."personId" = x."personId" AND pm.role = 'parent'
      ORDER BY x."familyId", x."personId", x."childId", x."decidedAt" DESC
    ), photos AS (
      SELECT "familyId", bool_or(granted) AND NOT bool_or(NOT granted) AS allowed FROM decisions GROUP BY "familyId"
    ), matching AS (
      SELECT s.id, s.name, s."cohortId", c."lastContactAt", c.apps, coalesce(p.allowed, false) AS "photoConsent"
      FROM scoped s LEFT JOIN contact c ON c."familyId" = s.id LEFT JOIN photos p ON p."familyId" = s.id
      WHERE ${Prisma.join(summaryConditions(filters, now), ' AND ')}
    ), page AS (
      SELECT *, count(*) OVER ()::int AS total FROM matching
      ORDER BY "lastContactAt" ASC NULLS FIRST, name, id
      LIMIT ${ROSTER_PAGE_SIZE} OFFSET ${(filters.page ?? 0) * ROSTER_PAGE_SIZE}
    )
    SELECT page.*, co.name AS "cohortName",
      (SELECT count(*)::int FROM "Child" ch WHERE ch."familyId" = page.id) AS children,
      (SELECT string_agg(DISTINCT concat_ws(' ', ch.kindergarten, ch."className"), ', ') FROM "Child" ch WHERE ch."familyId" = page.id AND (ch.kindergarten IS NOT NULL OR ch."className" IS NOT NULL)) AS schools,
      (SELECT count(*)::int FROM "CallLog" l WHERE l."familyId" = page.id AND l."talkedAt" >= ${monthStart}) AS "callsThisMonth"
    FROM page LEFT JOIN "Cohort" co ON co.id = page."cohortId"
    ORDER BY page."lastContactAt" ASC NULLS FIRST, page.name, page.id`;
  const total = rows[0]?.total ?? (filters.page ? (await readRoster(db, viewer, { ...filters, page: 0 }, now)).total : 0);
  return { rows: rows.map(({ total: _total, ...row }) => row), total };
}

/** Filters on the family itself, its children and its members' apps. */
function familyConditions(filters: RosterFilters, now: Date): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.cohortId) conditions.push(Prisma.sql`f."cohortId" = ${filters.cohortId}::uuid`);
  if (filters.school) {
    const pattern = `%${filters.school.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Child" ch WHERE ch."familyId" = f.id AND (ch.kindergarten ILIKE ${pattern} OR ch."className" ILIKE ${pattern}))`);
  }
  if (filters.ageBand) {
    const { bornAfter, bornBefore } = birthRange(filters.ageBand, now);
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Child" ch WHERE ch."familyId" = f.id AND ch."birthDate" > ${bornAfter} AND ch."birthDate" <= ${bornBefore})`);
  }
  if (filters.app) conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "FamilyMember" m JOIN "ChannelIdentity" ci ON ci."personId" = m."personId" WHERE m."familyId" = f.id AND ci.channel = ${filters.app})`);
  return conditions;
}

/** Filters on what is summed up per family: photo consent and the last message from home. */
function summaryConditions(filters: RosterFilters, now: Date): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filters.photoConsent) conditions.push(filters.photoConsent === 'yes' ? Prisma.sql`coalesce(p.allowed, false)` : Prisma.sql`NOT coalesce(p.allowed, false)`);
  if (filters.silentDays !== undefined) {
    const since = new Date(now.getTime() - filters.silentDays * 86_400_000);
    conditions.push(Prisma.sql`(c."lastContactAt" IS NULL OR c."lastContactAt" < ${since})`);
  }
  return conditions;
}

/** Children in an age band: born after `bornAfter` and on or before `bornBefore`. */
function birthRange(band: AgeBand, now: Date): { bornAfter: Date; bornBefore: Date } {
  const today = DateTime.fromJSDate(now, { zone: 'UTC' }).startOf('day');
  const [youngest, oldest] = band === '7+' ? [7, 150] : band.split('-').map(Number) as [number, number];
  return { bornAfter: today.minus({ years: oldest + 1 }).toJSDate(), bornBefore: today.minus({ years: youngest }).toJSDate() };
}
