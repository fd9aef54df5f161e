import { loadConfig } from '../config.js';
import { embeddedPostgresDir, describeUrl } from '../infra/local-services.js';
import { startLocalPostgres } from '../infra/local-postgres.js';
import { applyMigrations } from '../storage/migrate.js';

/** `npm run db:migrate`: applies pending prisma/migrations to DATABASE_URL, or to the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  // Only PostgreSQL is needed here, so no Redis is started even when REDIS_URL is unset.
  const local = config.DATABASE_URL
    ? undefined
    : await startLocalPostgres({ dataDir: embeddedPostgresDir(config.KINBRIDGE_DATA_DIR) });
  const databaseUrl = config.DATABASE_URL ?? local!.url;
  try {
    const { applied } = await applyMigrations({ databaseUrl });
    const target = local ? `embedded PostgreSQL (${embeddedPostgresDir(config.KINBRIDGE_DATA_DIR)})` : describeUrl(databaseUrl);
    if (applied.length === 0) console.log(`Database ${target} is up to date.`);
    else console.log(`Applied to ${target}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
  } finally {
    await local?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
