import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: only the fault suite, which brings servers of its own to kill and restart. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/faults/**/*.test.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    pool: 'forks',
    hookTimeout: 120_000,
    testTimeout: 1_800_000,
  },
});
