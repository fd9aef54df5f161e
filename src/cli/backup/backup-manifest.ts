import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CommandError } from '../coordinator-commands.js';

/**
 * What a backup directory holds and how to check it: written last, so a directory without it is an unfinished backup.
 * Every file is listed with its size and SHA-256; restore refuses a backup whose files do not match.
 */

export const MANIFEST_FILE = 'manifest.json';
export const DUMP_FILE = 'database.dump';
export const SECRET_COPY_FILE = 'secret.key';
export const MEDIA_SUBDIR = 'media';

const manifestSchema = z.object({
  format: z.literal(1),
  kinbridgeVersion: z.string(),
  createdAt: z.string(),
  database: z.object({ serverVersion: z.string(), pgDumpMajor: z.number().int() }),
  /** The migrations the dumped database had: restore refuses one made by a version that knows more. */
  migrations: z.array(z.string()),
  /** Rows per table at the dump's snapshot, compared after restoring. */
  rowCounts: z.record(z.string(), z.number().int()),
  /** Where the deployment secret was: in the environment (not in the backup) or the generated file (copied). */
  secret: z.object({ source: z.enum(['environment', 'file']), fingerprint: z.string() }),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupFile = BackupManifest['files'][number];

export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) throw new CommandError(`${dir} has no ${MANIFEST_FILE}: it is not a Kinbridge backup, or one that did not finish`);
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new CommandError(`${path.join(dir, MANIFEST_FILE)} is not a manifest this version understands: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Refuses, naming the first file that is missing or changed since the backup was written. */
export async function verifyFiles(dir: string, files: readonly BackupFile[]): Promise<void> {
  for (const file of files) {
    const actual = await describeFile(dir, file.path).catch(() => undefined);
    if (!actual) throw new CommandError(`The backup is incomplete: ${file.path} is missing from ${dir}`);
    if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) throw new CommandError(`The backup is damaged: ${file.path} is not the file that was backed up (checksum differs)`);
  }
}

/** Size and SHA-256 of `relative` under `dir`, streamed (media files can be large). */
export async function describeFile(dir: string, relative: string): Promise<BackupFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path.join(dir, relative)) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { path: relative, bytes, sha256: hash.digest('hex') };
}

/** Tells two secrets apart without revealing either: restore checks that the target uses the backed-up one. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(`kinbridge-secret-fingerprint:${secret}`).digest('hex').slice(0, 16);
}
