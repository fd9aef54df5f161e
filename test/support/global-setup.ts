import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/storage/migrate.js';
import { dropDatabase, dropStaleTestDatabases, uniqueDatabaseName, withAdminClient, withDatabase } from './postgres-admin.js';
import { startTestServices } from './test-services.js';

/**
 * Runs once per `vitest` run, before any test file: gets a PostgreSQL and a Redis (`startTestServices`),
 * then migrates one template database that every test file clones (a clone takes milliseconds,
 * migrating takes far longer).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const services = await startTestServices();

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
  };
}
