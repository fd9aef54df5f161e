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
 * The families a viewer may see, narrowed by the filters, in one SQL statement (5,000 families well under half a
 * second: see `npm run bench:roster`). Photo consent is the family's newest decision per parent, as photosAllowed reads it.
 */
export async function readRoster(db: Database, viewer: Viewer, filters: RosterFilters, now: Date): Promise<{ rows: RosterRow[]; total: number }> {
  const monthStart = DateTime.fromJSDate(now, { zone: viewer.timeZone }).startOf('month').toJSDate();
  const conditions = [familyScopeSql(viewer), ...filterConditions(filters, now)];
  const where = Prisma.join(conditions, ' AND ');
  const rows = await db.$queryRaw<RosterRow[]>`
    WITH scoped AS (
      SELECT f.id, f.name, c.name AS "cohortName",
        (SELECT count(*)::int FROM "Child" ch WHERE ch."familyId" = f.id) AS children,
        (SELECT string_agg(DISTINCT concat_ws(' ', ch.kindergarten, ch."className"), ', ') FROM "Child" ch WHERE ch."familyId" = f.id AND (ch.kindergarten IS NOT NULL OR ch."className" IS NOT NULL)) AS schools,
        (SELECT array_agg(DISTINCT ci.channel) FROM "FamilyMember" m JOIN "ChannelIdentity" ci ON ci."personId" = m."personId" WHERE m."familyId" = f.id) AS apps,
        (SELECT max(ci."lastInboundAt") FROM "FamilyMember" m JOIN "ChannelIdentity" ci ON ci."personId" = m."personId" WHERE m."familyId" = f.id AND m.role IN ('parent', 'caregiver')) AS "lastContactAt",
        (SELECT count(*)::int FROM "CallPlan" p JOIN "CallLog" l ON l."planId" = p.id WHERE p."familyId" = f.id AND l."talkedAt" >= ${monthStart}) AS "callsThisMonth",
        ${photoConsentSql} AS "photoConsent"
      FROM "Family" f LEFT JOIN "Cohort" c ON c.id = f."cohortId"
      WHERE ${where}
    )
    SELECT * FROM scoped ORDER BY "lastContactAt" ASC NULLS FIRST, name, id
    LIMIT ${ROSTER_PAGE_SIZE} OFFSET ${(filters.page ?? 0) * ROSTER_PAGE_SIZE}`;
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`SELECT count(*)::int AS total FROM "Family" f WHERE ${where}`;
  return { rows, total };
}

/** A parent said yes in their newest decision and no parent's newest decision is no (family-wide or for a child). */
const photoConsentSql = Prisma.sql`(
  EXISTS (SELECT 1 FROM "Consent" x JOIN "FamilyMember" pm ON pm."personId" = x."personId" AND pm."familyId" = f.id AND pm.role = 'parent'
          WHERE x."familyId" = f.id AND x.kind = 'photo_sharing' AND x.granted
            AND NOT EXISTS (SELECT 1 FROM "Consent" y WHERE y."personId" = x."personId" AND y."familyId" = f.id AND y.kind = 'photo_sharing' AND y."decidedAt" > x."decidedAt"))
  AND NOT EXISTS (SELECT 1 FROM "Consent" x JOIN "FamilyMember" pm ON pm."personId" = x."personId" AND pm."familyId" = f.id AND pm.role = 'parent'
          WHERE x."familyId" = f.id AND x.kind = 'photo_sharing' AND NOT x.granted
            AND NOT EXISTS (SELECT 1 FROM "Consent" y WHERE y."personId" = x."personId" AND y."familyId" = f.id AND y.kind = 'photo_sharing' AND y."decidedAt" > x."decidedAt")))`;

function filterConditions(filters: RosterFilters, now: Date): Prisma.Sql[] {
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
  if (filters.photoConsent) conditions.push(filters.photoConsent === 'yes' ? photoConsentSql : Prisma.sql`NOT ${photoConsentSql}`);
  if (filters.silentDays !== undefined) {
    const since = new Date(now.getTime() - filters.silentDays * 86_400_000);
    conditions.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "FamilyMember" m JOIN "ChannelIdentity" ci ON ci."personId" = m."personId" WHERE m."familyId" = f.id AND m.role IN ('parent', 'caregiver') AND ci."lastInboundAt" >= ${since})`);
  }
  return conditions;
}

/** Children in an age band: born after `bornAfter` and on or before `bornBefore`. */
function birthRange(band: AgeBand, now: Date): { bornAfter: Date; bornBefore: Date } {
  const today = DateTime.fromJSDate(now, { zone: 'UTC' }).startOf('day');
  const [youngest, oldest] = band === '7+' ? [7, 150] : band.split('-').map(Number) as [number, number];
  return { bornAfter: today.minus({ years: oldest + 1 }).toJSDate(), bornBefore: today.minus({ years: youngest }).toJSDate() };
}
