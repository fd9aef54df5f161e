import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file under the data directory that keeps the generated secret when KINBRIDGE_SECRET is unset. */
export const SECRET_FILE_NAME = 'secret.key';

/**
 * KINBRIDGE_SECRET when set; otherwise a secret generated once and kept (readable by this user only) under the data
 * directory, so the bot and the CLI of one installation agree on it without any set-up. Two processes starting at
 * once both end up with the first one's file.
 */
export function loadDeploymentSecret(fromEnvironment: string | undefined, dataDir: string): string {
  if (fromEnvironment) return fromEnvironment;
  const file = path.join(dataDir, SECRET_FILE_NAME);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
