/**
 * Small statistics for noisy timings: medians, quantiles, and paired ratios with a bootstrap
 * interval (the machine is shared, so every comparison is interleaved and reported as a ratio).
 */
import { mulberry32 } from '../../src/random.js';

/** Summary of a list of timings (milliseconds unless said otherwise). */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** 25th and 75th percentiles. */
  readonly q1: number;
  readonly q3: number;
}

/**
 * The q-quantile (0..1) by linear interpolation.
 *
 * @example
 * ```ts
 * import { quantile } from './stats.js';
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Median.
 *
 * @example
 * ```ts
 * import { median } from './stats.js';
 * median([3, 1, 2]); // 2
 * ```
 */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/**
 * Median, min, max and quartiles of a list.
 *
 * @example
 * ```ts
 * import { summarize } from './stats.js';
 * summarize([1, 2, 3]).median; // 2
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
  };
}


/** A ratio of two timing series with a 90% bootstrap interval. */
export interface Ratio {
  /** median(b) / median(a). */
  readonly ratio: number;
  /** Median of the per-pair ratios b_i / a_i (pairs run back to back, so drift cancels). */
  readonly pairedMedian: number;
  /** 5th and 95th percentiles of the bootstrap distribution of the paired median. */
  readonly low: number;
  readonly high: number;
}

/**
 * Compares interleaved timings `b` against `a` (same length, `a[i]` and `b[i]` measured back to
 * back): the ratio of medians, the median of per-pair ratios, and a bootstrap interval for the
 * latter.
 *
 * @example
 * ```ts
 * import { pairedRatio } from './stats.js';
 * pairedRatio([10, 11, 10], [10.1, 11.1, 10.1]).pairedMedian; // ~1.01
 * ```
 */
export function pairedRatio(a: readonly number[], b: readonly number[], resamples = 2000): Ratio {
  const n = Math.min(a.length, b.length);
  const ratios = Array.from({ length: n }, (_, i) => b[i]! / a[i]!);
  const next = mulberry32(12345);
  const boot: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: n }, () => ratios[Math.floor(next() * n)]!);
    boot.push(median(sample));
  }
  return {
    ratio: median(b) / median(a),
    pairedMedian: median(ratios),
    low: quantile(boot, 0.05),
    high: quantile(boot, 0.95),
  };
}

/**
 * Formats a number with a fixed number of significant-looking decimals for tables.
 *
 * @example
 * ```ts
 * import { fmt } from './stats.js';
 * fmt(1234.567, 1); // '1234.6'
 * ```
 */
export function fmt(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(decimals);
}
