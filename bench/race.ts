/**
 * `npm run bench:race [-- --people 200,1000 --rounds 2 --warmup 20]`
 *
 * Kinbridge and a peer written the way grammY's documentation recommends (bench/peers/grammy-peer.ts:
 * conversations + runner + PostgreSQL storage) hold the same four-step check-in against the same fake Telegram Bot
 * API (test/support/fake-telegram.ts, real HTTP long polling): /checkin → a number → one of three buttons → a free
 * text → "Thank you, saved.". N simulated people talk at once in a closed loop (each answers as soon as the bot has
 * asked). Contenders run alternately, one at a time, each in its own child process on a fresh database, R rounds per N.
 * Before measuring, W warm-up people (default 20) hold the same check-in, so neither contender is timed while it
 * compiles its code paths on first use.
 *
 * Per run: updates/s (4N over the wall time), p50/p99 of the time from an update being queued to the bot's answer
 * arriving, CPU ms per update of the contender's process and of PostgreSQL and Redis (read from /proc), its peak RSS, and the transactions committed in its own
 * database per update (the statistics collector's count, which includes its sweeps while the run lasts), and the
 * statements it sent per update (round trips, counted in the contender's node-postgres, its most frequent listed). Then, per N, Kinbridge's ratios to the peer.
 * A person left without an answer fails the run (exit code 1). The LAST line of stdout is one JSON object.
 * Uses DATABASE_URL / REDIS_URL when set, else local ones. The load average is printed: the machine may be shared.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { keepFailureExitCodes } from '../src/infra/exit-code-guard.js';
import { startLocalServices } from '../src/infra/local-services.js';
import { applyMigrations } from '../src/storage/migrate.js';
import { FakeTelegram, hasText, type FakeUser } from '../test/support/fake-telegram.js';
import { CHECK_IN_WORDS as WORDS, type FromContender, type ToContender } from './race/contender-protocol.js';
import { withAdminClient } from '../test/support/postgres-admin.js';
import { serviceCpuMs } from './race/service-cpu.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONTENDERS = {
  peer: { file: path.join(here, 'peers', 'grammy-peer.ts'), migrate: false },
  kinbridge: { file: path.join(here, 'race', 'kinbridge-contender.ts'), migrate: true },
} as const;
type ContenderName = keyof typeof CONTENDERS;
/** How long one answer may take before the person counts as lost. */
const ANSWER_TIMEOUT_MS = 120_000;
/** The processes whose CPU a contender's updates also cost, by their command names. */
const POSTGRES = ['postgres'];
const REDIS = ['redis-server'];
/** Warm-up people are numbered from here, apart from the measured ones. */
const WARM_UP_FIRST_INDEX = 100_000;

interface RunResult {
  readonly contender: ContenderName;
  readonly people: number;
  readonly round: number;
  readonly updatesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMsPerUpdate: number;
  /** CPU ms per update of the machine's PostgreSQL processes while the contender ran. */
  readonly postgresCpuMsPerUpdate: number;
  /** CPU ms per update of the machine's redis-server processes while the contender ran. */
  readonly redisCpuMsPerUpdate: number;
  readonly peakRssMb: number;
  /** Committed PostgreSQL transactions of the contender's own database, per update (pg_stat_database). */
  readonly transactionsPerUpdate: number;
  /** Statements the contender sent to PostgreSQL per update (node-postgres calls, BEGIN and COMMIT included). */
  readonly roundTripsPerUpdate: number;
  /** The most frequent of them, per update, by their first words (or prepared statement's name). */
  readonly statementsPerUpdate: Readonly<Record<string, number>>;
  readonly loadAverage: number;
}

async function main(): Promise<void> {
  keepFailureExitCodes();
  const { values } = parseArgs({ options: { people: { type: 'string', default: '200,1000' }, rounds: { type: 'string', default: '2' }, warmup: { type: 'string', default: '20' } } });
  const sizes = values.people.split(',').map(Number);
  const rounds = Number(values.rounds);
  const warmup = Number(values.warmup);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmup) || warmup < 0) {
    throw new Error('--people takes positive integers separated by commas, --rounds a positive integer, --warmup a whole number');
  }
  const services = await startLocalServices({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, dataDir: os.tmpdir(), logger: { info: (line) => console.log(line) } });
  const results: RunResult[] = [];
  try {
    for (const people of sizes) {
      for (let round = 1; round <= rounds; round++) {
        // Alternately, and the other way round in the next round, so neither always runs on a warmer machine.
        const order: ContenderName[] = round % 2 === 1 ? ['peer', 'kinbridge'] : ['kinbridge', 'peer'];
        for (const contender of order) {
          const result = await raceOnce(contender, people, round, warmup, services);
          results.push(result);
          console.log(describe(result));
          for (const [text, perUpdate] of Object.entries(result.statementsPerUpdate)) console.log(`    ${perUpdate.toFixed(2).padStart(5)}  ${text}`);
        }
      }
    }
  } finally {
    await services.stop();
  }
  const ratios = sizes.map((people) => ratioFor(results, people));
  for (const ratio of ratios) {
    console.log(`N=${ratio.people}: Kinbridge/peer updates/s ×${ratio.throughput}, CPU per update ×${ratio.cpu} (with PostgreSQL and Redis ×${ratio.cpuWithServices}), p50 ×${ratio.p50}, round trips ×${ratio.roundTrips}, RSS ×${ratio.rss}`);
  }
  console.log(JSON.stringify({ bench: 'race', loadAverage: os.loadavg().map((v) => twoDigits(v)), results, ratios }));
}

async function raceOnce(contender: ContenderName, people: number, round: number, warmup: number, services: { databaseUrl: string; redisUrl: string }): Promise<RunResult> {
  const databaseUrl = await freshDatabase(services.databaseUrl, contender);
  if (CONTENDERS[contender].migrate) await applyMigrations({ databaseUrl });
  const telegram = await FakeTelegram.start();
  const child = fork(CONTENDERS[contender].file, [], {
    // RACE_CPU_PROFILE_DIR: each contender process writes a V8 CPU profile there (open in Chrome DevTools or speedscope).
    execArgv: ['--import', 'tsx', ...(process.env.RACE_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RACE_CPU_PROFILE_DIR}`] : [])],
    env: { ...process.env, RACE_API_ROOT: telegram.apiRoot, RACE_BOT_TOKEN: telegram.token, DATABASE_URL: databaseUrl, REDIS_URL: services.redisUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await answerOf(child, 'ready');
    // Warm-up people, not measured: a process answers its first messages while it still compiles its code paths.
    await Promise.all(Array.from({ length: warmup }, (_, index) => checkIn(telegram, WARM_UP_FIRST_INDEX + index)));
    const transactionsBefore = await committedTransactions(services.databaseUrl, databaseUrl);
    const postgresCpuBefore = serviceCpuMs(POSTGRES);
    const redisCpuBefore = serviceCpuMs(REDIS);
    tell(child, { kind: 'begin' });
    const started = performance.now();
    const latencies = (await Promise.all(Array.from({ length: people }, (_, index) => checkIn(telegram, index)))).flat();
    const seconds = (performance.now() - started) / 1000;
    tell(child, { kind: 'report' });
    const report = await answerOf(child, 'report');
    const postgresCpu = serviceCpuMs(POSTGRES) - postgresCpuBefore;
    const redisCpu = serviceCpuMs(REDIS) - redisCpuBefore;
    if (report.kind !== 'report') throw new Error('the contender answered out of turn');
    latencies.sort((a, b) => a - b);
    const updates = people * 4;
    const transactions = (await committedTransactions(services.databaseUrl, databaseUrl)) - transactionsBefore;
    return {
      contender,
      people,
      round,
      updatesPerSecond: round1(updates / seconds),
      p50Ms: round1(percentile(latencies, 50)),
      p99Ms: round1(percentile(latencies, 99)),
      cpuMsPerUpdate: twoDigits(report.cpuMs / updates),
      postgresCpuMsPerUpdate: twoDigits(postgresCpu / updates),
      redisCpuMsPerUpdate: twoDigits(redisCpu / updates),
      peakRssMb: round1(report.peakRssMb),
      transactionsPerUpdate: twoDigits(transactions / updates),
      roundTripsPerUpdate: twoDigits(report.roundTrips / updates),
      statementsPerUpdate: Object.fromEntries(Object.entries(report.statements).map(([text, count]) => [text, twoDigits(count / updates)])),
      loadAverage: twoDigits(os.loadavg()[0]!),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    await telegram.close();
    await dropDatabase(services.databaseUrl, databaseUrl);
  }
}

/** One person's whole check-in; the time from each update being queued to the bot's answer arriving. */
async function checkIn(telegram: FakeTelegram, index: number): Promise<number[]> {
  const user: FakeUser = { id: 500_000 + index, firstName: `Parent ${index}`, languageCode: 'en' };
  const timed = async <T>(answer: Promise<T>, act: () => void): Promise<[T, number]> => {
    const started = performance.now();
    act();
    const result = await answer;
    return [result, performance.now() - started];
  };
  const expect = (text: string) => telegram.nextSent(user.id, hasText(text), ANSWER_TIMEOUT_MS);
  const [, first] = await timed(expect(WORDS.askSleep), () => telegram.userSays(user, '/checkin'));
  const [moodQuestion, second] = await timed(expect(WORDS.askMood), () => telegram.userSays(user, String(6 + (index % 5))));
  const mood = WORDS.moods[index % WORDS.moods.length]!;
  const [, third] = await timed(expect(WORDS.askNote), () => telegram.userTapsLabel(user, moodQuestion, mood.label));
  const [, fourth] = await timed(expect(WORDS.saved), () => telegram.userSays(user, `note ${index}`));
  return [first, second, third, fourth];
}

function ratioFor(results: readonly RunResult[], people: number) {
  const mean = (contender: ContenderName, pick: (r: RunResult) => number): number => {
    const runs = results.filter((r) => r.contender === contender && r.people === people);
    return runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  };
  const ratio = (pick: (r: RunResult) => number): number => twoDigits(mean('kinbridge', pick) / mean('peer', pick));
  return {
    people,
    throughput: ratio((r) => r.updatesPerSecond),
    cpu: ratio((r) => r.cpuMsPerUpdate),
    cpuWithServices: ratio((r) => r.cpuMsPerUpdate + r.postgresCpuMsPerUpdate + r.redisCpuMsPerUpdate),
    p50: ratio((r) => r.p50Ms),
    roundTrips: ratio((r) => r.roundTripsPerUpdate),
    rss: ratio((r) => r.peakRssMb),
  };
}

function describe(r: RunResult): string {
  return `${r.contender.padEnd(9)} N=${r.people} round ${r.round}: ${r.updatesPerSecond} updates/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, CPU ${r.cpuMsPerUpdate} ms/update (and PostgreSQL ${r.postgresCpuMsPerUpdate}, Redis ${r.redisCpuMsPerUpdate}), ${r.transactionsPerUpdate} PostgreSQL transactions/update, ${r.roundTripsPerUpdate} round trips/update, peak RSS ${r.peakRssMb} MB (load ${r.loadAverage})`;
}

function tell(child: ChildProcess, message: ToContender): void {
  child.send(message);
}

function answerOf(child: ChildProcess, kind: FromContender['kind']): Promise<FromContender> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromContender): void => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void => reject(new Error(`the contender exited (code ${code}) before saying ${kind}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Backends report their counts to the statistics at most once a second: read after that has passed. */
async function committedTransactions(adminUrl: string, databaseUrl: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const name = new URL(databaseUrl).pathname.slice(1);
  const { rows } = await withAdminClient(adminUrl, (client) => client.query<{ xact_commit: string }>('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [name]));
  return Number(rows[0]?.xact_commit ?? 0);
}

async function freshDatabase(adminUrl: string, contender: string): Promise<string> {
  const name = `race_${contender}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const twoDigits = (value: number): number => Number(value.toFixed(2));
const round1 = (value: number): number => Number(value.toFixed(1));

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
