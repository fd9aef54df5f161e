/**
 * How bench/race.ts talks to a contender it started as a child process (over Node's IPC channel): the contender
 * says `ready` once it polls the fake Bot API; `begin` starts its CPU count; `report` asks for CPU and peak RSS.
 */
export type ToContender = { readonly kind: 'begin' } | { readonly kind: 'report' };
export type FromContender = { readonly kind: 'ready' } | { readonly kind: 'report'; readonly cpuMs: number; readonly peakRssMb: number };

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

/** Answers the driver: CPU since `begin`, and the process's peak resident memory. */
export function serveDriver(): void {
  let cpuAtBegin = process.cpuUsage();
  process.on('message', (message: ToContender) => {
    if (message.kind === 'begin') cpuAtBegin = process.cpuUsage();
    if (message.kind === 'report') {
      const used = process.cpuUsage(cpuAtBegin);
      const report: FromContender = { kind: 'report', cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
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
