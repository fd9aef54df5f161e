import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../config.js';
import { deploymentPaths, type DeploymentPaths } from '../../infra/deployment-paths.js';
import { applyMigrations, readMigrations } from '../../storage/migrate.js';
import { CommandError } from '../coordinator-commands.js';
import { connectDatabase } from '../database-connection.js';
import { DUMP_FILE, MEDIA_SUBDIR, SECRET_COPY_FILE, readManifest, secretFingerprint, verifyFiles, type BackupManifest } from './backup-manifest.js';
import { countRows, postgresTool, restoreDatabase } from './database-dump.js';
import { directoryArgument } from './directory-argument.js';
import { copyFiles, filesUnder } from './media-files.js';

/**
 * `npm run cli -- restore <dir>`: a backup onto an empty deployment (a new database, an empty media directory), with
 * the bot stopped. It refuses anything that already holds data rather than mixing two deployments, and checks the
 * backup's files and secret before touching anything. An older backup is migrated forward, as the bot would at start.
 */
export async function restoreCommand(args: readonly string[]): Promise<number> {
  const dir = directoryArgument(args, 'restore <backup directory>  (onto an empty deployment, with the bot stopped)');
  if (dir === undefined) return 0;
  const manifest = await readManifest(dir);
  await verifyFiles(dir, manifest.files);
  await refuseNewerBackup(manifest);
  const config = loadConfig();
  const paths = deploymentPaths(config);
  refuseOtherSecret(manifest, config);
  const connection = await connectDatabase(config);
  try {
    const client = new pg.Client({ connectionString: connection.url });
    await client.connect();
    try {
      await refuseNonEmptyDeployment(client, connection.description, paths.mediaDir);
      await restoreDatabaseFrom(client, dir, manifest, connection.url);
    } finally {
      await client.end();
    }
    const { applied } = await applyMigrations({ databaseUrl: connection.url });
    const media = manifest.files.map((file) => file.path).filter((file) => file.startsWith(`${MEDIA_SUBDIR}/`)).map((file) => file.slice(MEDIA_SUBDIR.length + 1));
    await copyFiles(media, path.join(dir, MEDIA_SUBDIR), paths.mediaDir);
    if (manifest.secret.source === 'file') await restoreSecret(dir, paths);
    console.log(
      [
        `Restored ${dir} (Kinbridge ${manifest.kinbridgeVersion}, made ${manifest.createdAt}) into ${connection.description}:`,
        `  ${manifest.rowCounts.Family ?? 0} families, ${manifest.rowCounts.Person ?? 0} people, ${media.length} media files in ${paths.mediaDir}`,
        ...(applied.length > 0 ? [`  then migrated forward: ${applied.join(', ')}`] : []),
        'Start the bot: it carries on where the backup left off.',
      ].join('\n'),
    );
    return 0;
  } finally {
    await connection.stop();
  }
}

async function refuseNewerBackup(manifest: BackupManifest): Promise<void> {
  const known = new Set((await readMigrations()).map((migration) => migration.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new CommandError(`This backup was made by a newer Kinbridge (${manifest.kinbridgeVersion}; migrations this version does not know: ${unknown.join(', ')}). Restore it with that version or a later one.`);
  }
}

/** Invite codes and sealed messages in the dump are keyed by the backed-up secret: any other one cannot read them. */
function refuseOtherSecret(manifest: BackupManifest, config: Config): void {
  const current = config.KINBRIDGE_SECRET ? secretFingerprint(config.KINBRIDGE_SECRET) : undefined;
  if (manifest.secret.source === 'environment' && current !== manifest.secret.fingerprint) {
    throw new CommandError("This backup was made with KINBRIDGE_SECRET set, and this deployment has a different one (or none). Set KINBRIDGE_SECRET to the backed-up deployment's value (from its .env) and run restore again.");
  }
  if (manifest.secret.source === 'file' && current !== undefined && current !== manifest.secret.fingerprint) {
    throw new CommandError(`This backup carries its generated secret (${SECRET_COPY_FILE}), but KINBRIDGE_SECRET is set to another value here. Unset KINBRIDGE_SECRET and run restore again.`);
  }
}

async function refuseNonEmptyDeployment(client: pg.Client, description: string, mediaDir: string): Promise<void> {
  const held = Object.entries(await countRows(client)).filter(([, rows]) => rows > 0);
  const howToEmpty = 'Restore only goes onto an empty deployment, so that two deployments never mix:';
  if (held.length > 0) {
    const what = held.slice(0, 4).map(([table, rows]) => `${rows} ${table}`).join(', ');
    throw new CommandError(`${description} already holds data (${what}${held.length > 4 ? ', …' : ''}). ${howToEmpty} point DATABASE_URL at a new, empty database and run restore again.`);
  }
  const files = await filesUnder(mediaDir);
  if (files.length > 0) throw new CommandError(`${mediaDir} already holds ${files.length} file(s). ${howToEmpty} move them away (or set KINBRIDGE_MEDIA_DIR to an empty directory) and run restore again.`);
}

/** The tables of a bot that started once are empty but may be of a newer schema: the dump brings its own. */
async function restoreDatabaseFrom(client: pg.Client, dir: string, manifest: BackupManifest, databaseUrl: string): Promise<void> {
  const pgRestore = await postgresTool('pg_restore', manifest.database.pgDumpMajor);
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await restoreDatabase(pgRestore, databaseUrl, path.join(dir, DUMP_FILE));
  const restored = await countRows(client);
  const differing = Object.entries(manifest.rowCounts).filter(([table, rows]) => restored[table] !== rows);
  if (differing.length > 0) throw new Error(`The restored database differs from the backup: ${differing.map(([table, rows]) => `${restored[table] ?? 'no'} ${table} rows instead of ${rows}`).join(', ')}`);
  // The journal of handled updates only guards against a platform delivering the last days' updates twice. A restored
  // deployment may be reached through another bot whose update ids start again: an old id must not drop a new message.
  await client.query('DELETE FROM "InboundUpdate" WHERE "handledAt" IS NOT NULL');
}

async function restoreSecret(dir: string, paths: DeploymentPaths): Promise<void> {
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 });
  await copyFile(path.join(dir, SECRET_COPY_FILE), paths.secretFile);
}
