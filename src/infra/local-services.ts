import path from 'node:path';
import { startLocalPostgres } from './local-postgres.js';
import { startLocalRedis } from './local-redis.js';

/**
 * PostgreSQL and Redis for the bot, the CLIs and the tests: the servers named by DATABASE_URL and
 * REDIS_URL when those are set, otherwise ones started here so a fresh checkout runs with no set-up.
 */

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  /** Stops only what was started here; servers given by URL are left alone. */
  stop(): Promise<void>;
}

export interface LocalServicesOptions {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  /** Embedded PostgreSQL keeps its cluster in `<dataDir>/postgres`. */
  dataDir: string;
  /** Throwaway data: lets the embedded PostgreSQL skip fsync. */
  ephemeral?: boolean;
  logger?: { info(message: string): void };
}

export async function startLocalServices({
  databaseUrl,
  redisUrl,
  dataDir,
  ephemeral = false,
  logger = console,
}: LocalServicesOptions): Promise<LocalServices> {
  const postgresDir = embeddedPostgresDir(dataDir);
  const [postgres, redis] = await Promise.allSettled([
    databaseUrl ? undefined : startLocalPostgres({ dataDir: postgresDir, ephemeral }),
    redisUrl ? undefined : startLocalRedis(),
  ]);
  const started = [postgres, redis].flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
  };
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    // Do not leave the one that did start running behind a failed start-up.
    await stop();
    throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
  }

  const finalDatabaseUrl = databaseUrl ?? postgres.value!.url;
  const finalRedisUrl = redisUrl ?? redis.value!.url;
  logger.info(
    databaseUrl
      ? `PostgreSQL: using DATABASE_URL (${describeUrl(databaseUrl)})`
      : `PostgreSQL: started embedded server at ${describeUrl(finalDatabaseUrl)}, data in ${postgresDir}`,
  );
  logger.info(
    redisUrl
      ? `Redis: using REDIS_URL (${describeUrl(redisUrl)})`
      : `Redis: started redis-server at ${describeUrl(finalRedisUrl)}, nothing kept on disk`,
  );
  return { databaseUrl: finalDatabaseUrl, redisUrl: finalRedisUrl, stop };
}

/** Where the embedded cluster lives under KINBRIDGE_DATA_DIR; tools that need only PostgreSQL use it too. */
export function embeddedPostgresDir(dataDir: string): string {
  return path.resolve(dataDir, 'postgres');
}

/** host:port/path without credentials, fit for logs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
