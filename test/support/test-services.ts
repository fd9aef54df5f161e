import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLocalServices, type LocalServices } from '../../src/infra/local-services.js';

/** PostgreSQL and Redis for a test run, and a scratch directory that goes when they stop. */
export interface TestServices extends LocalServices {
  readonly scratchDir: string;
}

/**
 * DATABASE_URL and REDIS_URL when set, else an embedded PostgreSQL in a fresh temporary directory and a child
 * redis-server: two runs at once in the same checkout must not share a cluster.
 */
export async function startTestServices(): Promise<TestServices> {
  const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-test-'));
  // mkdtemp makes it 700; as root the cluster inside runs as `postgres`, which must be able to enter.
  await chmod(scratchDir, 0o755);
  const removeScratch = () => rm(scratchDir, { recursive: true, force: true });
  const services = await startLocalServices({
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    dataDir: scratchDir,
    ephemeral: true,
    logger: { info: (message) => console.log(`[test services] ${message}`) },
  }).catch(async (error: unknown) => {
    await removeScratch();
    throw error;
  });
  return {
    ...services,
    scratchDir,
    async stop() {
      await services.stop();
      await removeScratch();
    },
  };
}
