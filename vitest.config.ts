import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { E2E_TESTS, shared } from './vitest.shared.js';

/** `npm test`: the unit suite (fixed fast-check seed; end-to-end runs are `npm run test:e2e`). */
export default defineConfig({
  ...shared,
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...E2E_TESTS, '**/node_modules/**'],
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; forks keep test files isolated from each other.
    pool: 'forks',
    // vitest's default (cores - 1) runs one file at a time on a 2-core machine, where most of a
    // file's time is loading tfjs; two workers keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
