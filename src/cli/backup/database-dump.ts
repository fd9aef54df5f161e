import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { promisify } from 'node:util';
import type pg from 'pg';
import { findPostgresTool, PostgresToolMissingError, type PostgresTool, type FoundTool } from '../../infra/postgres-tools.js';
import { CommandError } from '../coordinator-commands.js';

const run = promisify(execFile);

/** pg_dump and pg_restore in PostgreSQL's custom format, with the password out of the command line (ps shows it). */

export async function postgresTool(tool: PostgresTool, atLeastMajor: number): Promise<FoundTool> {
  try {
    return await findPostgresTool(tool, atLeastMajor);
  } catch (error) {
    if (error instanceof PostgresToolMissingError) throw new CommandError(`Cannot ${tool === 'pg_dump' ? 'back up' : 'restore'}: ${error.message}.\nFix: ${error.fix}`);
    throw error;
  }
}

/** Dumps exactly what `snapshot` (pg_export_snapshot of an open transaction) sees. */
export async function dumpDatabase(pgDump: FoundTool, databaseUrl: string, snapshot: string, file: string): Promise<void> {
  await runTool(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${file}`], databaseUrl);
  // Personal data: private like the rest of the backup, wherever the directory is copied to.
  await chmod(file, 0o600);
}

/** All or nothing: one transaction, stopping at the first error. */
export async function restoreDatabase(pgRestore: FoundTool, databaseUrl: string, file: string): Promise<void> {
  await runTool(pgRestore, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', file], databaseUrl);
}

async function runTool(tool: FoundTool, args: readonly string[], databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  try {
    await run(tool.path, [...args, `--dbname=${url.toString()}`], { env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${tool.path} failed: ${stderr || (error as Error).message}`);
  }
}

/** Rows in every table but the migration history, the numbers a restore must find again. */
export async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM public.${client.escapeIdentifier(name)}`);
    counts[name] = Number(rows[0]!.count);
  }
  return counts;
}
