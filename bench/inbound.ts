/**
 * `npm run bench:inbound [-- --people N --concurrency C --workers W]`
 *
 * N simulated people complete the whole onboarding flow through the real engine, PostgreSQL and Redis;
 * only the messaging platform is faked, at the ChannelAdapter boundary. Each person:
 *   /start <own invite code> → taps a language → types a city → taps quiet hours → (a parent) taps "yes" to photo
 *   consent for the family's child; caregivers are not asked about consent.
 * Buttons are tapped as a person taps them: the id the bot put behind the button, with its question's token.
 * C people are mid-conversation at any moment (closed loop: each sends its next message once the bot's answer to
 * the previous one arrived). Families (one parent and one caregiver code each) are created beforehand, not measured.
 *
 * The bench process is the gateway (and the scheduler): it journals each message as the platform's adapter would
 * and acknowledges it; W worker processes (bench/inbound/worker.ts, default 1) run the turns and send the replies
 * through their own copy of the fake platform, which hands every sent message back to the bench over IPC.
 *
 * Measured per inbound message: the time from handing it to the gateway until the bot's answer (the next question,
 * or "all set") reached the platform. CPU is counted per process, from the first message until everything settled.
 * Afterwards every person must be a family member on the right locale, city and quiet hours (parents with photo
 * consent recorded), with no onboarding session left, every outbox message sent and no error logged or sent;
 * otherwise the run fails (exit code 1).
 *
 * Uses DATABASE_URL / REDIS_URL when set, else an embedded PostgreSQL and a child redis-server. Either way the
 * run gets a fresh database (dropped at the end) and its own Redis key prefix (deleted at the end).
 * Human-readable figures first; the LAST line of stdout is one JSON object with the same figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createKinbridge, type Kinbridge } from '../src/app.js';
import type { ChannelAdapter, InboundHandler } from '../src/channels/channel-adapter.js';
import { startLocalServices, type LocalServices } from '../src/infra/local-services.js';
import type { InboundContent, InboundMessage, OutboundMessage } from '../src/core/messages.js';
import { unbindChoice } from '../src/engine/question-token.js';
import { applyMigrations } from '../src/storage/migrate.js';
import { withAdminClient } from '../test/support/postgres-admin.js';
import type { FromContender, ToContender } from './race/contender-protocol.js';
import { BENCH_CHANNEL, seenOf, WORKER_ENVIRONMENT, type FromWorker, type SeenMessage } from './inbound/worker-protocol.js';

const CHANNEL = BENCH_CHANNEL;
const WORKER_FILE = new URL('./inbound/worker.ts', import.meta.url);
const ONBOARDING_FLOW = 'onboarding';
/** The engine's BullMQ queue name (module-private in src/engine/engine-queue.ts); used only to wait for it to settle. */
const ENGINE_QUEUE_NAME = 'kinbridge-engine';
/** A cohort per this many families, each with its own coordinator (a kindergarten's worth). */
const FAMILIES_PER_COHORT = 50;
/** Parallel families.create calls during set-up. */
const SETUP_CONCURRENCY = 16;
/** How long the outbox and the events may take to settle after the last inbound message: this, or 4× the measured phase. */
const MIN_SETTLE_TIMEOUT_MS = 10 * 60_000;
/** How long one person waits for the bot's answer before the run fails (a lost answer must not hang the bench). */
const ANSWER_TIMEOUT_MS = 120_000;

const STEPS = ['start', 'language', 'city', 'quiet hours', 'consent'] as const;
type StepName = (typeof STEPS)[number];

interface Options {
  readonly people: number;
  readonly concurrency: number;
  /** Worker processes running the turns; the bench process is the gateway. */
  readonly workers: number;
  /** Writes a V8 CPU profile of the measured phase only (open it in Chrome DevTools or speedscope). */
  readonly cpuProfile: string | undefined;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '200' },
      workers: { type: 'string', default: '1' },
      'cpu-profile': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run bench:inbound -- [--people N (10000)] [--concurrency C (200)] [--workers W (1)] [--cpu-profile FILE.cpuprofile]');
    process.exit(0);
  }
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return value;
  };
  return {
    people: positive('people', values.people),
    concurrency: positive('concurrency', values.concurrency),
    workers: positive('workers', values.workers),
    cpuProfile: values['cpu-profile'],
  };
}

/** What person `index` answers, and what the database must say about them afterwards. */
interface Script {
  readonly externalId: string;
  readonly code: string;
  readonly languageHint: string;
  readonly locale: 'en' | 'zh-CN';
  readonly cityTyped: string;
  readonly city: string;
  readonly timeZone: string;
  readonly quietChoice: '22-7' | '21-8' | 'none';
  readonly quietStartMinute: number | null;
  readonly quietEndMinute: number | null;
  readonly role: 'parent' | 'caregiver';
}

function scriptFor(index: number, code: string): Script {
  const locale = index % 2 === 0 ? 'en' : 'zh-CN';
  const milan = Math.floor(index / 2) % 2 === 0;
  const quiet = (['22-7', '21-8', 'none'] as const)[index % 3]!;
  return {
    externalId: `p${index}`,
    code,
    languageHint: locale === 'en' ? 'en' : 'zh-hans',
    locale,
    cityTyped: milan ? 'Milan' : '上海',
    city: milan ? 'Milan' : 'Shanghai',
    timeZone: milan ? 'Europe/Rome' : 'Asia/Shanghai',
    quietChoice: quiet,
    quietStartMinute: quiet === '22-7' ? 22 * 60 : quiet === '21-8' ? 21 * 60 : null,
    quietEndMinute: quiet === '22-7' ? 7 * 60 : quiet === '21-8' ? 8 * 60 : null,
    role: index % 2 === 0 ? 'parent' : 'caregiver',
  };
}

/** What the bot says that a person waits for: the texts that are no question with buttons. */
interface Words {
  askCity(locale: string): string;
  done(locale: string): string;
}

/**
 * One message of a person's script: what they send, given the bot's last answer (whose buttons they tap), and the
 * answer they wait for before going on.
 */
interface ScriptStep {
  readonly name: StepName;
  say(answer: SeenMessage | undefined): InboundContent;
  isAnswer(message: SeenMessage): boolean;
}

function stepsOf(script: Script, words: Words): ScriptStep[] {
  const done = (message: SeenMessage): boolean => message.text === words.done(script.locale);
  const steps: ScriptStep[] = [
    { name: 'start', say: () => ({ kind: 'text', text: `/start ${script.code}` }), isAnswer: (m) => hasButton(m, script.locale) },
    { name: 'language', say: (answer) => tap(answer, script.locale), isAnswer: (m) => m.text === words.askCity(script.locale) },
    { name: 'city', say: () => ({ kind: 'text', text: script.cityTyped }), isAnswer: (m) => hasButton(m, script.quietChoice) },
    // Only parents decide on photo sharing: a caregiver is done after quiet hours.
    { name: 'quiet hours', say: (answer) => tap(answer, script.quietChoice), isAnswer: script.role === 'parent' ? (m) => hasButton(m, CONSENT_YES) : done },
  ];
  if (script.role === 'parent') steps.push({ name: 'consent', say: (answer) => tap(answer, CONSENT_YES), isAnswer: done });
  return steps;
}

const CONSENT_YES = 'consent_yes';

function hasButton(message: SeenMessage, choiceId: string): boolean {
  return message.choiceIds.some((id) => unbindChoice(id).choiceId === choiceId);
}

/** Taps the button behind `choiceId` of the bot's last question, token and all. */
function tap(question: SeenMessage | undefined, choiceId: string): InboundContent {
  const button = question?.choiceIds.find((id) => unbindChoice(id).choiceId === choiceId);
  if (!button) throw new BenchFailure(`no "${choiceId}" button to tap in ${JSON.stringify(question)}`);
  return { kind: 'choice', choiceId: button };
}

/** What the bot sent to one chat, and how far its person has read. */
interface Inbox {
  readonly messages: SeenMessage[];
  read: number;
  wake: (() => void) | undefined;
}

/**
 * The platform, faked: hands the people's messages to the gateway, and holds what the bot sends each chat (from this
 * process's adapter or, over IPC, from the workers') until its person reads it. Notes who saw "all set" or an error.
 */
class BenchChannel implements ChannelAdapter {
  readonly name = CHANNEL;
  sent = 0;
  readonly finished = new Set<string>();
  readonly errorsTo: string[] = [];
  private handler: InboundHandler | undefined;
  private doneTexts = new Set<string>();
  private errorTexts = new Set<string>();
  private readonly inboxes = new Map<string, Inbox>();

  watchFor(doneTexts: Iterable<string>, errorTexts: Iterable<string>): void {
    this.doneTexts = new Set(doneTexts);
    this.errorTexts = new Set(errorTexts);
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.handler = onMessage;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    this.delivered(chatId, seenOf(message));
  }

  /** A message the bot sent to `chatId`, through whichever process. */
  delivered(chatId: string, message: SeenMessage): void {
    this.sent += 1;
    if (message.text !== undefined && this.doneTexts.has(message.text)) this.finished.add(chatId);
    if (message.text !== undefined && this.errorTexts.has(message.text)) this.errorsTo.push(chatId);
    const inbox = this.inboxOf(chatId);
    inbox.messages.push(message);
    inbox.wake?.();
  }

  receive(message: InboundMessage): Promise<void> {
    if (!this.handler) throw new Error('bench channel is not started');
    return this.handler([message]);
  }

  /** The first message to `chatId` not read yet that `isAnswer`; those before it are read past. */
  async answer(chatId: string, isAnswer: (message: SeenMessage) => boolean, timeoutMs: number): Promise<SeenMessage> {
    const inbox = this.inboxOf(chatId);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (inbox.read < inbox.messages.length) {
        const message = inbox.messages[inbox.read++]!;
        if (isAnswer(message)) return message;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new BenchFailure(`${chatId} waited ${timeoutMs / 1000} s for the bot's answer; it had sent ${JSON.stringify(inbox.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        inbox.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      inbox.wake = undefined;
    }
  }

  private inboxOf(chatId: string): Inbox {
    let inbox = this.inboxes.get(chatId);
    if (!inbox) {
      inbox = { messages: [], read: 0, wake: undefined };
      this.inboxes.set(chatId, inbox);
    }
    return inbox;
  }
}

/** Not printed (the bench's output is its figures), but counted: a warning or error in the engine fails the run. */
class LogCounter extends Writable {
  count = 0;
  readonly first: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.note(chunk.toString('utf8').trim());
    callback();
  }

  /** A line logged here or by a worker process. */
  note(line: string): void {
    this.count += 1;
    if (this.first.length < 5) this.first.push(line);
  }
}

class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** Teardown steps, run newest first, also on Ctrl-C. */
class Cleanup {
  private readonly steps: { label: string; run: () => Promise<unknown> }[] = [];
  private ran = false;

  add(label: string, run: () => Promise<unknown>): void {
    this.steps.push({ label, run });
  }

  async runAll(): Promise<void> {
    if (this.ran) return;
    this.ran = true;
    for (const step of this.steps.reverse()) {
      await step.run().catch((error: unknown) => console.error(`cleanup: ${step.label} failed: ${(error as Error).message}`));
    }
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` running at once. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const log = (line: string): void => console.log(line);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const options = readOptions();
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      void cleanup.runAll().finally(() => process.exit(130));
    });
  }
  try {
    await run(options, cleanup);
  } finally {
    await cleanup.runAll();
  }
}

async function run({ people, concurrency, workers, cpuProfile }: Options, cleanup: Cleanup): Promise<void> {
  const runId = `${Date.now()}_${randomBytes(3).toString('hex')}`;

  // --- services: the machine's (DATABASE_URL / REDIS_URL) or embedded ones --------------------------------
  const embedded = !process.env.DATABASE_URL || !process.env.REDIS_URL;
  let services: LocalServices;
  if (embedded) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-bench-'));
    // mkdtemp makes it 700; as root the embedded cluster runs as `postgres`, which must be able to enter.
    await chmod(dataDir, 0o755);
    cleanup.add('remove embedded data directory', () => rm(dataDir, { recursive: true, force: true }));
    services = await startLocalServices({
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL,
      dataDir,
      ephemeral: true,
      logger: { info: (message) => log(message) },
    });
    cleanup.add('stop embedded services', () => services.stop());
  } else {
    services = await startLocalServices({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, dataDir: os.tmpdir(), logger: { info: (message) => log(message) } });
  }

  const databaseName = `kinbridge_bench_${runId}`;
  await withAdminClient(services.databaseUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`));
  cleanup.add(`drop database ${databaseName}`, () =>
    withAdminClient(services.databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(databaseName)} WITH (FORCE)`)),
  );
  const databaseUrl = withDatabase(services.databaseUrl, databaseName);
  await applyMigrations({ databaseUrl });

  const redisPrefix = `kinbridge-bench-${runId}`;
  cleanup.add(`delete Redis keys ${redisPrefix}:*`, () => deleteRedisKeys(services.redisUrl, `${redisPrefix}:*`));

  // --- the bot: this process is the gateway (and scheduler), the workers are child processes ------------------
  const channel = new BenchChannel();
  const logCounter = new LogCounter();
  const secret = randomBytes(24).toString('hex');
  const workerProcesses: ChildProcess[] = [];
  cleanup.add('stop the workers', () => Promise.all(workerProcesses.map(stopWorker)));
  for (let w = 0; w < workers; w++) {
    const child = fork(WORKER_FILE, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        [WORKER_ENVIRONMENT.databaseUrl]: databaseUrl,
        [WORKER_ENVIRONMENT.redisUrl]: services.redisUrl,
        [WORKER_ENVIRONMENT.redisPrefix]: redisPrefix,
        [WORKER_ENVIRONMENT.secret]: secret,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: FromWorker | FromContender) => {
      if (message.kind === 'sent') channel.delivered(message.chatId, message.message);
      if (message.kind === 'logged') logCounter.note(`worker ${w + 1}: ${message.line}`);
    });
    workerProcesses.push(child);
  }
  await Promise.all(workerProcesses.map((child) => answerOf(child, 'ready')));
  const app = await createKinbridge({
    roles: ['gateway', 'scheduler'],
    databaseUrl,
    redisUrl: services.redisUrl,
    channels: [channel],
    redisPrefix,
    secret,
    logger: pino({ level: 'warn' }, logCounter),
  });
  cleanup.add('stop the bot', () => app.stop());
  const { translate, supportedLocales } = app.services;
  const words: Words = { askCity: (locale) => translate(locale, 'onboarding:ask_city'), done: (locale) => translate(locale, 'onboarding:done') };
  channel.watchFor(
    supportedLocales.map((locale) => translate(locale, 'onboarding:done')),
    supportedLocales.flatMap((locale) => [translate(locale, 'common:error'), translate(locale, 'common:question_closed')]),
  );

  // --- set-up (not measured): cohorts, coordinators, families with one parent and one caregiver code ------
  const setupStarted = performance.now();
  const scripts = await createFamilies(app, people);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`Set-up: ${Math.ceil(people / 2)} families with invite codes for ${people} people in ${setupSeconds.toFixed(1)} s (not measured)`);
  await app.start();

  // --- measured: everyone through onboarding -------------------------------------------------------------
  const loadBefore = os.loadavg();
  const latencies = new Map<StepName, number[]>(STEPS.map((step) => [step, []]));
  const profiler = cpuProfile ? await startCpuProfile() : undefined;
  for (const child of workerProcesses) tell(child, { kind: 'begin' });
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  let completed = 0;
  let messages = 0;
  const ticker = setInterval(() => progress(`… ${completed}/${people} people done`), 5_000);
  const started = performance.now();
  try {
    await pool(people, concurrency, async (index) => {
      const script = scripts[index]!;
      let answer: SeenMessage | undefined;
      for (const step of stepsOf(script, words)) {
        const message: InboundMessage = {
          channel: CHANNEL,
          externalId: script.externalId,
          chatId: script.externalId,
          displayName: `Person ${index}`,
          languageCode: script.languageHint,
          content: step.say(answer),
        };
        const before = performance.now();
        await channel.receive(message);
        answer = await channel.answer(script.externalId, step.isAnswer, ANSWER_TIMEOUT_MS);
        latencies.get(step.name)!.push(performance.now() - before);
        messages += 1;
      }
      completed += 1;
    });
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  const elu = performance.eventLoopUtilization(eluBefore);
  if (profiler && cpuProfile) {
    await profiler.stop(cpuProfile);
    log(`CPU profile of the measured phase written to ${cpuProfile}`);
  }

  // After the last answer some replies are still on their way (parents are offered a call plan, caregivers the weekly
  // game), and events (family.member_joined to the coordinator and relatives) are BullMQ jobs still being worked off.
  const queueProblems = await waitUntilSettled(app, services.redisUrl, redisPrefix, Math.max(MIN_SETTLE_TIMEOUT_MS, 4 * seconds * 1000));
  const settledSeconds = (performance.now() - started) / 1000;
  const cpuUntilSettled = process.cpuUsage(cpuBefore);
  const workerReports = await Promise.all(workerProcesses.map(async (child) => {
    tell(child, { kind: 'report' });
    const report = await answerOf(child, 'report');
    if (report.kind !== 'report') throw new Error('a worker answered out of turn');
    return report;
  }));

  // --- figures ---------------------------------------------------------------------------------------------
  const sorted = Float64Array.from([...latencies.values()].flat()).sort();
  const gatewayCpuMs = (cpuUntilSettled.user + cpuUntilSettled.system) / 1000;
  const workerCpuMs = workerReports.map((report) => report.cpuMs);
  const totalCpuMs = gatewayCpuMs + workerCpuMs.reduce((sum, ms) => sum + ms, 0);
  const figures = {
    people,
    workers,
    concurrency,
    messages,
    seconds: round(seconds, 3),
    messagesPerSecond: round(messages / seconds, 1),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    settledSeconds: round(settledSeconds, 3),
    cpuMsPerMessage: { gateway: round(gatewayCpuMs / messages), workers: workerCpuMs.map((ms) => round(ms / messages)), total: round(totalCpuMs / messages) },
    peakRssMb: { gateway: round(process.resourceUsage().maxRSS / 1024, 1), workers: workerReports.map((report) => round(report.peakRssMb, 1)) },
    loadAverage: { start: loadBefore.map((value) => round(value)), end: os.loadavg().map((value) => round(value)) },
  };

  log('');
  const where = `PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}, Redis ${process.env.REDIS_URL ? 'from REDIS_URL' : 'child redis-server'}`;
  log(`Inbound onboarding benchmark (${where}; ${os.cpus().length} CPUs, Node ${process.version})`);
  log(`  processes        1 gateway (this one, also the scheduler) + ${workers} worker${workers === 1 ? '' : 's'}`);
  log(`  people           ${people} (concurrency ${concurrency})`);
  log(`  messages         ${messages} in, ${channel.sent} out`);
  log(`  duration         ${seconds.toFixed(2)} s`);
  log(`  throughput       ${figures.messagesPerSecond} msgs/s (${round(people / seconds, 1)} people/s)`);
  log(`  step latency     p50 ${figures.p50Ms} ms · p95 ${figures.p95Ms} ms · p99 ${figures.p99Ms} ms · max ${round(sorted[sorted.length - 1]!)} ms (message in → the bot's answer out)`);
  for (const [step, values] of latencies) {
    const ofStep = Float64Array.from(values).sort();
    log(`    ${step.padEnd(13)} p50 ${round(percentile(ofStep, 50))} ms · p95 ${round(percentile(ofStep, 95))} ms · p99 ${round(percentile(ofStep, 99))} ms (${values.length})`);
  }
  log(`  all delivered    ${settledSeconds.toFixed(2)} s after the first message (${(settledSeconds - seconds).toFixed(2)} s after the last answer): every reply sent, every event handled (${round(channel.sent / settledSeconds, 1)} outbound msgs/s)`);
  log(`  CPU per message  ${figures.cpuMsPerMessage.total} ms in all, until settled: gateway ${figures.cpuMsPerMessage.gateway} ms (event loop ${round(elu.utilization * 100, 0)}% busy while measured), ${workerCpuMs.map((ms, w) => `worker ${w + 1} ${round(ms / messages)} ms`).join(', ')}`);
  log(`  peak RSS         gateway ${figures.peakRssMb.gateway} MB, ${figures.peakRssMb.workers.map((mb, w) => `worker ${w + 1} ${mb} MB`).join(', ')}`);
  log(`  machine load     load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')} at start, ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} at end (${os.cpus().length} CPUs, shared: more than the bench's own processes means other work competed)`);

  // --- verification: a benchmark of failures is worthless --------------------------------------------------
  const { problems: found, sessionsLeft, repeated } = await verify(app, scripts, channel, logCounter);
  const problems = [...queueProblems, ...found];
  if (problems.length > 0) {
    throw new BenchFailure(`Verification FAILED, the figures above are not valid:\n  - ${problems.join('\n  - ')}`);
  }
  log(`  verified         ${people} members with locale, city and quiet hours, the parents with photo consent; nobody left in onboarding; every reply sent; no errors`);
  if (sessionsLeft.length > 0) log(`  sessions left    ${sessionsLeft.join(', ')} (flows onboarding hands people on to, waiting for their answer)`);
  // Not a failure of the run (each person's decision stands), but a known product defect, shown until it is fixed.
  if (repeated.length > 0) log(`  REPEATED WRITES  ${repeated.length} parents have their consent recorded more than once, e.g. ${repeated.slice(0, 2).join('; ')}`);
  log(JSON.stringify({ ...figures, consentsRecordedTwice: repeated.length }));
}

/** The V8 profiler through the inspector protocol, so only the measured phase is profiled (unlike node --cpu-prof). */
async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function createFamilies(app: Kinbridge, people: number): Promise<Script[]> {
  const familyCount = Math.ceil(people / 2);
  const cohortCount = Math.ceil(familyCount / FAMILIES_PER_COHORT);
  const coordinators: { personId: string; cohortId: string }[] = [];
  for (let c = 0; c < cohortCount; c++) {
    const person = await app.db.person.create({ data: { displayName: `Coordinator ${c}`, locale: 'en' } });
    const cohort = await app.db.cohort.create({ data: { name: `Bench cohort ${c}` } });
    await app.db.cohortCoordinator.create({ data: { cohortId: cohort.id, personId: person.id } });
    coordinators.push({ personId: person.id, cohortId: cohort.id });
  }
  const scripts: Script[] = new Array(people);
  await pool(familyCount, SETUP_CONCURRENCY, async (f) => {
    const { personId, cohortId } = coordinators[Math.floor(f / FAMILIES_PER_COHORT)]!;
    const { invites } = await app.services.families.create(personId, {
      name: `Family ${f}`,
      cohortId,
      children: [{ name: `Child ${f}`, birthDate: '2021-05-03' }],
    });
    for (const [offset, role] of (['parent', 'caregiver'] as const).entries()) {
      const index = f * 2 + offset;
      if (index >= people) break;
      const invite = invites.find((candidate) => candidate.role === role);
      if (!invite) throw new Error(`families.create issued no ${role} invite`);
      scripts[index] = scriptFor(index, invite.code);
    }
  });
  return scripts;
}

/**
 * Waits until the outbox has nothing left to send on the bench channel and the engine queue has nothing waiting,
 * running or delayed (job schedulers' next runs aside); returns problems found on the way (failed jobs).
 */
async function waitUntilSettled(app: Kinbridge, redisUrl: string, prefix: string, timeoutMs: number): Promise<string[]> {
  const queue = new Queue(ENGINE_QUEUE_NAME, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix });
  try {
    const deadline = Date.now() + timeoutMs;
    let reported = Date.now();
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed', 'failed');
      // A job scheduler (flows' `schedule:` triggers) always has its next run delayed: that is not pending work.
      const delayed = counts.delayed ? (await queue.getDelayed(0, -1)).filter((job) => !job.repeatJobKey).length : 0;
      const engineBusy = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0) + delayed;
      const unsent = await app.outbox.unsentCount({ channel: CHANNEL });
      const unhandled = await app.db.inboundUpdate.count({ where: { handledAt: null } });
      if (engineBusy === 0 && unsent === 0 && unhandled === 0) {
        if (!counts.failed) return [];
        const reasons = (await queue.getFailed(0, 2)).map((job) => `${job.name}: ${job.failedReason}`);
        return [`${counts.failed} engine queue jobs failed, e.g. ${reasons.join(' | ')}`];
      }
      if (Date.now() > deadline) {
        throw new BenchFailure(`not settled ${Math.round(timeoutMs / 1000)} s after the last message: ${unhandled} inbound updates unhandled, ${engineBusy} engine jobs pending, ${unsent} outbox messages unsent`);
      }
      if (Date.now() - reported >= 5_000) {
        reported = Date.now();
        progress(`… settling: ${unhandled} inbound updates unhandled, ${unsent} outbox messages unsent, ${engineBusy} engine jobs pending`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await queue.close();
  }
}

async function verify(app: Kinbridge, scripts: readonly Script[], channel: BenchChannel, logs: LogCounter): Promise<{ problems: string[]; sessionsLeft: string[]; repeated: string[] }> {
  const problems: string[] = [];
  const identities = await app.db.channelIdentity.findMany({
    where: { channel: CHANNEL },
    select: {
      externalId: true,
      person: {
        select: {
          locale: true,
          city: true,
          timeZone: true,
          quietStartMinute: true,
          quietEndMinute: true,
          memberships: { select: { role: true } },
          consents: { select: { kind: true, granted: true, decidedAt: true } },
        },
      },
    },
  });
  const byExternalId = new Map(identities.map((identity) => [identity.externalId, identity.person]));
  const wrong: string[] = [];
  const repeated: string[] = [];
  for (const script of scripts) {
    const person = byExternalId.get(script.externalId);
    const ok =
      person !== undefined &&
      person.locale === script.locale &&
      person.city === script.city &&
      person.timeZone === script.timeZone &&
      person.quietStartMinute === script.quietStartMinute &&
      person.quietEndMinute === script.quietEndMinute &&
      person.memberships.length === 1 &&
      person.memberships[0]!.role === script.role &&
      // Parents decide on photo sharing for the family's one child; caregivers are not asked.
      (script.role === 'parent'
        ? person.consents.length > 0 && person.consents.every((consent) => consent.kind === 'photo_sharing' && consent.granted)
        : person.consents.length === 0);
    // The same decision recorded twice: a turn run again after a session conflict repeats its action's write.
    if (person && script.role === 'parent' && person.consents.length > 1) repeated.push(`${script.externalId}: ${JSON.stringify(person.consents)}`);
    if (!ok) wrong.push(`${script.externalId}: ${person ? JSON.stringify(person) : 'no person'}`);
  }
  if (identities.length !== scripts.length) problems.push(`${identities.length} people in the database, expected ${scripts.length}`);
  if (wrong.length > 0) problems.push(`${wrong.length} people did not end onboarded as scripted, e.g. ${wrong.slice(0, 3).join('; ')}`);

  // Onboarding must be over for everyone. A flow it hands people to afterwards (parents are offered a call plan)
  // waits for their next answer by design: those sessions are counted, not failures.
  const sessions = await app.db.flowSession.findMany({ select: { personId: true, flowId: true, stepId: true, stack: true } });
  const stuck = sessions.filter((session) => session.flowId === ONBOARDING_FLOW || JSON.stringify(session.stack).includes(`"${ONBOARDING_FLOW}"`));
  if (stuck.length > 0) problems.push(`${stuck.length} people still in onboarding, e.g. ${JSON.stringify(stuck.slice(0, 3))}`);
  const handedOn = new Map<string, number>();
  for (const session of sessions) handedOn.set(`${session.flowId}@${session.stepId}`, (handedOn.get(`${session.flowId}@${session.stepId}`) ?? 0) + 1);
  const sessionsLeft = [...handedOn].map(([where, count]) => `${count} in ${where}`);

  const notSent = await app.db.outboxMessage.groupBy({ by: ['status'], where: { status: { not: 'sent' } }, _count: true });
  if (notSent.length > 0) problems.push(`outbox messages not sent: ${notSent.map((row) => `${row._count} ${row.status}`).join(', ')}`);
  const written = await app.db.outboxMessage.count({ where: { channel: CHANNEL } });
  if (written !== channel.sent) problems.push(`${written} messages written to the outbox but ${channel.sent} reached the channel`);

  const redeemed = await app.db.invite.count({ where: { redeemedAt: { not: null } } });
  if (redeemed !== scripts.length) problems.push(`${redeemed} invites redeemed, expected ${scripts.length}`);

  const unfinished = scripts.filter((script) => !channel.finished.has(script.externalId)).length;
  if (unfinished > 0) problems.push(`${unfinished} people never received the "all set" message`);
  if (channel.errorsTo.length > 0) problems.push(`${channel.errorsTo.length} "something went wrong" replies, e.g. to ${channel.errorsTo.slice(0, 3).join(', ')}`);
  if (logs.count > 0) problems.push(`${logs.count} warnings/errors logged by the engine, first: ${logs.first.join(' | ')}`);
  return { problems, sessionsLeft, repeated };
}

function tell(child: ChildProcess, message: ToContender): void {
  child.send(message);
}

function answerOf(child: ChildProcess, kind: FromContender['kind']): Promise<FromContender> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromContender | FromWorker): void => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void => reject(new BenchFailure(`a worker exited (code ${code}) before saying ${kind}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof BenchFailure ? error.message : error);
    process.exit(1);
  },
);
