import type pg from 'pg';
import type { Clock } from '../../core/clock.js';
import { findPostgresTool, PostgresToolMissingError, serverMajorVersion } from '../../infra/postgres-tools.js';
import { MigrationFromNewerVersionError, migrationStatus } from '../../storage/migrate.js';
import { fail, ok, warn, type CheckResult } from './check.js';

/** More apart than this, reminders and expiries decided on one machine look wrong on the other. */
const CLOCK_TOLERANCE_MS = 5_000;

export async function checkMigrations(client: pg.Client): Promise<CheckResult> {
  const subject = 'Database schema';
  const status = await migrationStatus(client);
  if (status.state === 'current') return ok(subject, `up to date (${status.applied.length} migrations, the latest ${status.applied.at(-1) ?? 'none'})`);
  if (status.state === 'behind') {
    return fail(subject, `${status.pending.length} migration(s) not applied yet: ${status.pending.join(', ')}`, 'start the bot, which applies them first, or run: npm run db:migrate');
  }
  const fix =
    status.error instanceof MigrationFromNewerVersionError
      ? 'run the newer Kinbridge version that migrated it, or restore a backup made with this version onto an empty database'
      : 'repair the database as the message says, then run this again';
  return fail(subject, status.error.message, fix);
}

/** Compares this machine's clock with the database server's, halfway through the round trip. */
export async function checkClock(client: pg.Client, clock: Clock): Promise<CheckResult> {
  const subject = 'Clock';
  const before = clock.now().getTime();
  const { rows } = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  const after = clock.now().getTime();
  const skewMs = (before + after) / 2 - rows[0]!.now.getTime();
  const seconds = Math.abs(skewMs / 1000).toFixed(1);
  if (Math.abs(skewMs) <= CLOCK_TOLERANCE_MS) return ok(subject, `this machine and the database agree (within ${seconds} s)`);
  return fail(
    subject,
    `this machine's clock is ${seconds} s ${skewMs > 0 ? 'ahead of' : 'behind'} the database's, so reminders would come at the wrong time`,
    'turn on time synchronisation on both machines: sudo timedatectl set-ntp true',
  );
}

/** A backup needs a pg_dump at least as new as the server. */
export async function checkBackupTool(client: pg.Client): Promise<CheckResult> {
  const subject = 'Backups';
  try {
    const tool = await findPostgresTool('pg_dump', await serverMajorVersion(client));
    return ok(subject, `pg_dump ${tool.major} can back this database up (${tool.path})`);
  } catch (error) {
    if (!(error instanceof PostgresToolMissingError)) throw error;
    return warn(subject, error.message, error.fix);
  }
}
