import { inject } from 'vitest';
import { createStorage, type Database, type SqlPool } from '../../src/storage/prisma.js';
import { dropDatabase, uniqueDatabaseName, withAdminClient, withDatabase } from './postgres-admin.js';

export interface TestDatabase {
  /** Connection URL of this database alone, for code that takes a URL (pg, applyMigrations, ...). */
  url: string;
  prisma: Database;
  /** The pool beneath `prisma`, for the hot path's own statements. */
  sql: SqlPool;
  /** Disconnects `prisma` and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, fully migrated database of its own, cloned from the template global-setup built.
 * Typical use: `const db = await createTestDatabase()` in beforeAll, `await db.drop()` in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const template = inject('templateDatabase');
  const name = await withAdminClient(adminUrl, async (client) => {
    const unique = await uniqueDatabaseName(client);
    await cloneWithRetry(client, unique, template);
    return unique;
  });
  const url = withDatabase(adminUrl, name);
  const storage = createStorage(url);
  return {
    url,
    prisma: storage.db,
    sql: storage.sql,
    drop: async () => {
      await storage.close();
      await withAdminClient(adminUrl, (client) => dropDatabase(client, name));
    },
  };
}

/** An empty database (no tables, no migrations) on the test server, for tests of migrations themselves. */
export async function createEmptyTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = await withAdminClient(adminUrl, async (client) => {
    const unique = await uniqueDatabaseName(client);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(unique)}`);
    return unique;
  });
  return {
    url: withDatabase(adminUrl, name),
    drop: () => withAdminClient(adminUrl, (client) => dropDatabase(client, name)),
  };
}

type AdminClient = Parameters<Parameters<typeof withAdminClient>[1]>[0];

/**
 * PostgreSQL answers 55006 "source database is being accessed by other users" when clones of one
 * template overlap in unlucky ways; it clears in milliseconds.
 */
async function cloneWithRetry(client: AdminClient, name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
