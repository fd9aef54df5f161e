import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:faults`: only the fault suite, which brings servers of its own to kill and restart. */
export default mergeConfig(base, defineConfig({ test: { include: ['test/faults/**/*.test.ts'], exclude: [], testTimeout: 1_800_000 } }));
