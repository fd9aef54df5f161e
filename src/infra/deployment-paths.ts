import path from 'node:path';
import type { Config } from '../config.js';
import { projectRoot } from '../paths.js';
import { SECRET_FILE_NAME } from './deployment-secret.js';

/** Where one deployment keeps its files on disk; the bot, `doctor`, `backup` and `restore` agree through this. */
export interface DeploymentPaths {
  /** KINBRIDGE_DATA_DIR: everything below, plus the embedded PostgreSQL cluster and the WeChat session. */
  readonly dataDir: string;
  /** Photos, videos and voice notes people shared. */
  readonly mediaDir: string;
  /** Synthesised voice reminders: rebuilt on demand, so not worth a backup. */
  readonly speechCacheDir: string;
  /** The generated deployment secret, when KINBRIDGE_SECRET is unset. */
  readonly secretFile: string;
}

export function deploymentPaths(config: Pick<Config, 'KINBRIDGE_DATA_DIR' | 'KINBRIDGE_MEDIA_DIR'>): DeploymentPaths {
  const dataDir = path.resolve(projectRoot, config.KINBRIDGE_DATA_DIR);
  return {
    dataDir,
    mediaDir: path.resolve(projectRoot, config.KINBRIDGE_MEDIA_DIR ?? path.join(config.KINBRIDGE_DATA_DIR, 'media')),
    speechCacheDir: path.join(dataDir, 'speech'),
    secretFile: path.join(dataDir, SECRET_FILE_NAME),
  };
}
