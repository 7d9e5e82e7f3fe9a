import { defineConfig } from 'vitest/config';
import { E2E_TESTS, shared } from './vitest.shared.js';

/** `npm run test:e2e`: whole example runs and real-browser tests, which CI also runs. */
export default defineConfig({
  ...shared,
  test: {
    include: E2E_TESTS,
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
