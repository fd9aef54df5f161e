import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServices } from '../../src/infra/local-services.js';
import { applyMigrations } from '../../src/storage/migrate.js';
import { dropDatabase, dropStaleTestDatabases, uniqueDatabaseName, withAdminClient, withDatabase } from './postgres-admin.js';

/**
 * Runs once per `vitest` run, before any test file: gets a PostgreSQL and a Redis (DATABASE_URL and
 * REDIS_URL when set, else an embedded PostgreSQL in a temporary directory and a child redis-server),
 * then migrates one template database that every test file clones (a clone takes milliseconds,
 * migrating takes far longer).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  // A fresh directory per run: two runs at once in the same checkout must not share a cluster.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-test-'));
  // mkdtemp makes it 700; as root the cluster inside runs as `postgres`, which must be able to enter.
  await chmod(dataDir, 0o755);
  const services = await startLocalServices({
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    dataDir,
    ephemeral: true,
    logger: { info: (message) => console.log(`[test services] ${message}`) },
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });

  const adminUrl = services.databaseUrl;
  let templateDatabase = '';
  try {
    await withAdminClient(adminUrl, async (client) => {
      await dropStaleTestDatabases(client);
      templateDatabase = await uniqueDatabaseName(client, '_template');
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(templateDatabase)}`);
    });
    await applyMigrations({ databaseUrl: withDatabase(adminUrl, templateDatabase) });
    await withAdminClient(adminUrl, (client) =>
      // Nobody may connect to it: CREATE DATABASE ... TEMPLATE fails while anyone is.
      client.query(`ALTER DATABASE ${client.escapeIdentifier(templateDatabase)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`),
    );
  } catch (error) {
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
  project.provide('redisUrl', services.redisUrl);
  console.log(`[test services] ready in ${Date.now() - startedAt} ms`);

  return async () => {
    await withAdminClient(adminUrl, async (client) => {
      await client.query(`ALTER DATABASE ${client.escapeIdentifier(templateDatabase)} IS_TEMPLATE false`);
      await dropDatabase(client, templateDatabase);
    }).catch((error: unknown) => console.warn(`[test services] could not drop ${templateDatabase}:`, error));
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
