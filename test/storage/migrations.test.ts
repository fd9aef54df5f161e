import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as enums from '../../src/storage/generated/enums.js';
import { Prisma } from '../../src/storage/generated/client.js';
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationPreviouslyFailedError,
  applyMigrations,
  migrationChecksum,
  readMigrations,
} from '../../src/storage/migrate.js';
import { createPrismaClient } from '../../src/storage/prisma.js';
import { addMigration, copyOfMigrations } from '../support/migration-dirs.js';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The hand-kept SQL in prisma/migrations must build exactly what the generated Prisma Client expects. */

type RuntimeField = { name: string; kind: 'scalar' | 'enum' | 'object'; type: string };
type RuntimeDataModel = { models: Record<string, { fields: RuntimeField[]; dbName: string | null }> };

/** The PostgreSQL type Prisma gives each scalar type, and each native-type attribute the schema uses. */
const PG_TYPE_FOR: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
  '@db.Uuid': 'uuid',
  '@db.Date': 'date',
  '@db.Text': 'text',
  '@db.Timestamptz': 'timestamptz',
};

/**
 * Optionality and native types (@db.*) per `Model.field`, read from prisma/schema.prisma: the runtime
 * data model leaves both out, and without them a DATE column could silently be a TIMESTAMP.
 */
async function schemaFieldDetails(): Promise<Map<string, { optional: boolean; list: boolean; nativeType?: string }>> {
  const schema = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, '..', 'schema.prisma'), 'utf8');
  const details = new Map<string, { optional: boolean; list: boolean; nativeType?: string }>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{$([\s\S]*?)^\}/gm)) {
    for (const [, field, list, optional, rest] of body!.matchAll(/^\s+(\w+)\s+\w+(\[\])?(\?)?(.*)$/gm)) {
      const nativeType = /@db\.\w+/.exec(rest!)?.[0];
      details.set(`${model}.${field}`, { optional: optional === '?', list: list === '[]', ...(nativeType ? { nativeType } : {}) });
    }
  }
  return details;
}

const scalarFieldEnums = Prisma as unknown as Record<string, Record<string, string> | undefined>;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations on a fresh database', () => {
  let db: { url: string; drop(): Promise<void> };
  let firstRun: { applied: string[] };

  beforeAll(async () => {
    db = await createEmptyTestDatabase();
    firstRun = await applyMigrations({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies every migration directory, in order', async () => {
    const names = await realMigrationNames();
    expect(names).toContain('20261123000000_init');
    expect(firstRun.applied).toEqual(names);
  });

  it('creates a table and column for every model and scalar field of the generated client', async () => {
    const columns = await query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      datetime_precision: number | null;
      is_nullable: 'YES' | 'NO';
    }>(
      db.url,
      `SELECT table_name, column_name, udt_name, datetime_precision, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const details = await schemaFieldDetails();
    const column = (table: string, name: string) => columns.find((c) => c.table_name === table && c.column_name === name);

    // ModelName/ScalarFieldEnum are the public list of fields; the client's runtime data model (not
    // public, hence the cast) adds each field's kind and type. Constructing a client does not connect.
    const client = createPrismaClient(db.url);
    const runtime = (client as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    await client.$disconnect();

    const models = Object.values(Prisma.ModelName);
    expect(models.length).toBeGreaterThan(0);
    expect(Object.keys(runtime.models).sort()).toEqual([...models].sort());
    for (const model of models) {
      const fields = Object.values(scalarFieldEnums[`${model}ScalarFieldEnum`] ?? {});
      expect(fields.length, `${model} has scalar fields`).toBeGreaterThan(0);
      const runtimeFields = runtime.models[model]!.fields.filter((field) => field.kind !== 'object');
      expect(runtimeFields.map((field) => field.name).sort()).toEqual([...fields].sort());

      const table = runtime.models[model]!.dbName ?? model;
      for (const field of runtimeFields) {
        const where = `${table}.${field.name}`;
        const found = column(table, field.name);
        expect(found, `column ${where}`).toBeDefined();
        const detail = details.get(`${model}.${field.name}`);
        expect(detail, `${model}.${field.name} in schema.prisma`).toBeDefined();
        const elementType = field.kind === 'enum' ? field.type : PG_TYPE_FOR[detail!.nativeType ?? field.type];
        // PostgreSQL names an array type after its element with a leading underscore; Prisma leaves list columns nullable.
        expect(found!.udt_name, `type of ${where}`).toBe(detail!.list ? `_${elementType}` : elementType);
        expect(found!.is_nullable, `nullability of ${where}`).toBe(detail!.optional || detail!.list ? 'YES' : 'NO');
        // Prisma's DateTime is TIMESTAMP(3); anything else loses or invents precision.
        if (found!.udt_name === 'timestamp') expect(found!.datetime_precision, where).toBe(3);
      }
    }
  });

  it('creates every enum of the schema as a PostgreSQL enum with the same labels in the same order', async () => {
    const labels = await query<{ typname: string; enumlabel: string }>(
      db.url,
      `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`,
    );
    const enumObjects = Object.entries(enums).filter(([, value]) => typeof value === 'object');
    expect(enumObjects.length).toBeGreaterThan(0);
    for (const [name, values] of enumObjects) {
      const inDatabase = labels.filter((row) => row.typname === name).map((row) => row.enumlabel);
      expect(inDatabase, `enum ${name}`).toEqual(Object.values(values as Record<string, string>));
    }
  });

  it("records each migration in _prisma_migrations the way Prisma does", async () => {
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(db.url, `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations"`);
    const names = await realMigrationNames();
    expect(rows.map((row) => row.migration_name).sort()).toEqual(names);
    for (const name of names) {
      // Prisma's checksum: SHA-256 of migration.sql, hex.
      const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
      const row = rows.find((candidate) => candidate.migration_name === name);
      expect(row, name).toMatchObject({ checksum: migrationChecksum(sql), rolled_back_at: null, applied_steps_count: 1 });
      expect(row!.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.finished_at, name).toBeInstanceOf(Date);
    }
  });

  it('applies nothing when run again', async () => {
    expect(await applyMigrations({ databaseUrl: db.url })).toEqual({ applied: [] });
  });

  it('accepts a checkout that only changed line endings, as Prisma does', async () => {
    const dir = await copyOfMigrations();
    try {
      const file = path.join(dir, '20261123000000_init', 'migration.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
      expect(await applyMigrations({ databaseUrl: db.url, migrationsDir: dir })).toEqual({ applied: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses, naming the migration, when an applied migration file was edited', async () => {
    const dir = await copyOfMigrations();
    try {
      const file = path.join(dir, '20261123000000_init', 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after it was applied\n`);
      const attempt = applyMigrations({ databaseUrl: db.url, migrationsDir: dir });
      await expect(attempt).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
      await expect(attempt).rejects.toMatchObject({ migrationName: '20261123000000_init' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migration failures', () => {
  let db: { url: string; drop(): Promise<void> };
  let dir: string;

  beforeAll(async () => {
    db = await createEmptyTestDatabase();
    dir = await copyOfMigrations();
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rolls a failing migration back completely and names it', async () => {
    await addMigration(dir, '20990101000000_broken', 'CREATE TABLE "Half" (id INT);\nSELECT * FROM "NoSuchTable";\n');
    const attempt = applyMigrations({ databaseUrl: db.url, migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(attempt).rejects.toMatchObject({ migrationName: '20990101000000_broken' });

    const tables = await query<{ table_name: string }>(
      db.url,
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('Half', 'Person')`,
    );
    // The real migrations before it committed; the broken one left nothing behind, not even its history row.
    expect(tables.map((row) => row.table_name)).toEqual(['Person']);
    const history = await query<{ migration_name: string }>(
      db.url,
      `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(history.map((row) => row.migration_name)).toEqual(await realMigrationNames());
  });

  it('refuses to go on after a migration that started and never finished', async () => {
    await rm(path.join(dir, '20990101000000_broken'), { recursive: true });
    await query(
      db.url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ('00000000-0000-0000-0000-000000000001', $1, '20990102000000_crashed', 'boom')`,
      ['0'.repeat(64)],
    );
    const attempt = applyMigrations({ databaseUrl: db.url, migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationPreviouslyFailedError);
    await expect(attempt).rejects.toMatchObject({ migrationName: '20990102000000_crashed' });

    // Marked rolled back (what `prisma migrate resolve --rolled-back` does), it no longer blocks.
    await query(db.url, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '20990102000000_crashed'`);
    expect(await applyMigrations({ databaseUrl: db.url, migrationsDir: dir })).toEqual({ applied: [] });
  });
});

describe('concurrent appliers', () => {
  it('apply each migration exactly once', async () => {
    const db = await createEmptyTestDatabase();
    try {
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations({ databaseUrl: db.url })));
      const names = await realMigrationNames();
      // One applier did all the work; the others waited for the lock and found nothing left to do.
      expect(results.map((result) => result.applied).sort((a, b) => b.length - a.length)).toEqual([names, [], []]);
      const rows = await query(db.url, `SELECT 1 FROM "_prisma_migrations"`);
      expect(rows).toHaveLength(names.length);
    } finally {
      await db.drop();
    }
  });
});

describe('Prisma Client on the migrated schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('writes and reads back a row of every model', async () => {
    const { prisma } = db;
    const person = await prisma.person.create({ data: { displayName: '李娜', quietStartMinute: 22 * 60, quietEndMinute: 7 * 60 } });
    expect(person).toMatchObject({ locale: 'zh-CN', timeZone: 'Asia/Shanghai', optedOutAt: null });
    expect(person.updatedAt).toBeInstanceOf(Date);

    const identity = await prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: '42', personId: person.id } });
    const cohort = await prisma.cohort.create({ data: { name: 'Spring 2026' } });
    await prisma.cohortCoordinator.create({ data: { cohortId: cohort.id, personId: person.id } });
    const family = await prisma.family.create({ data: { name: 'Li family', cohortId: cohort.id } });
    await prisma.familyMember.create({ data: { familyId: family.id, personId: person.id, role: enums.Role.parent } });
    const child = await prisma.child.create({
      data: { familyId: family.id, name: '小明', birthDate: new Date('2021-05-04T00:00:00Z'), cohortId: cohort.id },
    });
    await prisma.invite.create({
      data: { codeHash: 'hash-1', role: enums.Role.caregiver, familyId: family.id, createdById: person.id, expiresAt: new Date('2030-01-01T00:00:00Z') },
    });
    await prisma.consent.create({
      data: { personId: person.id, familyId: family.id, childId: child.id, kind: enums.ConsentKind.photo_sharing, granted: true },
    });
    await prisma.flowSession.create({
      data: { personId: person.id, flowId: 'onboarding', flowVersion: '1', stepId: 'start', vars: { childName: '小明', ages: [3, 4], nested: { ok: true } } },
    });

    const loaded = await prisma.person.findUniqueOrThrow({
      where: { id: person.id },
      include: {
        identities: true,
        coordinates: { include: { cohort: true } },
        memberships: { include: { family: { include: { children: true, invites: true, consents: true } } } },
        session: true,
      },
    });
    expect(loaded.identities).toEqual([identity]);
    expect(loaded.coordinates[0]!.cohort.name).toBe('Spring 2026');
    const membership = loaded.memberships[0]!;
    expect(membership.role).toBe('parent');
    expect(membership.family.children[0]!.birthDate.toISOString()).toBe('2021-05-04T00:00:00.000Z');
    expect(membership.family.invites[0]).toMatchObject({ role: 'caregiver', redeemedAt: null });
    expect(membership.family.consents[0]).toMatchObject({ kind: 'photo_sharing', granted: true, childId: child.id });
    expect(loaded.session).toMatchObject({
      vars: { childName: '小明', ages: [3, 4], nested: { ok: true } },
      stack: [],
      retries: 0,
      waitToken: null,
    });

    // The unique constraint Prisma relies on for upserts by (channel, externalId).
    await expect(
      prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: '42', personId: person.id } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    // ON DELETE CASCADE from Person.
    await prisma.person.delete({ where: { id: person.id } });
    expect(await prisma.channelIdentity.count()).toBe(0);
    expect(await prisma.family.count()).toBe(1);
  });
});

async function realMigrationNames(): Promise<string[]> {
  return (await readMigrations()).map((migration) => migration.name);
}
