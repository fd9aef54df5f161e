import pg from 'pg';

/**
 * How bench/race.ts talks to a contender it started as a child process (over Node's IPC channel): the contender
 * says `ready` once it polls the fake Bot API; `begin` starts its CPU count; `report` asks for CPU and peak RSS.
 */
export type ToContender = { readonly kind: 'begin' } | { readonly kind: 'report' };
export type FromContender =
  | { readonly kind: 'ready' }
  | { readonly kind: 'report'; readonly cpuMs: number; readonly peakRssMb: number; readonly roundTrips: number; readonly statements: Readonly<Record<string, number>> };

/** What every contender reads from its environment. */
export interface ContenderEnvironment {
  readonly apiRoot: string;
  readonly token: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

export function contenderEnvironment(): ContenderEnvironment {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`A contender needs ${name}`);
    return value;
  };
  return { apiRoot: read('RACE_API_ROOT'), token: read('RACE_BOT_TOKEN'), databaseUrl: read('DATABASE_URL'), redisUrl: read('REDIS_URL') };
}

/**
 * Counts every statement the process sends to PostgreSQL through node-postgres (Prisma's adapter and the peer's
 * storage use it too), by its first words: each is one round trip.
 */
function countStatements(): { counts: Map<string, number>; reset(): void } {
  const counts = new Map<string, number>();
  const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0];
    const text = typeof config === 'string' ? config : ((config as { name?: string; text?: string } | undefined)?.name ?? (config as { text?: string } | undefined)?.text ?? '?');
    const kind = text.replace(/\s+/g, ' ').trim().slice(0, 60);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  return { counts, reset: () => counts.clear() };
}

/** Answers the driver: CPU and PostgreSQL statements since `begin`, and the process's peak resident memory. */
export function serveDriver(): void {
  let cpuAtBegin = process.cpuUsage();
  const statements = countStatements();
  process.on('message', (message: ToContender) => {
    if (message.kind === 'begin') {
      cpuAtBegin = process.cpuUsage();
      statements.reset();
    }
    if (message.kind === 'report') {
      const used = process.cpuUsage(cpuAtBegin);
      const roundTrips = [...statements.counts.values()].reduce((sum, count) => sum + count, 0);
      const report: FromContender = {
        kind: 'report',
        cpuMs: (used.user + used.system) / 1000,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        roundTrips,
        statements: Object.fromEntries([...statements.counts].sort((a, b) => b[1] - a[1]).slice(0, 12)),
      };
      process.send?.(report);
    }
  });
  const ready: FromContender = { kind: 'ready' };
  process.send?.(ready);
}

/** The conversation both contenders hold, word for word. */
export const CHECK_IN_WORDS = {
  askSleep: 'How many hours did Xiaoming sleep last night?',
  askMood: 'How was his mood today?',
  moods: [
    { id: 'good', label: 'Good' },
    { id: 'soso', label: 'So-so' },
    { id: 'hard', label: 'Hard' },
  ],
  askNote: 'Anything else you want to tell us?',
  saved: 'Thank you, saved.',
} as const;
