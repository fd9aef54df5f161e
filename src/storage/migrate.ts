import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * Applies prisma/migrations/*\/migration.sql without the Prisma schema engine (which cannot be
 * downloaded everywhere we run), while keeping Prisma's `_prisma_migrations` bookkeeping so that
 * `prisma migrate status/deploy` and this applier agree on what has been applied.
 */

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The key Prisma's schema engine locks on: sharing it keeps us and `prisma migrate` from racing too. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** Same columns and types as the table Prisma's schema engine creates. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override readonly name: string = 'MigrationError';
  constructor(
    readonly migrationName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An applied migration's file was edited afterwards: the database no longer matches the files. */
export class MigrationChecksumMismatchError extends MigrationError {
  override readonly name = 'MigrationChecksumMismatchError';
}

/** A migration started earlier never finished (a `prisma migrate deploy` failure, for instance). */
export class MigrationPreviouslyFailedError extends MigrationError {
  override readonly name = 'MigrationPreviouslyFailedError';
}

/**
 * The database carries a migration these files do not have: a newer Kinbridge migrated it. Running older code on a newer
 * schema could write rows the newer code misreads, so the older code stops instead.
 */
export class MigrationFromNewerVersionError extends MigrationError {
  override readonly name = 'MigrationFromNewerVersionError';
}

/** A migration's SQL failed now; its transaction was rolled back, so nothing of it remains. */
export class MigrationFailedError extends MigrationError {
  override readonly name = 'MigrationFailedError';
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  migrationsDir?: string;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Like Prisma, tolerates a checkout that only changed line endings (git autocrlf on Windows). */
function matchesChecksum(sql: string, checksum: string): boolean {
  const lf = sql.replaceAll('\r\n', '\n');
  return [sql, lf, lf.replaceAll('\n', '\r\n')].some((variant) => migrationChecksum(variant) === checksum);
}

/** Migration directories in the order Prisma applies them: by name, which starts with a timestamp. */
export async function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    if (sql !== undefined) migrations.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return migrations;
}

export async function applyMigrations({
  databaseUrl,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
}: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  // A lost connection also rejects the query in flight; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Session-level lock: held across the per-migration transactions, released by unlock or disconnect.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const pending = pendingMigrations(migrations, await appliedMigrationRows(client));
      const applied: string[] = [];
      for (const migration of pending) {
        await applyOne(client, migration);
        applied.push(migration.name);
      }
      return { applied };
    } finally {
      // A failed unlock must not hide the real error; disconnecting releases the lock anyway.
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function appliedMigrationRows(client: pg.Client): Promise<MigrationRow[]> {
  const { rows } = await client.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at',
  );
  return rows;
}

export type MigrationStatus =
  | { readonly state: 'current'; readonly applied: readonly string[] }
  | { readonly state: 'behind'; readonly applied: readonly string[]; readonly pending: readonly string[] }
  | { readonly state: 'refused'; readonly error: MigrationError };

/**
 * Where the database stands against these migration files, changing nothing (for `doctor` and `backup`): current,
 * behind (what the bot would apply at start), or refused with the error the bot would stop on.
 */
export async function migrationStatus(client: pg.Client, migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationStatus> {
  const migrations = await readMigrations(migrationsDir);
  const { rows: [table] } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  const rows = table?.exists ? await appliedMigrationRows(client) : [];
  try {
    const pending = pendingMigrations(migrations, rows).map((migration) => migration.name);
    const applied = migrations.map((migration) => migration.name).filter((name) => !pending.includes(name));
    return pending.length === 0 ? { state: 'current', applied } : { state: 'behind', applied, pending };
  } catch (error) {
    if (error instanceof MigrationError) return { state: 'refused', error };
    throw error;
  }
}

/** Refuses before touching anything when history and files disagree, as `prisma migrate deploy` would. */
function pendingMigrations(migrations: MigrationFile[], rows: MigrationRow[]): MigrationFile[] {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationPreviouslyFailedError(
      failed.migration_name,
      `Migration ${failed.migration_name} was started but never finished${failed.logs ? `:\n${failed.logs}` : ''}\n` +
        `Repair the database by hand, then mark it with ` +
        `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}' AND finished_at IS NULL; ` +
        `(or \`prisma migrate resolve --rolled-back ${failed.migration_name}\`).`,
    );
  }
  const known = new Set(migrations.map((migration) => migration.name));
  const unknown = live.filter((row) => !known.has(row.migration_name)).map((row) => row.migration_name);
  if (unknown.length > 0) {
    throw new MigrationFromNewerVersionError(
      unknown[0]!,
      `This database was migrated by a newer version of Kinbridge: it has migration${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.join(', ')}, which this version does not know. Nothing was changed. ` +
        `Run the newer version again, or restore a backup made with this version onto an empty database.`,
    );
  }
  const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const appliedChecksum = appliedChecksums.get(migration.name);
    if (appliedChecksum !== undefined && !matchesChecksum(migration.sql, appliedChecksum)) {
      throw new MigrationChecksumMismatchError(
        migration.name,
        `Migration ${migration.name} was modified after it was applied (checksum ${appliedChecksum} in the database, ` +
          `${migration.checksum} on disk). Restore the original file and put the change in a new migration.`,
      );
    }
  }
  return migrations.filter((migration) => !appliedChecksums.has(migration.name));
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg then uses the simple query protocol, which runs a multi-statement script.
    await client.query(migration.sql);
    await client.query(
      // clock_timestamp(), not now(): now() is frozen at the transaction's start.
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationFailedError(
      migration.name,
      `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
