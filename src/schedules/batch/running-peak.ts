import type { Schedule } from '../schedule.js';

/** Grid points over `[0, t]` at which the running peak is looked for. */
const POINTS = 512;

/**
 * The running peak of a schedule, `M(t) = max(lr(s) for 0 <= s <= t)`, as a pure function of `t`:
 * `lr` is evaluated on 512 evenly spaced points of `[0, t]` and at `t`, and the largest grid
 * value's neighbourhood (one grid cell either side) is refined by a ternary search, so the peak of
 * a single-peaked stretch (a warmup's kink, a one-cycle or cyclic top) is found to float
 * precision. A non-increasing schedule gives `lr(0)` exactly, a rising one `lr(t)`. Works for any
 * unit and for schedules without an end; the last call is memoised (the batch and LR schedules
 * read the same `t`).
 *
 * @example
 * ```ts
 * import { linear, sequence } from 'hyperschedule';
 * import { runningPeak } from './running-peak.js';
 * const up = linear({ init: 0, end: 1, duration: 0.3, unit: 'progress' });
 * const down = linear({ init: 1, end: 0, duration: 0.7, unit: 'progress' });
 * const peak = runningPeak(sequence([up, down], [0.3]));
 * [peak(0.15), peak(0.9)]; // ≈ [0.5, 1] (the kink at 0.3 found by the search)
 * ```
 */
export function runningPeak(lr: Schedule): (t: number) => number {
  let memo: [number, number] | undefined;
  return (t) => {
    if (memo?.[0] === t) return memo[1];
    const h = t / POINTS;
    let top = lr.at(0);
    let at = 0;
    for (let k = 1; k <= POINTS; k++) {
      const v = lr.at(k * h);
      if (v > top) [top, at] = [v, k];
    }
    // Ternary search on the two cells around the best grid point.
    let [a, b] = [Math.max(0, at - 1) * h, Math.min(POINTS, at + 1) * h];
    for (let i = 0; i < 60 && b > a; i++) {
      const m1 = a + (b - a) / 3;
      const m2 = b - (b - a) / 3;
      if (lr.at(m1) < lr.at(m2)) a = m1;
      else b = m2;
    }
    const peak = Math.max(top, lr.at((a + b) / 2), lr.at(t));
    memo = [t, peak];
    return peak;
  };
}
