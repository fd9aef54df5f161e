/**
 * `npm run bench:roster [-- --families N --runs R]`
 *
 * The dashboard's family roster for a coordinator of N families (default 5,000): one cohort, each family a parent
 * and a grandmother on Telegram or WeChat (last messages spread over 60 days), a child in one of 40 kindergartens,
 * a call plan with calls logged this month, photo decisions. Each filter combination a coordinator uses is read
 * R times (default 20, after one untimed read) through `readRoster`, the page's own query, and so is the Engagement
 * page's breakdown by each grouping (parents in four countries' zones, grandmothers in 12 counties); median and p95
 * are printed. Target: p95 under 500 ms. Uses DATABASE_URL when set, else an embedded PostgreSQL; the database is created fresh and dropped at
 * the end. Human-readable figures first; the LAST line is one JSON object.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ENGAGEMENT_GROUPINGS, groupEngagement } from '../src/dashboard/engagement.js';
import { readRoster, type RosterFilters } from '../src/dashboard/roster.js';
import { loadViewer } from '../src/dashboard/viewer.js';
import { startLocalServices } from '../src/infra/local-services.js';
import { applyMigrations } from '../src/storage/migrate.js';
import { createPrismaClient } from '../src/storage/prisma.js';

const { values } = parseArgs({ options: { families: { type: 'string', default: '5000' }, runs: { type: 'string', default: '20' } } });
const families = Number(values.families);
const runs = Number(values.runs);
const TARGET_MS = 500;
const COORDINATOR_ID = '00000000-0000-4000-8000-00000000c001';
const COHORT_ID = '00000000-0000-4000-8000-00000000c002';

const services = await startLocalServices({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, dataDir: path.join(os.tmpdir(), 'kinbridge-bench-roster'), ephemeral: true });
const databaseName = `kinbridge_bench_roster_${Date.now()}`;
const admin = new pg.Client({ connectionString: services.databaseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${databaseName}`);
const databaseUrl = Object.assign(new URL(services.databaseUrl), { pathname: `/${databaseName}` }).toString();
await applyMigrations({ databaseUrl });
const db = createPrismaClient(databaseUrl);

try {
  const seeded = performance.now();
  await seed(databaseUrl, families);
  console.log(`seeded ${families} families in ${Math.round(performance.now() - seeded)} ms`);
  const viewer = (await loadViewer(db, COORDINATOR_ID, new Set()))!;
  const now = new Date();
  const cases: { name: string; filters: RosterFilters }[] = [
    { name: 'no filter', filters: {} },
    { name: 'cohort', filters: { cohortId: COHORT_ID } },
    { name: 'kindergarten', filters: { school: 'Kindergarten 7' } },
    { name: 'age 3-4', filters: { ageBand: '3-4' } },
    { name: 'wechat', filters: { app: 'wechat' } },
    { name: 'no photos', filters: { photoConsent: 'no' } },
    { name: 'silent 14 days', filters: { silentDays: 14 } },
    { name: 'all filters', filters: { cohortId: COHORT_ID, ageBand: '3-4', app: 'telegram', photoConsent: 'yes', silentDays: 7 } },
    { name: 'last page', filters: { page: Math.max(0, Math.ceil(families / 100) - 1) } },
  ];
  const results: Record<string, { medianMs: number; p95Ms: number; total: number }> = {};
  for (const { name, filters } of cases) {
    results[name] = await timed(runs, async () => (await readRoster(db, viewer, filters, now)).total);
    console.log(`${name.padEnd(26)} ${String(results[name].total).padStart(6)} families   median ${results[name].medianMs} ms   p95 ${results[name].p95Ms} ms`);
  }
  for (const grouping of ENGAGEMENT_GROUPINGS) {
    const name = `engagement by ${grouping}`;
    results[name] = await timed(runs, async () => (await groupEngagement(db, viewer, now, grouping)).length);
    console.log(`${name.padEnd(26)} ${String(results[name].total).padStart(6)} groups     median ${results[name].medianMs} ms   p95 ${results[name].p95Ms} ms`);
  }
  const worstP95 = Math.max(...Object.values(results).map((result) => result.p95Ms));
  console.log(`worst p95: ${worstP95} ms (target < ${TARGET_MS} ms): ${worstP95 < TARGET_MS ? 'met' : 'MISSED'}`);
  console.log(JSON.stringify({ families, runs, targetMs: TARGET_MS, worstP95Ms: worstP95, cases: results }));
} finally {
  await db.$disconnect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
  await services.stop();
}

/** Median and p95 of `runs` reads, after one untimed read: the first statement of a connection pays for planning and warming caches. */
async function timed(runs: number, read: () => Promise<number>): Promise<{ medianMs: number; p95Ms: number; total: number }> {
  let total = await read();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    total = await read();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: round(times[Math.floor(times.length / 2)]!), p95Ms: round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!), total };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** N families in set-based SQL (seconds, not minutes); ids are derived from the family's number. */
async function seed(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const id = (kind: string) => `md5('${kind}' || i)::uuid`;
  await client.query(`
    INSERT INTO "Person"(id, "displayName", "updatedAt") VALUES ('${COORDINATOR_ID}', 'Bench coordinator', now());
    INSERT INTO "Cohort"(id, name) VALUES ('${COHORT_ID}', 'Bench cohort');
    INSERT INTO "CohortCoordinator"("cohortId", "personId") VALUES ('${COHORT_ID}', '${COORDINATOR_ID}');
    INSERT INTO "Family"(id, name, "cohortId") SELECT ${id('f')}, 'Family ' || i, '${COHORT_ID}' FROM generate_series(1, ${count}) i;
    INSERT INTO "Person"(id, "displayName", "timeZone", "updatedAt")
      SELECT ${id('p')}, 'Parent ' || i, (ARRAY['Asia/Shanghai', 'Europe/Rome', 'Europe/Bucharest', 'Europe/Riga'])[1 + i % 4], now() FROM generate_series(1, ${count}) i;
    INSERT INTO "Person"(id, "displayName", city, "updatedAt") SELECT ${id('g')}, 'Grandmother ' || i, 'County ' || (i % 12), now() FROM generate_series(1, ${count}) i;
    INSERT INTO "FamilyMember"(id, "familyId", "personId", role) SELECT gen_random_uuid(), ${id('f')}, ${id('p')}, 'parent' FROM generate_series(1, ${count}) i;
    INSERT INTO "FamilyMember"(id, "familyId", "personId", role) SELECT gen_random_uuid(), ${id('f')}, ${id('g')}, 'caregiver' FROM generate_series(1, ${count}) i;
    INSERT INTO "ChannelIdentity"(id, channel, "externalId", "personId", "lastSeenAt")
      SELECT gen_random_uuid(), CASE WHEN i % 4 = 0 THEN 'wechat' ELSE 'telegram' END, 'p' || i, ${id('p')}, now() - (i % 60) * interval '1 day' FROM generate_series(1, ${count}) i;
    INSERT INTO "ChannelIdentity"(id, channel, "externalId", "personId", "lastSeenAt")
      SELECT gen_random_uuid(), 'wechat', 'g' || i, ${id('g')}, now() - (i % 45) * interval '1 day' FROM generate_series(1, ${count}) i;
    INSERT INTO "Child"(id, "familyId", name, "birthDate", kindergarten, "className", "cohortId")
      SELECT ${id('c')}, ${id('f')}, 'Child ' || i, (now() - (365 + i % 1800) * interval '1 day')::date, 'Kindergarten ' || (i % 40), 'Class ' || (i % 5), '${COHORT_ID}' FROM generate_series(1, ${count}) i;
    INSERT INTO "CallPlan"(id, "familyId", "parentId", "childId", "targetPerWeek", windows, "updatedAt")
      SELECT ${id('plan')}, ${id('f')}, ${id('p')}, ${id('c')}, 1 + i % 3, '[]', now() FROM generate_series(1, ${count}) i;
    INSERT INTO "CallLog"(id, "planId", "familyId", "parentId", "childId", "talkedAt")
      SELECT gen_random_uuid(), ${id('plan')}, ${id('f')}, ${id('p')}, ${id('c')}, date_trunc('month', now()) + (n * 2) * interval '1 hour' FROM generate_series(1, ${count}) i, generate_series(0, i % 4) n;
    INSERT INTO "Consent"(id, "personId", "familyId", kind, granted, "decidedAt")
      SELECT gen_random_uuid(), ${id('p')}, ${id('f')}, 'photo_sharing', i % 3 <> 0, now() - interval '10 days' FROM generate_series(1, ${count}) i;
    ANALYZE;`);
  await client.end();
}
