import { bisect, defineFamily, justAfter, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link piecewiseConstant}. */
export interface PiecewiseConstantArgs extends UnitArg {
  /** Strictly increasing times (each a Duration >= 0) where the value changes (Keras `boundaries`). */
  readonly boundaries: readonly Duration[];
  /** One more value than boundaries: `values[i]` holds up to and including `boundaries[i]` (Keras `values`). */
  readonly values: readonly number[];
  /**
   * Which piece a time exactly on a boundary belongs to: `'previous'` (default, Keras: `values[i]`
   * up to and including `boundaries[i]`) or `'next'` (PyTorch `MultiStepLR`/`ConstantLR` style:
   * the new value takes effect at the boundary).
   */
  readonly atBoundary?: 'previous' | 'next';
}

/**
 * A step function with Keras `PiecewiseConstantDecay` semantics: `values[0]` for
 * `t <= boundaries[0]`, `values[i]` for `boundaries[i-1] < t <= boundaries[i]`, the last value
 * after the last boundary. With `atBoundary: 'next'` the value changes at the boundary instead
 * (PyTorch `ConstantLR(factor, totalIters)` is `{ boundaries: [totalIters], values: [base * factor, base], atBoundary: 'next' }`).
 *
 * @example
 * ```ts
 * import { piecewiseConstant } from 'hyperschedule';
 * const lr = piecewiseConstant({ boundaries: [100, 200], values: [1, 0.5, 0.1] });
 * [lr.at(100), lr.at(101), lr.at(500)]; // [1, 0.5, 0.1]
 * piecewiseConstant({ boundaries: [5], values: [0.05, 0.1], atBoundary: 'next' }).at(5); // 0.1
 * ```
 */
export const piecewiseConstant = defineFamily<PiecewiseConstantArgs>('piecewiseConstant', ['boundaries', 'values', 'atBoundary'], (r) => {
  const boundaries = r.increasing('boundaries');
  const values = r.array('values').map((v, i) => r.finiteAt(`values[${i}]`, v));
  if (values.length !== boundaries.length + 1) {
    r.fail('values', values, `an array of boundaries.length + 1 = ${boundaries.length + 1} numbers`);
  }
  const atBoundary = r.oneOf('atBoundary', ['previous', 'next'] as const, 'previous');
  const next = atBoundary === 'next';
  const bounds = Float64Array.from(boundaries);
  const levels = Float64Array.from(values);
  const n = bounds.length;
  return {
    spec: { boundaries, values, atBoundary },
    // With 'previous' the last value takes effect just after the last boundary.
    end: n === 0 ? 0 : next ? bounds[n - 1] : justAfter(bounds[n - 1]!),
    // The boundaries below t have passed (bisect_left), and with 'next' those at t too (bisect_right).
    at: (t) => levels[bisect(bounds, n, t > 0 ? t : 0, next)]!,
  };
});
