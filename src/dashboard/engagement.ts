import { DateTime } from 'luxon';
import { isoWeekOf } from '../core/weeks.js';
import { Prisma } from '../storage/generated/client.js';
import type { Database } from '../storage/prisma.js';
import { familyScopeSql, type Viewer } from './viewer.js';
import { zoneCountryColumns } from './zone-countries.js';

/** The groups programme reports break figures down by. */
export const ENGAGEMENT_GROUPINGS = ['cohort', 'county', 'kindergarten', 'country'] as const;
export type EngagementGrouping = (typeof ENGAGEMENT_GROUPINGS)[number];

/** Figures of one group of families, none of them about one person: what programme reports and the CSV export carry. */
export interface GroupEngagement {
  /** The group's name (a cohort, a county, "kindergarten · class", a country code); "—" for families not placed in one. */
  readonly group: string;
  readonly families: number;
  readonly members: number;
  readonly active7: number;
  readonly active30: number;
  /** Calls logged in the last 7 days, against the weekly target of the families' plans. */
  readonly calls7: number;
  readonly targetPerWeek: number;
  /** Children reached by a play reminder over the engagement weeks, and those whose caregiver said one was done. */
  readonly playReached: number;
  readonly playDone: number;
}

export const NO_GROUP = '—';

export interface WeeklyCalls {
  /** Monday of the week, ISO date. */
  readonly week: string;
  readonly calls: number;
  /** What the families' plans aim at for a week (today's plans). */
  readonly target: number;
}

export interface PlayFunnelWeek {
  readonly week: string;
  readonly reached: number;
  readonly done: number;
}

export const ENGAGEMENT_WEEKS = 8;

/**
 * Which group each family falls in: its cohort; the county its children's caregivers live in (their city); each child's
 * kindergarten and class; the country of each parent (from their time zone). A family with two kindergartens or
 * parents in two countries counts in each, so a grouping's rows may add up to more than the cohort's.
 */
function familyGroups(grouping: EngagementGrouping): Prisma.Sql {
  switch (grouping) {
    case 'cohort':
      return Prisma.sql`SELECT f.id AS "familyId", c.name AS key FROM "Family" f LEFT JOIN "Cohort" c ON c.id = f."cohortId"`;
    case 'county':
      return Prisma.sql`SELECT f.id AS "familyId", p.city AS key FROM "Family" f
        LEFT JOIN "FamilyMember" m ON m."familyId" = f.id AND m.role = 'caregiver' LEFT JOIN "Person" p ON p.id = m."personId"`;
    case 'kindergarten':
      return Prisma.sql`SELECT f.id AS "familyId", nullif(concat_ws(' · ', ch.kindergarten, ch."className"), '') AS key FROM "Family" f
        LEFT JOIN "Child" ch ON ch."familyId" = f.id`;
    case 'country': {
      const { zones, codes } = zoneCountryColumns();
      return Prisma.sql`SELECT f.id AS "familyId", z.code AS key FROM "Family" f
        LEFT JOIN "FamilyMember" m ON m."familyId" = f.id AND m.role = 'parent' LEFT JOIN "Person" p ON p.id = m."personId"
        LEFT JOIN unnest(${zones}::text[], ${codes}::text[]) AS z(zone, code) ON z.zone = p."timeZone"`;
    }
  }
}

/** Active people, calls against targets and the play funnel per group of the viewer's families. */
export async function groupEngagement(db: Database, viewer: Viewer, now: Date, grouping: EngagementGrouping): Promise<GroupEngagement[]> {
  const since7 = new Date(now.getTime() - 7 * 86_400_000);
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const firstPlayWeek = isoWeekOf(DateTime.fromJSDate(now).minus({ weeks: ENGAGEMENT_WEEKS - 1 }).toJSDate(), viewer.timeZone);
  return db.$queryRaw<GroupEngagement[]>`
    WITH grouped AS (
      SELECT DISTINCT g."familyId", coalesce(g.key, ${NO_GROUP}) AS key FROM (${familyGroups(grouping)}) g JOIN "Family" f ON f.id = g."familyId"
      WHERE ${familyScopeSql(viewer)}
    ), people AS (
      SELECT g.key, count(DISTINCT g."familyId")::int AS families, count(DISTINCT m."personId")::int AS members,
        count(DISTINCT m."personId") FILTER (WHERE ci."lastSeenAt" >= ${since7})::int AS active7,
        count(DISTINCT m."personId") FILTER (WHERE ci."lastSeenAt" >= ${since30})::int AS active30
      FROM grouped g
        LEFT JOIN "FamilyMember" m ON m."familyId" = g."familyId" AND m.role IN ('parent', 'caregiver')
        LEFT JOIN "ChannelIdentity" ci ON ci."personId" = m."personId"
      GROUP BY g.key
    ), calls AS (
      SELECT g.key, count(*)::int AS calls7 FROM grouped g JOIN "CallLog" l ON l."familyId" = g."familyId" AND l."talkedAt" >= ${since7} GROUP BY g.key
    ), targets AS (
      SELECT g.key, sum(p."targetPerWeek")::int AS target FROM grouped g JOIN "CallPlan" p ON p."familyId" = g."familyId" GROUP BY g.key
    ), play AS (
      SELECT g.key, count(DISTINCT s."childId")::int AS reached, count(DISTINCT s."childId") FILTER (WHERE a.status = 'done')::int AS done
      FROM grouped g JOIN "Child" ch ON ch."familyId" = g."familyId" JOIN "PlaySchedule" s ON s."childId" = ch.id
        JOIN "PlayAssignment" a ON a."scheduleId" = s.id AND a.week >= ${firstPlayWeek}
      GROUP BY g.key
    )
    SELECT people.key AS "group", people.families, people.members, people.active7, people.active30,
      coalesce(calls.calls7, 0) AS calls7, coalesce(targets.target, 0) AS "targetPerWeek",
      coalesce(play.reached, 0) AS "playReached", coalesce(play.done, 0) AS "playDone"
    FROM people LEFT JOIN calls USING (key) LEFT JOIN targets USING (key) LEFT JOIN play USING (key)
    ORDER BY people.key = ${NO_GROUP}, people.key`;
}

/** Calls logged per week over the last weeks, against what the plans of the viewer's families aim at. */
export async function weeklyCalls(db: Database, viewer: Viewer, now: Date): Promise<WeeklyCalls[]> {
  const firstWeek = DateTime.fromJSDate(now, { zone: viewer.timeZone }).startOf('week').minus({ weeks: ENGAGEMENT_WEEKS - 1 });
  const scope = familyScopeSql(viewer);
  const [counts, [target]] = await Promise.all([
    db.$queryRaw<{ week: Date; calls: number }[]>`
      SELECT date_trunc('week', l."talkedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${viewer.timeZone}) AS week, count(*)::int AS calls
      FROM "CallLog" l JOIN "Family" f ON f.id = l."familyId"
      WHERE ${scope} AND l."talkedAt" >= ${firstWeek.toJSDate()}
      GROUP BY 1`,
    db.$queryRaw<[{ target: number }]>`SELECT coalesce(sum(p."targetPerWeek"), 0)::int AS target FROM "CallPlan" p JOIN "Family" f ON f.id = p."familyId" WHERE ${scope}`,
  ]);
  const byWeek = new Map(counts.map((row) => [DateTime.fromJSDate(row.week, { zone: 'UTC' }).toISODate(), row.calls]));
  return Array.from({ length: ENGAGEMENT_WEEKS }, (_, index) => {
    const week = firstWeek.plus({ weeks: index }).toISODate()!;
    return { week, calls: byWeek.get(week) ?? 0, target: target?.target ?? 0 };
  });
}

/** The play curriculum per ISO week: children reached by a reminder, and those whose caregiver said it was done. */
export async function playFunnel(db: Database, viewer: Viewer): Promise<PlayFunnelWeek[]> {
  const rows = await db.$queryRaw<PlayFunnelWeek[]>`
    SELECT a.week, count(DISTINCT s."childId")::int AS reached, count(DISTINCT s."childId") FILTER (WHERE a.status = 'done')::int AS done
    FROM "PlayAssignment" a JOIN "PlaySchedule" s ON s.id = a."scheduleId" JOIN "Child" ch ON ch.id = s."childId" JOIN "Family" f ON f.id = ch."familyId"
    WHERE ${familyScopeSql(viewer)}
    GROUP BY a.week ORDER BY a.week DESC LIMIT ${ENGAGEMENT_WEEKS}`;
  return rows.reverse();
}

/** Kept apart so a caller cannot forget the scope: the one query that names families, for an admin's export only. */
export async function familiesWithContact(db: Database, viewer: Viewer): Promise<{ family: string; cohort: string | null; lastContactAt: Date | null }[]> {
  if (!viewer.admin) return [];
  return db.$queryRaw`
    SELECT f.name AS family, c.name AS cohort, max(ci."lastSeenAt") AS "lastContactAt"
    FROM "Family" f LEFT JOIN "Cohort" c ON c.id = f."cohortId"
      LEFT JOIN "FamilyMember" m ON m."familyId" = f.id AND m.role IN ('parent', 'caregiver')
      LEFT JOIN "ChannelIdentity" ci ON ci."personId" = m."personId"
    GROUP BY f.id, f.name, c.name ORDER BY c.name, f.name`;
}
