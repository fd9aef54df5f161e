import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import suite from '../../../vitest.config.js';

/** The suite's own set-up (global set-up, reporters, pool) around the one planted failing file. */
export default defineConfig({
  ...suite,
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..'),
  test: { ...suite.test, include: ['test/infra/planted-failure/planted.check.ts'], exclude: [] },
});
