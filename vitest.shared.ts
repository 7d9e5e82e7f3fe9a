import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

/**
 * What every vitest config shares: examples and tests import the library by its package name,
 * resolved to the sources (as tsconfig's `paths` do for tsx and tsc).
 */
export const shared: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^hyperschedule\/node$/, replacement: fileURLToPath(new URL('./src/node/index.ts', import.meta.url)) },
      { find: /^hyperschedule$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
};

/** End-to-end tests: whole example runs, real browsers; `npm run test:e2e`. */
export const E2E_TESTS = ['test/e2e/**/*.test.ts'];
