/**
 * The study's statistics, as small pure functions: per cell (variant, peak LR, weight decay) the
 * mean test accuracy with its 95% t-interval over seeds, and paired differences over seeds with
 * theirs. A difference counts as detected only when its interval excludes 0.
 */
import { meanConfidenceInterval } from 'hyperschedule/node';
import type { StudyTrial } from './records.js';

/**
 * A mean with its 95% t-interval; `sd`, `halfWidth`, `lo` and `hi` are null for a single value.
 *
 * @example
 * ```ts
 * import type { Interval } from './stats.js';
 * const width = (i: Interval) => (i.halfWidth === null ? null : 2 * i.halfWidth);
 * ```
 */
export interface Interval {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1). */
  readonly sd: number | null;
  readonly halfWidth: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
}

/**
 * Mean and 95% t-interval of values (`meanConfidenceInterval` of hyperschedule/node: Student's t
 * with n - 1 degrees of freedom).
 *
 * @example
 * ```ts
 * import { interval } from './stats.js';
 * interval([1, 2, 3]).halfWidth; // 2.484  (t(0.975, 2) = 4.303, sd 1, / sqrt(3))
 * ```
 */
export function interval(values: readonly number[]): Interval {
  const s = meanConfidenceInterval(values, 0.95);
  return { n: s.n, mean: s.mean, sd: s.std, halfWidth: s.halfWidth, lo: s.lo, hi: s.hi };
}

/**
 * Whether an interval excludes 0, i.e. a difference is detected (never for a single pair).
 *
 * @example
 * ```ts
 * import { detected, interval } from './stats.js';
 * detected(interval([1, 2, 3])); // false  (-0.48 .. 4.48)
 * detected(interval([2, 2.1, 1.9])); // true
 * ```
 */
export function detected(i: Interval): boolean {
  return i.lo !== null && i.hi !== null && (i.lo > 0 || i.hi < 0);
}

/**
 * The trials of one variant at one peak LR and weight decay, one per seed.
 *
 * @example
 * ```ts
 * import type { Cell } from './stats.js';
 * const seeds = (c: Cell) => c.trials.map((t) => t.seed);
 * ```
 */
export interface Cell {
  readonly variant: string;
  readonly peakLr: number;
  readonly weightDecay: number;
  readonly trials: readonly StudyTrial[];
  /** Test accuracy (fractions) over the cell's seeds. */
  readonly accuracy: Interval;
}

/**
 * Groups trials into cells (variant, peak LR, weight decay), each with its test-accuracy interval;
 * cells keep the order of their first trial.
 *
 * @example
 * ```ts
 * import { cells } from './stats.js';
 * cells([]); // []
 * ```
 */
export function cells(trials: readonly StudyTrial[]): Cell[] {
  const groups = new Map<string, StudyTrial[]>();
  for (const t of trials) {
    const key = `${t.variant}\u0000${t.peakLr}\u0000${t.weightDecay}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((ts) => ({
    variant: ts[0]!.variant,
    peakLr: ts[0]!.peakLr,
    weightDecay: ts[0]!.weightDecay,
    trials: [...ts].sort((a, b) => a.seed - b.seed),
    accuracy: interval(ts.map((t) => t.testAcc)),
  }));
}

/**
 * The cell of `variant` at `peakLr` (the first of several weight decays), if any.
 *
 * @example
 * ```ts
 * import { findCell } from './stats.js';
 * findCell([], 'constant', 1e-3); // undefined
 * ```
 */
export function findCell(all: readonly Cell[], variant: string, peakLr: number): Cell | undefined {
  return all.find((c) => c.variant === variant && c.peakLr === peakLr);
}

/**
 * The cell of `variant` with the highest mean test accuracy over its peak LRs, if any.
 *
 * @example
 * ```ts
 * import { bestCell } from './stats.js';
 * bestCell([], 'one-cycle'); // undefined
 * ```
 */
export function bestCell(all: readonly Cell[], variant: string): Cell | undefined {
  return all.filter((c) => c.variant === variant).reduce<Cell | undefined>((best, c) => (!best || c.accuracy.mean > best.accuracy.mean ? c : best), undefined);
}

/**
 * A paired difference over seeds: `a - b` for every seed both cells have.
 *
 * @example
 * ```ts
 * import type { Paired } from './stats.js';
 * const n = (p: Paired) => p.diff.n;
 * ```
 */
export interface Paired {
  /** The seeds paired, ascending. */
  readonly seeds: readonly number[];
  readonly diff: Interval;
  readonly detected: boolean;
}

/**
 * The paired difference `a - b` of test accuracy (fractions), pairing trials by seed (the same
 * initialisation and data order); null when no seed is shared.
 *
 * @example
 * ```ts
 * import { pairedDifference } from './stats.js';
 * // pairedDifference(warmupCell.trials, constantCell.trials)?.diff.mean
 * ```
 */
export function pairedDifference(a: readonly Pick<StudyTrial, 'seed' | 'testAcc'>[], b: readonly Pick<StudyTrial, 'seed' | 'testAcc'>[]): Paired | null {
  const bySeed = new Map(b.map((t) => [t.seed, t.testAcc]));
  const pairs = [...a].sort((x, y) => x.seed - y.seed).filter((t) => bySeed.has(t.seed));
  if (pairs.length === 0) return null;
  const diff = interval(pairs.map((t) => t.testAcc - bySeed.get(t.seed)!));
  return { seeds: pairs.map((t) => t.seed), diff, detected: detected(diff) };
}
