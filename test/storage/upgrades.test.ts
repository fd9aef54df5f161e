import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { MigrationFromNewerVersionError, applyMigrations, readMigrations } from '../../src/storage/migrate.js';
import { addMigration, copyOfMigrations } from '../support/migration-dirs.js';
import { createEmptyTestDatabase } from '../support/test-database.js';
import { testRedisUrl } from '../support/test-redis.js';

/** Upgrading Kinbridge: a newer version moves the database forward; an older one refuses a database a newer one migrated. */

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const history = async (url: string) =>
  (await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`)).map((row) => row.migration_name);

describe('upgrading', () => {
  let db: { url: string; drop(): Promise<void> };
  let dirs: string[] = [];

  beforeAll(async () => {
    db = await createEmptyTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('a newer version applies only the migrations the older one lacked, keeping the data', async () => {
    const names = (await readMigrations()).map((migration) => migration.name);
    const older = await copyOfMigrations();
    dirs.push(older);
    await rm(path.join(older, names.at(-1)!), { recursive: true });
    await applyMigrations({ databaseUrl: db.url, migrationsDir: older });
    await query(db.url, `INSERT INTO "Person" (id, "displayName", "updatedAt") VALUES ('00000000-0000-0000-0000-0000000000aa', 'Nainai', now())`);

    expect(await applyMigrations({ databaseUrl: db.url })).toEqual({ applied: [names.at(-1)] });
    expect(await history(db.url)).toEqual(names);
    expect(await query(db.url, `SELECT "displayName" FROM "Person"`)).toEqual([{ displayName: 'Nainai' }]);
  });

  it('an older version refuses a database a newer one migrated, naming the migration it does not know, and changes nothing', async () => {
    const newer = await copyOfMigrations();
    dirs.push(newer);
    await addMigration(newer, '20991231000000_from_the_future', 'ALTER TABLE "Person" ADD COLUMN "nickname" TEXT;\n');
    expect(await applyMigrations({ databaseUrl: db.url, migrationsDir: newer })).toEqual({ applied: ['20991231000000_from_the_future'] });
    const before = await history(db.url);

    const attempt = applyMigrations({ databaseUrl: db.url });
    await expect(attempt).rejects.toBeInstanceOf(MigrationFromNewerVersionError);
    await expect(attempt).rejects.toThrow(/migrated by a newer version of Kinbridge: it has migration 20991231000000_from_the_future, which this version does not know/);
    expect(await history(db.url)).toEqual(before);
  });

  it('the bot process stops at start-up with that message and a failure exit code', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-upgrade-'));
    dirs.push(dataDir);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['tsx', 'src/main.ts', '--channel', 'console'],
        {
          cwd: projectRoot,
          env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), KINBRIDGE_DATA_DIR: dataDir, KINBRIDGE_SECRET: 'upgrade-test-secret-of-at-least-32-characters' },
          timeout: 60_000,
        },
        (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    expect(result.stderr).toContain('This database was migrated by a newer version of Kinbridge');
    expect(result.stderr).toContain('20991231000000_from_the_future');
    expect(result.code).toBe(1);
  });
});
