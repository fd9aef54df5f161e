/**
 * `npm run bench:schedule [-- --reminders N --window S --concurrency C --scheduler-sample F --tolerance T --rate R
 *   --designs index,schedulers]`
 *
 * N weekly reminders (one per person) across five time zones, at the local times people pick (most in the evening,
 * on quarter hours), are scheduled with each of two designs:
 *   - due-time index (the product's, src/scheduling/): rows in PostgreSQL, each with a tolerance of T seconds (call
 *     nudges: 15 minutes) and a send plan that spreads a burst over it at R reminders a second; one BullMQ job
 *     scheduler sweeping every second, each reminder handed to a BullMQ job at its planned time. Measured end to end:
 *     the whole app runs the reminder's flow, whose message goes through the outbox and the Telegram adapter, at
 *     Telegram's own limits (30 messages/s), to the fake Bot API (test/support/fake-telegram.ts); lateness is the
 *     message's ARRIVAL there minus its due time, and "on time" means it arrived within its tolerance: no earlier
 *     than T seconds before its due time, no later than the due time's own second;
 *   - per-person BullMQ job schedulers: one cron job scheduler per reminder, in the person's zone; lateness is
 *     handler start minus due time (no sending), as a lower bound of what that design would deliver.
 * Redis memory is measured on a redis-server of its own (INFO used_memory, above an empty server), so nothing else
 * on the machine counts. PostgreSQL load comes from pg_stat_database of the bench's own database.
 *
 * Time compression: a real week would take a week. The whole week is loaded (so index sizes and memory are real),
 * rotated so that everything but its busiest instant lies between one hour and a week ahead; then the reminders of
 * the busiest instant — thousands due in the same second — are scheduled for a few seconds from now, and that
 * stretch is run in real time until all of them fired (or S seconds after their due time passed). Lateness is
 * measured on every one of them — one still waiting at the end counts as later than S seconds; the rest of the week
 * is the same work, less crowded. With a tolerance, the busiest instant is due T seconds later, so that all of its
 * tolerance lies ahead: the run then takes T seconds more.
 *
 * Creating a BullMQ job scheduler costs a few Lua round trips (about 600 a second here), so a million would take half
 * an hour: that design gets every reminder of the busiest instant (lateness is measured on the real burst) plus a
 * sample F of the rest, and its Redis memory is scaled from the sample to N (it grows linearly: one scheduler
 * hash and one delayed job per reminder).
 *
 * Uses DATABASE_URL when set, else an embedded PostgreSQL; always its own redis-server child. The database is
 * created fresh and dropped at the end. Human-readable figures first; the LAST line is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { createKinbridge } from '../src/app.js';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { systemClock } from '../src/core/clock.js';
import { createLogger } from '../src/core/logger.js';
import type { ReminderRequest } from '../src/core/reminders.js';
import { startLocalRedis } from '../src/infra/local-redis.js';
import { startLocalServices } from '../src/infra/local-services.js';
import { ReminderStore } from '../src/scheduling/reminder-store.js';
import { QueueFactory } from '../src/infra/queue-factory.js';
import { applyMigrations } from '../src/storage/migrate.js';
import { createPrismaClient } from '../src/storage/prisma.js';
import { FakeTelegram } from '../test/support/fake-telegram.js';
import { createFlowWorkspace } from '../test/support/flow-workspace.js';
import { withAdminClient } from '../test/support/postgres-admin.js';

const ZONES: readonly { zone: string; share: number }[] = [
  { zone: 'Asia/Shanghai', share: 0.6 },
  { zone: 'Europe/Rome', share: 0.2 },
  { zone: 'Europe/Bucharest', share: 0.1 },
  { zone: 'Europe/Madrid', share: 0.05 },
  { zone: 'Asia/Dubai', share: 0.05 },
];
/** Most call nudges sit just before evening windows; the rest anywhere on a quarter hour from 08:00 to 21:45. */
const EVENING_SHARE = 0.6;
const EVENING_MINUTES = [19 * 60, 19 * 60 + 30, 20 * 60, 20 * 60 + 30];
const WEEK_MS = 7 * 86_400_000;
/** The busiest instant comes due this long after the load, so both designs start from rest. */
const LEAD_MS = 40_000;
/** The rest of the week starts this far ahead, well after the measured stretch. */
const REST_OF_WEEK_AHEAD_MS = 3_600_000;
const LOAD_CONCURRENCY = 400;
/** The people of the busiest instant get Telegram chats from here on. */
const FIRST_CHAT_ID = 1_000_000;
/** The reminder each person gets: one message, as a call nudge is. */
const NUDGE_FLOW = `
id: bench-nudge
steps:
  - id: say
    end: { text: test:nudge }
`;
const NUDGE_TEXTS = { nudge: 'Soon it is a good time to call.' };

interface Options {
  readonly reminders: number;
  readonly windowSeconds: number;
  readonly concurrency: number;
  readonly schedulerSample: number;
  readonly toleranceSeconds: number;
  readonly sendsPerSecond: number;
  readonly designs: readonly string[];
}

interface Figures {
  readonly design: string;
  readonly reminders: number;
  /** How many were really scheduled (the job-scheduler design loads a sample); Redis memory is scaled to `reminders`. */
  readonly loaded: number;
  readonly loadSeconds: number;
  readonly fired: number;
  readonly expectedInWindow: number;
  readonly latenessP50Ms: number | null;
  readonly latenessP99Ms: number | null;
  readonly latenessMaxMs: number | null;
  /** Share of the busiest instant that arrived within its tolerance (the index design, which sends). */
  readonly onTimeShare: number | null;
  /** The most messages the fake Bot API received in one second. */
  readonly busiestSecondArrivals: number | null;
  readonly earliestMs: number | null;
  readonly redisMbAtRest: number;
  readonly redisMbPeak: number;
  readonly pgQueriesPerMinute: number;
  readonly pgRowsWrittenPerMinute: number;
  readonly pgRowsReadPerMinute: number;
}

/** One person's weekly reminder: how long after the week's busiest instant it comes (0 for that instant itself). */
interface Planned {
  readonly personId: string;
  readonly zone: string;
  readonly offsetMs: number;
}

interface Week {
  readonly planned: readonly Planned[];
  readonly peakCount: number;
  /** Where the rest of the week is anchored: its reminders are due at restStart + offsetMs. */
  readonly restStart: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      reminders: { type: 'string', default: '1000000' },
      window: { type: 'string', default: '120' },
      concurrency: { type: 'string', default: '64' },
      'scheduler-sample': { type: 'string', default: '0.05' },
      tolerance: { type: 'string', default: '900' },
      rate: { type: 'string', default: '25' },
      designs: { type: 'string', default: 'index,schedulers' },
    },
  });
  return {
    reminders: Number(values.reminders),
    windowSeconds: Number(values.window),
    concurrency: Number(values.concurrency),
    schedulerSample: Number(values['scheduler-sample']),
    toleranceSeconds: Number(values.tolerance),
    sendsPerSecond: Number(values.rate),
    designs: values.designs.split(','),
  };
}

const log = (message: string): void => console.error(`[bench:schedule] ${message}`);

async function main(): Promise<void> {
  const options = readOptions();
  const redis = await startLocalRedis();
  const services = await startLocalServices({ databaseUrl: process.env.DATABASE_URL, redisUrl: redis.url, dataDir: os.tmpdir(), ephemeral: true, logger: { info: log } });
  const databaseName = `kinbridge_bench_schedule_${process.pid}`;
  await withAdminClient(services.databaseUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`));
  const databaseUrl = withDatabase(services.databaseUrl, databaseName);
  try {
    await applyMigrations({ databaseUrl });
    const week = planWeek(options.reminders);
    log(`${options.reminders} reminders; the busiest instant of the week holds ${week.peakCount}`);
    await createPeople(databaseUrl, week.planned);
    const results: Figures[] = [];
    if (options.designs.includes('index')) results.push(await benchDueTimeIndex(options, databaseUrl, redis.url, week));
    await flush(redis.url);
    if (options.designs.includes('schedulers')) results.push(await benchJobSchedulers(options, redis.url, week));
    report(options, results);
  } finally {
    await withAdminClient(services.databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(databaseName)} WITH (FORCE)`));
    await services.stop();
    await redis.stop();
  }
}

/** Reminders over one week from a deterministic pseudo-random draw, placed relative to the busiest instant. */
function planWeek(count: number): Week {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const weekStart = DateTime.utc().startOf('week');
  const instantCache = new Map<string, number>();
  const drafts = Array.from({ length: count }, () => {
    let pick = random();
    const zone = ZONES.find((z) => (pick -= z.share) < 0)?.zone ?? ZONES[0]!.zone;
    const minute = random() < EVENING_SHARE ? EVENING_MINUTES[Math.floor(random() * EVENING_MINUTES.length)]! : 8 * 60 + 15 * Math.floor(random() * 56);
    const weekday = 1 + Math.floor(random() * 7);
    const key = `${zone}|${weekday}|${minute}`;
    let at = instantCache.get(key);
    if (at === undefined) {
      const local = weekStart.setZone(zone, { keepLocalTime: true }).plus({ days: weekday - 1 }).set({ hour: Math.floor(minute / 60), minute: minute % 60 });
      at = weekStart.toMillis() + ((((local.toMillis() - weekStart.toMillis()) % WEEK_MS) + WEEK_MS) % WEEK_MS);
      instantCache.set(key, at);
    }
    return { zone, at };
  });
  const perInstant = new Map<number, number>();
  for (const { at } of drafts) perInstant.set(at, (perInstant.get(at) ?? 0) + 1);
  const [peak, peakCount] = [...perInstant.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  const planned = drafts.map(({ zone, at }) => ({ personId: randomUUID(), zone, offsetMs: (((at - peak) % WEEK_MS) + WEEK_MS) % WEEK_MS }));
  return { planned, peakCount, restStart: wholeMinute(Date.now() + REST_OF_WEEK_AHEAD_MS) };
}

/** Whole minutes keep cron patterns exact for the job-scheduler design. */
function wholeMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

/** Loads the rest of the week, then the busiest instant for LEAD_MS from now; returns when that instant is due. */
async function loadWeek(
  week: Week,
  schedule: (batch: readonly Planned[], dueAt: (p: Planned) => number) => Promise<void>,
  aheadMs = 0,
): Promise<{ peakAt: number; loadSeconds: number }> {
  const started = performance.now();
  await schedule(week.planned.filter((p) => p.offsetMs > 0), (p) => week.restStart + p.offsetMs);
  const peakAt = wholeMinute(Date.now() + LEAD_MS + aheadMs);
  await schedule(week.planned.filter((p) => p.offsetMs === 0), () => peakAt);
  return { peakAt, loadSeconds: seconds(started) };
}

async function createPeople(databaseUrl: string, planned: readonly Planned[]): Promise<void> {
  const started = performance.now();
  await withAdminClient(databaseUrl, async (client) => {
    for (let start = 0; start < planned.length; start += 50_000) {
      const chunk = planned.slice(start, start + 50_000);
      await client.query(
        `INSERT INTO "Person" ("id", "displayName", "timeZone", "updatedAt") SELECT id, 'bench', zone, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, zone)`,
        [chunk.map((p) => p.personId), chunk.map((p) => p.zone)],
      );
    }
    const peak = planned.filter((p) => p.offsetMs === 0);
    await client.query(
      `INSERT INTO "ChannelIdentity" ("id", "channel", "externalId", "personId") SELECT gen_random_uuid(), 'telegram', chat, id FROM unnest($1::uuid[], $2::text[]) AS t(id, chat)`,
      [peak.map((p) => p.personId), peak.map((_, i) => String(FIRST_CHAT_ID + i))],
    );
  });
  log(`people created in ${seconds(started)} s`);
}

async function benchDueTimeIndex(options: Options, databaseUrl: string, redisUrl: string, week: Week): Promise<Figures> {
  const db = createPrismaClient(databaseUrl);
  const store = new ReminderStore(db, systemClock, { sendsPerSecond: options.sendsPerSecond });
  const { peakAt, loadSeconds } = await loadWeek(
    week,
    async (batch, dueAt) => {
      const requests: ReminderRequest[] = batch.map((p) => ({
        subject: `bench:${p.personId}`,
        occurrence: 'weekly',
        personId: p.personId,
        flowId: 'bench-nudge',
        at: { instant: new Date(dueAt(p)) },
        toleranceSeconds: options.toleranceSeconds,
      }));
      await runLimited(chunks(requests, 20_000), 4, (chunk) => store.schedule(chunk));
    },
    options.toleranceSeconds * 1000,
  );
  await db.$disconnect();
  log(`due-time index: loaded in ${loadSeconds} s; the busiest instant is due at ${new Date(peakAt).toISOString()}`);

  const baseline = await usedMemory(redisUrl);
  const telegram = await FakeTelegram.start();
  const workspace = createFlowWorkspace({ 'bench-nudge.yaml': NUDGE_FLOW }, { en: NUDGE_TEXTS, 'zh-CN': NUDGE_TEXTS });
  const app = await createKinbridge({
    databaseUrl,
    redisUrl,
    redisPrefix: 'bench-index',
    channels: [new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot })],
    logger: createLogger('error'),
    flowsDir: workspace.flowsDir,
    localesDir: workspace.localesDir,
    scheduleRecurringJobs: false,
    reminderSendsPerSecond: options.sendsPerSecond,
  });
  const lateness: number[] = [];
  const arrivals: number[] = [];
  const stopListening = telegram.onSent(() => {
    const now = Date.now();
    arrivals.push(now);
    lateness.push(now - peakAt);
  });
  const before = await databaseStats(databaseUrl);
  const measured = await measureWindow(options, redisUrl, peakAt, week.peakCount, lateness, () => app.start());
  stopListening();
  await app.stop();
  await telegram.close();
  const after = await databaseStats(databaseUrl);
  const minutes = measured.elapsedMs / 60_000;
  return {
    design: `due-time index in PostgreSQL + one BullMQ job scheduler (chosen), send plan at ${options.sendsPerSecond}/s, tolerance ${options.toleranceSeconds} s`,
    reminders: week.planned.length,
    loaded: week.planned.length,
    loadSeconds,
    ...latenessFigures(lateness, week.peakCount),
    ...deliveryFigures(lateness, arrivals, week.peakCount, options.toleranceSeconds * 1000),
    redisMbAtRest: mb(measured.restBytes - baseline),
    redisMbPeak: mb(measured.peakBytes - baseline),
    pgQueriesPerMinute: Math.round((after.xacts - before.xacts) / minutes),
    pgRowsWrittenPerMinute: Math.round((after.written - before.written) / minutes),
    pgRowsReadPerMinute: Math.round((after.read - before.read) / minutes),
  };
}

async function benchJobSchedulers(options: Options, redisUrl: string, week: Week): Promise<Figures> {
  const connection = QueueFactory.connectionFor(redisUrl);
  const baseline = await usedMemory(redisUrl);
  const queue = new Queue('bench-schedulers', { connection, prefix: 'bench-schedulers' });
  const every = Math.max(1, Math.round(1 / options.schedulerSample));
  const sample = { ...week, planned: week.planned.filter((p, i) => p.offsetMs === 0 || i % every === 0) };
  const { peakAt, loadSeconds } = await loadWeek(sample, (batch, dueAt) =>
    runLimited(batch, LOAD_CONCURRENCY, async (p) => {
      const local = DateTime.fromMillis(dueAt(p), { zone: p.zone });
      const pattern = `${local.minute} ${local.hour} * * ${local.weekday % 7}`;
      await queue.upsertJobScheduler(`r:${p.personId}`, { pattern, tz: p.zone }, { name: 'fire', data: { personId: p.personId }, opts: { removeOnComplete: true } });
    }),
  );
  log(`per-person job schedulers: ${sample.planned.length} loaded in ${loadSeconds} s`);

  const lateness: number[] = [];
  let worker: Worker | undefined;
  const measured = await measureWindow(options, redisUrl, peakAt, week.peakCount, lateness, async () => {
    worker = new Worker(
      'bench-schedulers',
      async (job) => {
        lateness.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
      },
      { connection, prefix: 'bench-schedulers', concurrency: options.concurrency },
    );
  });
  await worker?.close();
  await queue.close();
  return {
    design: 'per-person BullMQ job schedulers',
    reminders: week.planned.length,
    loaded: sample.planned.length,
    loadSeconds,
    ...latenessFigures(lateness, week.peakCount),
    onTimeShare: null,
    busiestSecondArrivals: null,
    redisMbAtRest: mb(((measured.restBytes - baseline) * week.planned.length) / sample.planned.length),
    redisMbPeak: mb(((measured.peakBytes - baseline) * week.planned.length) / sample.planned.length),
    pgQueriesPerMinute: 0,
    pgRowsWrittenPerMinute: 0,
    pgRowsReadPerMinute: 0,
  };
}

/** Starts the design's workers and runs the busiest stretch of the week in real time, sampling Redis memory. */
async function measureWindow(
  options: Options,
  redisUrl: string,
  peakAt: number,
  peakCount: number,
  lateness: readonly number[],
  start: () => Promise<void>,
): Promise<{ restBytes: number; peakBytes: number; elapsedMs: number }> {
  const restBytes = await usedMemory(redisUrl);
  let peakBytes = restBytes;
  const sampler = setInterval(() => void usedMemory(redisUrl).then((bytes) => (peakBytes = Math.max(peakBytes, bytes))), 250);
  const started = Date.now();
  await start();
  const end = Math.max(peakAt + options.windowSeconds * 1000, Date.now() + 5_000);
  while (Date.now() < end && lateness.length < peakCount) await sleep(100);
  clearInterval(sampler);
  log(`fired ${lateness.length} of the ${peakCount} due at the busiest instant`);
  return { restBytes, peakBytes, elapsedMs: Date.now() - started };
}

function latenessFigures(
  lateness: readonly number[],
  expected: number,
): Pick<Figures, 'fired' | 'expectedInWindow' | 'latenessP50Ms' | 'latenessP99Ms' | 'latenessMaxMs' | 'earliestMs'> {
  const sorted = [...lateness].sort((a, b) => a - b);
  // Reminders that never fired in the window are later than anything measured: null ("more than the window").
  const at = (q: number): number | null => sorted[Math.ceil(q * expected) - 1] ?? null;
  return { fired: sorted.length, expectedInWindow: expected, latenessP50Ms: at(0.5), latenessP99Ms: at(0.99), latenessMaxMs: at(1), earliestMs: sorted[0] ?? null };
}

/**
 * On time: arrived no earlier than the tolerance before the due time, and within the due time's own second (the
 * platform counts whole seconds; the plan may use the due second itself). Also the most arrivals in one second.
 */
function deliveryFigures(lateness: readonly number[], arrivals: readonly number[], expected: number, toleranceMs: number): Pick<Figures, 'onTimeShare' | 'busiestSecondArrivals'> {
  const onTime = lateness.filter((ms) => ms >= -toleranceMs && ms < 1000).length;
  const perSecond = new Map<number, number>();
  for (const at of arrivals) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return { onTimeShare: Math.round((onTime / expected) * 10_000) / 10_000, busiestSecondArrivals: Math.max(0, ...perSecond.values()) };
}

function report(options: Options, results: readonly Figures[]): void {
  for (const r of results) {
    console.log(r.design);
    console.log(`  reminders loaded        ${r.loaded} of ${r.reminders} in ${r.loadSeconds} s`);
    console.log(`  fired at the peak       ${r.fired} of ${r.expectedInWindow} due in the same second`);
    const ms = (value: number | null): string => (value === null ? `> ${options.windowSeconds * 1000}` : String(value));
    console.log(`  lateness p50 / p99 / max ${ms(r.latenessP50Ms)} / ${ms(r.latenessP99Ms)} / ${ms(r.latenessMaxMs)} ms (earliest ${ms(r.earliestMs)} ms; negative: early)`);
    if (r.onTimeShare !== null) {
      console.log(`  arrived on time         ${(r.onTimeShare * 100).toFixed(2)} % (within the tolerance; at most ${r.busiestSecondArrivals} arrivals in one second)`);
    }
    console.log(`  Redis memory            ${r.redisMbAtRest} MB at rest, ${r.redisMbPeak} MB at the peak (for ${r.reminders})`);
    console.log(`  PostgreSQL per minute   ${r.pgQueriesPerMinute} queries, ${r.pgRowsWrittenPerMinute} rows written, ${r.pgRowsReadPerMinute} rows read`);
  }
  console.log(JSON.stringify({ bench: 'schedule', windowSeconds: options.windowSeconds, toleranceSeconds: options.toleranceSeconds, sendsPerSecond: options.sendsPerSecond, load: os.loadavg(), results }));
}

async function databaseStats(databaseUrl: string): Promise<{ xacts: number; written: number; read: number }> {
  // Backends flush their counters at most once a second, idle ones after ten: wait them out for exact deltas.
  await sleep(11_000);
  const rows = await withAdminClient(databaseUrl, (client) =>
    client.query<{ xacts: string; written: string; read: string }>(
      `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written, tup_fetched AS read
       FROM pg_stat_database WHERE datname = current_database()`,
    ),
  );
  const row = rows.rows[0]!;
  return { xacts: Number(row.xacts), written: Number(row.written), read: Number(row.read) };
}

async function usedMemory(redisUrl: string): Promise<number> {
  const client = new Redis(redisUrl);
  try {
    return Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  } finally {
    client.disconnect();
  }
}

async function flush(redisUrl: string): Promise<void> {
  const client = new Redis(redisUrl);
  await client.flushall();
  client.disconnect();
}

async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

await main();
