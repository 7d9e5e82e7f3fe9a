import { defineConfig } from 'vitest/config';
import unit from './vitest.config.js';

/**
 * `npm run test:fuzz`: the unit suite with a fresh random fast-check seed per run (printed first;
 * replay a failure with `FC_SEED=<seed> npm test`).
 */
export default defineConfig({ ...unit, test: { ...unit.test, env: { FC_RANDOM: '1' } } });
