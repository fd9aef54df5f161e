import { DateTime } from 'luxon';
import type { Database } from '../storage/prisma.js';
import { familyScopeSql, type Viewer } from './viewer.js';

/** Figures per cohort, none of them about one person: what programme reports and the CSV export carry. */
export interface CohortEngagement {
  readonly cohort: string;
  readonly families: number;
  readonly members: number;
  readonly active7: number;
  readonly active30: number;
}

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

/** People who wrote to the bot in the last 7 and 30 days, per cohort of the viewer's families. */
export async function cohortEngagement(db: Database, viewer: Viewer, now: Date): Promise<CohortEngagement[]> {
  const since7 = new Date(now.getTime() - 7 * 86_400_000);
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  return db.$queryRaw<CohortEngagement[]>`
    SELECT coalesce(c.name, '—') AS cohort,
      count(DISTINCT f.id)::int AS families,
      count(DISTINCT m."personId")::int AS members,
      count(DISTINCT m."personId") FILTER (WHERE ci."lastInboundAt" >= ${since7})::int AS active7,
      count(DISTINCT m."personId") FILTER (WHERE ci."lastInboundAt" >= ${since30})::int AS active30
    FROM "Family" f
      LEFT JOIN "Cohort" c ON c.id = f."cohortId"
      LEFT JOIN "FamilyMember" m ON m."familyId" = f.id AND m.role IN ('parent', 'caregiver')
      LEFT JOIN "ChannelIdentity" ci ON ci."personId" = m."personId"
    WHERE ${familyScopeSql(viewer)}
    GROUP BY c.name ORDER BY c.name`;
}

/** Calls logged per week over the last weeks, against what the plans of the viewer's families aim at. */
export async function weeklyCalls(db: Database, viewer: Viewer, now: Date): Promise<WeeklyCalls[]> {
  const firstWeek = DateTime.fromJSDate(now, { zone: viewer.timeZone }).startOf('week').minus({ weeks: ENGAGEMENT_WEEKS - 1 });
  const scope = familyScopeSql(viewer);
  const [counts, [target]] = await Promise.all([
    db.$queryRaw<{ week: Date; calls: number }[]>`
      SELECT date_trunc('week', l."talkedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${viewer.timeZone}) AS week, count(*)::int AS calls
      FROM "CallLog" l JOIN "CallPlan" p ON p.id = l."planId" JOIN "Family" f ON f.id = p."familyId"
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
    SELECT f.name AS family, c.name AS cohort, max(ci."lastInboundAt") AS "lastContactAt"
    FROM "Family" f LEFT JOIN "Cohort" c ON c.id = f."cohortId"
      LEFT JOIN "FamilyMember" m ON m."familyId" = f.id AND m.role IN ('parent', 'caregiver')
      LEFT JOIN "ChannelIdentity" ci ON ci."personId" = m."personId"
    GROUP BY f.id, f.name, c.name ORDER BY c.name, f.name`;
}
