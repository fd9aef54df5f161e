import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    include: ['test/**/*.test.ts'],
    // The fault suite kills and restarts servers for minutes: `npm run test:faults`, not every `npm test`.
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    // Starts PostgreSQL/Redis (or uses DATABASE_URL/REDIS_URL) once and builds a migrated template database.
    globalSetup: ['test/support/global-setup.ts'],
    // Forks, not threads: Prisma's WebAssembly engine and child processes are happier in real processes.
    pool: 'forks',
    fileParallelism: true,
    // Generous: the first run on a machine initialises a PostgreSQL cluster, and CI machines are slow.
    hookTimeout: 60_000,
    testTimeout: 60_000,
  },
});
