import { Redis } from 'ioredis';
import pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { systemClock } from '../../core/clock.js';
import { deploymentPaths } from '../../infra/deployment-paths.js';
import { describeUrl } from '../../infra/local-services.js';
import { connectDatabase, type DatabaseConnection } from '../database-connection.js';
import { OPERATIONS_USAGE } from '../operations-usage.js';
import { parseOptions } from '../parse-options.js';
import { checkChannels } from './channel-checks.js';
import { errorText, fail, ok, type CheckResult } from './check.js';
import { checkBackupTool, checkClock, checkMigrations } from './database-checks.js';
import { checkDataDirectories, checkSecret, checkTools } from './host-checks.js';
import { checkEviction, checkPersistence } from './redis-checks.js';

/**
 * `npm run cli -- doctor [--quick]`: looks at everything a deployment needs and prints one screen, each line with a
 * fix when something is wrong. Exits 1 when anything failed (warnings alone exit 0), so the image's HEALTHCHECK
 * runs `doctor --quick`, which skips what calls out to other services (Telegram) or is only about backups.
 */
export async function doctorCommand(args: readonly string[]): Promise<number> {
  const { values } = parseOptions(args, { quick: { type: 'boolean' } });
  if (values.help) {
    console.log(OPERATIONS_USAGE);
    return 0;
  }
  const results = await runChecks(process.env, { quick: values.quick ?? false });
  console.log(formatReport(results));
  return results.some((result) => result.outcome === 'fail') ? 1 : 0;
}

export async function runChecks(env: NodeJS.ProcessEnv, { quick }: { quick: boolean }): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [fail('Settings', error.message.replace(/\n\s*/g, '; '), 'correct these in the environment file (.env for Docker, /etc/kinbridge/kinbridge.env for systemd)')];
  }
  const paths = deploymentPaths(config);
  return [
    ok('Settings', 'the environment is valid'),
    await checkSecret(config, paths),
    ...(await databaseChecks(config, quick)),
    ...(await redisChecks(config)),
    ...(quick ? [] : await checkChannels(config, paths.dataDir)),
    checkTools(config),
    ...(await checkDataDirectories(paths)),
  ];
}

async function databaseChecks(config: Config, quick: boolean): Promise<CheckResult[]> {
  const subject = 'PostgreSQL';
  let connection: DatabaseConnection;
  try {
    connection = await connectDatabase(config);
  } catch (error) {
    return [fail(subject, `cannot start the embedded PostgreSQL: ${errorText(error)}`, 'set DATABASE_URL to your PostgreSQL server')];
  }
  const client = new pg.Client({ connectionString: connection.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await connection.stop();
    return [fail(subject, `${connection.description} does not answer: ${errorText(error)}`, 'start PostgreSQL (sudo systemctl start postgresql, or docker compose up -d postgres) and check DATABASE_URL')];
  }
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return [
      ok(subject, `${connection.description} answers (PostgreSQL ${rows[0]!.server_version})`),
      await checkMigrations(client),
      await checkClock(client, systemClock),
      ...(quick ? [] : [await checkBackupTool(client)]),
    ];
  } finally {
    await client.end().catch(() => undefined);
    await connection.stop();
  }
}

async function redisChecks(config: Config): Promise<CheckResult[]> {
  const subject = 'Redis';
  if (!config.REDIS_URL) {
    return [fail(subject, 'REDIS_URL is not set: the bot starts a Redis of its own that keeps nothing, so a restart loses every timer', 'install Redis (sudo apt-get install -y redis-server) and set REDIS_URL=redis://127.0.0.1:6379')];
  }
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    return [fail(subject, `${describeUrl(config.REDIS_URL)} does not answer: ${errorText(error)}`, 'start Redis (sudo systemctl start redis-server, or docker compose up -d redis) and check REDIS_URL')];
  }
  try {
    return [ok(subject, `${describeUrl(config.REDIS_URL)} answers`), await checkEviction(redis), await checkPersistence(redis)];
  } finally {
    redis.disconnect();
  }
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.subject.length));
  const lines = results.flatMap((result) => [
    `${MARK[result.outcome]}  ${result.subject.padEnd(width)}  ${result.finding}`,
    ...(result.fix ? [`${' '.repeat(width + 8)}fix: ${result.fix}`] : []),
  ]);
  const failed = results.filter((result) => result.outcome === 'fail').length;
  const warned = results.filter((result) => result.outcome === 'warn').length;
  const summary = failed === 0 ? `Everything needed is in place${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}.` : `${failed} problem${failed > 1 ? 's' : ''} to fix${warned ? `, ${warned} warning${warned > 1 ? 's' : ''}` : ''}.`;
  return ['Kinbridge doctor', '', ...lines, '', summary].join('\n');
}
