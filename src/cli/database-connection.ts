import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';
import { startLocalPostgres } from '../infra/local-postgres.js';
import { describeUrl, embeddedPostgresDir } from '../infra/local-services.js';
import { projectRoot } from '../paths.js';

export interface DatabaseConnection {
  readonly url: string;
  readonly description: string;
  stop(): Promise<void>;
}

/** DATABASE_URL, else the bot's embedded PostgreSQL: the server it is running, or one started here on its data. */
export async function connectDatabase(config: Config): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, description: `${describeUrl(config.DATABASE_URL)} (DATABASE_URL)`, stop: async () => {} };
  const clusterDir = embeddedPostgresDir(path.resolve(projectRoot, config.KINBRIDGE_DATA_DIR));
  const running = await runningEmbeddedPostgres(clusterDir);
  if (running) return { url: running, description: `embedded PostgreSQL in ${clusterDir}, served by the running bot`, stop: async () => {} };
  const local = await startLocalPostgres({ dataDir: clusterDir });
  return { url: local.url, description: `embedded PostgreSQL in ${clusterDir}`, stop: () => local.stop() };
}

/**
 * While `npm start` runs, its embedded server holds the cluster (a second server on it refuses to start). The
 * server's postmaster.pid names its port, and local-postgres.ts keeps the password beside it, so we join it.
 */
async function runningEmbeddedPostgres(clusterDir: string): Promise<string | undefined> {
  const pidFile = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!pidFile) return undefined;
  const lines = pidFile.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // ESRCH: a stale file from a killed server, which PostgreSQL cleans up when started. EPERM: alive, not ours.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  const password = (await readFile(path.join(clusterDir, 'kinbridge-password'), 'utf8')).trim();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/kinbridge`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return url;
  } catch (error) {
    throw new Error(`PostgreSQL (pid ${pid}) is running on ${clusterDir} but does not answer on port ${port}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
