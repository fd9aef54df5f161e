import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { DeploymentPaths } from '../../infra/deployment-paths.js';
import { aptInstallLine, debianPackagesFor, missingTools } from '../../infra/system-tools.js';
import { errorText, fail, ok, warn, type CheckResult } from './check.js';

const MIB = 1024 * 1024;
/** Below this, the next few photos or a PostgreSQL dump may not fit. */
const FREE_SPACE_FAIL = 256 * MIB;
const FREE_SPACE_WARN = 2048 * MIB;
const MIN_SECRET_LENGTH = 32;

export function checkTools(config: Config): CheckResult {
  const subject = 'Voice tools';
  if (config.SPEECH_PROVIDER !== 'espeak-ng') return ok(subject, `speech comes from ${config.SPEECH_PROVIDER}, no local tools needed`);
  const missing = missingTools(['espeak-ng', 'ffmpeg']);
  if (missing.length === 0) return ok(subject, 'espeak-ng and ffmpeg are installed: play reminders go as voice notes');
  return fail(subject, `${missing.join(' and ')} missing: play reminders go as text only`, aptInstallLine(debianPackagesFor(missing)));
}

/** The bot writes media, the speech cache and the WeChat session here; each must be writable by this user. */
export async function checkDataDirectories(paths: DeploymentPaths): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [subject, dir] of [['Data directory', paths.dataDir], ['Media directory', paths.mediaDir], ['Speech cache', paths.speechCacheDir]] as const) {
    results.push(await checkWritable(subject, dir));
  }
  results.push(await checkFreeSpace(paths.dataDir));
  return results;
}

async function checkWritable(subject: string, dir: string): Promise<CheckResult> {
  const probe = path.join(dir, `.doctor-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe);
    return ok(subject, `${dir} is writable`);
  } catch (error) {
    const user = process.getuid?.() ?? 'this user';
    return fail(subject, `cannot write in ${dir}: ${errorText(error)}`, `give the bot's user the directory: sudo chown -R ${user} ${dir}`);
  }
}

async function checkFreeSpace(dir: string): Promise<CheckResult> {
  const subject = 'Free space';
  try {
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    const finding = `${Math.floor(free / MIB)} MB free where ${dir} is`;
    const fix = 'free some space, or move KINBRIDGE_DATA_DIR to a larger disk (lower MEDIA_RETENTION_DAYS keeps fewer old photos)';
    if (free < FREE_SPACE_FAIL) return fail(subject, `only ${finding}`, fix);
    if (free < FREE_SPACE_WARN) return warn(subject, `only ${finding}`, fix);
    return ok(subject, finding);
  } catch (error) {
    return fail(subject, `cannot measure free space at ${dir}: ${errorText(error)}`, 'create the data directory first (it is KINBRIDGE_DATA_DIR)');
  }
}

/** KINBRIDGE_SECRET, or the generated file; without it invite codes and sealed messages cannot be read. */
export async function checkSecret(config: Config, paths: DeploymentPaths): Promise<CheckResult> {
  const subject = 'Deployment secret';
  if (config.KINBRIDGE_SECRET) return ok(subject, `KINBRIDGE_SECRET is set (${config.KINBRIDGE_SECRET.length} characters)`);
  const fix = `set KINBRIDGE_SECRET to a long random value, e.g. openssl rand -hex 32 (keep the same one for good: invite codes and sealed messages depend on it)`;
  const secret = await readFile(paths.secretFile, 'utf8').catch(() => undefined);
  if (secret === undefined) return warn(subject, `KINBRIDGE_SECRET is not set and ${paths.secretFile} does not exist yet: the bot will generate it at first start`, fix);
  if (secret.trim().length < MIN_SECRET_LENGTH) return fail(subject, `${paths.secretFile} holds only ${secret.trim().length} characters (at least ${MIN_SECRET_LENGTH} are needed)`, fix);
  if (((await stat(paths.secretFile)).mode & 0o077) !== 0) {
    return fail(subject, `${paths.secretFile} can be read by other users of this machine`, `chmod 600 ${paths.secretFile}`);
  }
  return ok(subject, `generated secret kept in ${paths.secretFile}; it is part of every backup`);
}
