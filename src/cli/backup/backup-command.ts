import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../config.js';
import { systemClock } from '../../core/clock.js';
import { deploymentPaths, type DeploymentPaths } from '../../infra/deployment-paths.js';
import { serverMajorVersion } from '../../infra/postgres-tools.js';
import { projectRoot } from '../../paths.js';
import { migrationStatus } from '../../storage/migrate.js';
import { CommandError } from '../coordinator-commands.js';
import { connectDatabase } from '../database-connection.js';
import { DUMP_FILE, MEDIA_SUBDIR, SECRET_COPY_FILE, describeFile, secretFingerprint, writeManifest, type BackupFile, type BackupManifest } from './backup-manifest.js';
import { countRows, dumpDatabase, postgresTool } from './database-dump.js';
import { directoryArgument } from './directory-argument.js';
import { copyFiles, filesUnder } from './media-files.js';

/**
 * `npm run cli -- backup <dir>`: the database as one snapshot (pg_dump), the media files, the generated secret and a
 * manifest. The bot may keep running: the dump is consistent in itself, and media files are only ever added or
 * deleted, never changed, so at worst a photo shared during the backup is in the copy without its row.
 */
export async function backupCommand(args: readonly string[]): Promise<number> {
  const dir = directoryArgument(args, 'backup <directory>  (a new or empty directory)');
  if (dir === undefined) return 0;
  await claimEmptyDirectory(dir);
  const config = loadConfig();
  const connection = await connectDatabase(config);
  try {
    const manifest = await writeBackup(dir, config, deploymentPaths(config), connection.url);
    console.log(backupSummary(dir, manifest));
    return 0;
  } finally {
    await connection.stop();
  }
}

async function writeBackup(dir: string, config: Config, paths: DeploymentPaths, databaseUrl: string): Promise<BackupManifest> {
  const database = await dumpSnapshot(dir, databaseUrl);
  const media = await copyMedia(paths.mediaDir, dir);
  const secret = await copySecret(config, paths, dir);
  const manifest: BackupManifest = {
    format: 1,
    kinbridgeVersion: await kinbridgeVersion(),
    createdAt: systemClock.now().toISOString(),
    database: database.info,
    migrations: database.migrations,
    rowCounts: database.rowCounts,
    secret: secret.entry,
    files: [await describeFile(dir, DUMP_FILE), ...secret.files, ...media],
  };
  await writeManifest(dir, manifest);
  return manifest;
}

/** pg_dump reads the snapshot this transaction exported, so the counts and migrations describe exactly the dump. */
async function dumpSnapshot(dir: string, databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const status = await migrationStatus(client);
    if (status.state === 'refused') throw new CommandError(`Cannot back up: ${status.error.message}`);
    if (status.state === 'behind') throw new CommandError(`Cannot back up: the database lacks migrations of this version (${status.pending.join(', ')}). Start the bot once (it migrates), then back up.`);
    const { rows } = await client.query<{ snapshot: string; server_version: string }>(`SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS server_version`);
    const rowCounts = await countRows(client);
    const pgDump = await postgresTool('pg_dump', await serverMajorVersion(client));
    await dumpDatabase(pgDump, databaseUrl, rows[0]!.snapshot, path.join(dir, DUMP_FILE));
    await client.query('COMMIT');
    return { info: { serverVersion: rows[0]!.server_version, pgDumpMajor: pgDump.major }, migrations: [...status.applied], rowCounts };
  } finally {
    await client.end();
  }
}

async function copyMedia(mediaDir: string, dir: string): Promise<BackupFile[]> {
  const files = await filesUnder(mediaDir);
  await copyFiles(files, mediaDir, path.join(dir, MEDIA_SUBDIR));
  return Promise.all(files.map((file) => describeFile(dir, `${MEDIA_SUBDIR}/${file}`)));
}

/** A secret from the environment stays there (the volunteer keeps it with .env); a generated one is copied. */
async function copySecret(config: Config, paths: DeploymentPaths, dir: string): Promise<{ entry: BackupManifest['secret']; files: BackupFile[] }> {
  if (config.KINBRIDGE_SECRET) return { entry: { source: 'environment', fingerprint: secretFingerprint(config.KINBRIDGE_SECRET) }, files: [] };
  const secret = await readFile(paths.secretFile, 'utf8').catch(() => {
    throw new CommandError(`Cannot back up: KINBRIDGE_SECRET is not set and ${paths.secretFile} does not exist. Is KINBRIDGE_DATA_DIR the bot's?`);
  });
  await copyFile(paths.secretFile, path.join(dir, SECRET_COPY_FILE));
  return { entry: { source: 'file', fingerprint: secretFingerprint(secret.trim()) }, files: [await describeFile(dir, SECRET_COPY_FILE)] };
}

/** A backup holds personal data and the secret: only this user may read it, and it never mixes with other files. */
async function claimEmptyDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries = await readdir(dir);
  if (entries.length > 0) throw new CommandError(`${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}). Give a new or empty directory for the backup.`);
}

async function kinbridgeVersion(): Promise<string> {
  return (JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function backupSummary(dir: string, manifest: BackupManifest): string {
  const count = (table: string) => manifest.rowCounts[table] ?? 0;
  const media = manifest.files.filter((file) => file.path.startsWith(`${MEDIA_SUBDIR}/`)).length;
  return [
    `Backup written to ${dir}:`,
    `  ${count('Family')} families, ${count('Person')} people, ${count('FlowSession')} conversations, ${count('ScheduledReminder')} reminders, ${media} media files`,
    `  PostgreSQL ${manifest.database.serverVersion} dumped with pg_dump ${manifest.database.pgDumpMajor}; ${manifest.migrations.length} migrations`,
    manifest.secret.source === 'file' ? '  The generated secret is in the backup: keep the backup as private as the data.' : '  KINBRIDGE_SECRET is not in the backup: keep it with your .env; the restored deployment needs the same value.',
    `Restore onto an empty deployment with: npm run cli -- restore ${dir}`,
  ].join('\n');
}
