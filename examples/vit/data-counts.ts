/**
 * How many images a run uses: a seeded sample of `trainSize` training images (else all), split
 * into train and validation (`round(n * valFraction)` validate), and `testSize` test images (else
 * all). The parent prints it under the dataset line; `loadRunData` samples by the same numbers.
 */
import type { RunConfig } from './config.js';

/**
 * Images available and used by one run.
 *
 * @example
 * ```ts
 * import type { DataCounts } from './data-counts.js';
 * const used = (c: DataCounts) => c.train + c.val;
 * ```
 */
export interface DataCounts {
  /** Images in the dataset's training and test sets. */
  readonly available: { readonly train: number; readonly test: number };
  /** Training images sampled before the split (`available.train` when all are used). */
  readonly pool: number;
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/**
 * The images a run with `config` uses out of `available` (the same rule as `loadRunData`).
 *
 * @example
 * ```ts
 * import { parseRunConfig } from './config.js';
 * import { dataCounts } from './data-counts.js';
 * const c = dataCounts(parseRunConfig({ variant: 'constant', peakLr: 1e-2, trainSize: 3000, testSize: 2000 }), { train: 8000, test: 2000 });
 * [c.train, c.val, c.test]; // [2700, 300, 2000]
 * ```
 */
export function dataCounts(config: Pick<RunConfig, 'trainSize' | 'testSize' | 'valFraction'>, available: { train: number; test: number }): DataCounts {
  const pool = config.trainSize !== undefined && config.trainSize < available.train ? config.trainSize : available.train;
  const test = config.testSize !== undefined && config.testSize < available.test ? config.testSize : available.test;
  const val = Math.round(pool * config.valFraction);
  return { available: { train: available.train, test: available.test }, pool, train: pool - val, val, test };
}

/**
 * One line saying what a run trains, validates and tests on.
 *
 * @example
 * ```ts
 * import { dataUsedLine } from './data-counts.js';
 * dataUsedLine({ available: { train: 8000, test: 2000 }, pool: 3000, train: 2700, val: 300, test: 2000 }, 0.1);
 * // 'data used per run: 2700 train / 300 val (a seeded sample of 3000 of the 8000 training images, split 90/10), 2000 test'
 * ```
 */
export function dataUsedLine(c: DataCounts, valFraction: number): string {
  const split = `split ${Math.round(100 * (1 - valFraction))}/${Math.round(100 * valFraction)}`;
  const from = c.pool < c.available.train ? `a seeded sample of ${c.pool} of the ${c.available.train} training images` : `all ${c.available.train} training images`;
  const test = c.test < c.available.test ? `${c.test} of the ${c.available.test} test images` : `${c.test} test`;
  return `data used per run: ${c.train} train / ${c.val} val (${from}, ${split}), ${test}`;
}
