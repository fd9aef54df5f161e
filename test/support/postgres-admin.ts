import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * CREATE/DROP DATABASE helpers for the test set-up. Every database a test run makes is named
 * `kbt_<unix seconds>_<random>`, so runs sharing one server (DATABASE_URL) never collide, and
 * leftovers of killed runs can be recognised by age and dropped.
 */

const PREFIX = 'kbt_';

/**
 * Stamped with the database server's own clock, not this process's: a run under libfaketime (a year ahead or back)
 * must neither look stale to a run beside it nor find that run's databases stale.
 */
export async function uniqueDatabaseName(client: pg.Client, suffix = ''): Promise<string> {
  return `${PREFIX}${await serverEpochSeconds(client)}_${randomBytes(4).toString('hex')}${suffix}`;
}

async function serverEpochSeconds(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ seconds: string }>('SELECT floor(extract(epoch FROM now()))::bigint AS seconds');
  return Number(rows[0]!.seconds);
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export async function withAdminClient<T>(adminUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) ends sessions a test forgot to close instead of failing on them.
  await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
}

/** Drops databases of test runs that started over a day ago and were killed before their teardown. */
export async function dropStaleTestDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'kbt\\_%'`,
  );
  const dayAgo = (await serverEpochSeconds(client)) - 24 * 3600;
  for (const { datname } of rows) {
    const createdAt = Number(datname.slice(PREFIX.length).split('_')[0]);
    if (createdAt < dayAgo) {
      await client.query(`ALTER DATABASE ${client.escapeIdentifier(datname)} IS_TEMPLATE false`);
      await dropDatabase(client, datname);
    }
  }
}
