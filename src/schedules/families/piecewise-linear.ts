import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Interpolation shapes of {@link piecewiseLinear} (optax `interpolate_type`).
 *
 * @example
 * ```ts
 * import { PIECEWISE_SHAPES } from 'hyperschedule';
 * PIECEWISE_SHAPES.includes('cosine'); // true
 * ```
 */
export const PIECEWISE_SHAPES = ['linear', 'cosine'] as const;
/**
 * One of {@link PIECEWISE_SHAPES}.
 *
 * @example
 * ```ts
 * import { type PiecewiseShape } from 'hyperschedule';
 * const shape: PiecewiseShape = 'cosine';
 * ```
 */
export type PiecewiseShape = (typeof PIECEWISE_SHAPES)[number];

/**
 * Arguments of {@link piecewiseLinear}.
 *
 * @example
 * ```ts
 * import { piecewiseLinear, type PiecewiseLinearArgs } from 'hyperschedule';
 * const args: PiecewiseLinearArgs = { points: [[0, 0], [10, 1]] };
 * piecewiseLinear(args).at(5); // 0.5
 * ```
 */
export interface PiecewiseLinearArgs extends UnitArg {
  /** `[time, value]` pairs with strictly increasing times (each a Duration >= 0); at least one. */
  readonly points: readonly (readonly [Duration, number])[];
  /** Interpolate with a straight line (default) or a half cosine between neighbouring points. */
  readonly shape?: PiecewiseShape;
}

/**
 * Interpolates between `[time, value]` points and is constant outside them (NumPy `interp`;
 * optax `piecewise_interpolate_schedule` with the values written out instead of scales).
 *
 * @example
 * ```ts
 * import { piecewiseLinear } from 'hyperschedule';
 * const lr = piecewiseLinear({ points: [[0, 0], [10, 1], [30, 0.1]] });
 * [lr.at(5), lr.at(20), lr.at(99)]; // [0.5, 0.55, 0.1]
 * ```
 */
export function piecewiseLinear(args: PiecewiseLinearArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('piecewiseLinear', args, options);
  const shape = r.oneOf('shape', PIECEWISE_SHAPES, 'linear');
  const raw = r.array('points');
  if (raw.length === 0) r.fail('points', raw, 'at least one [time, value] pair');
  const points = raw.map((p, i): [number, number] => {
    if (!Array.isArray(p) || p.length !== 2) return r.fail(`points[${i}]`, p, 'a [time, value] pair');
    const time = r.durationAt(`piecewiseLinear.points[${i}][0]`, p[0], false);
    return [time, r.finiteAt(`points[${i}][1]`, p[1])];
  });
  points.forEach(([time], i) => {
    if (i > 0 && !(time > points[i - 1]![0])) r.fail(`points[${i}][0]`, time, `a time > ${points[i - 1]![0]} (times must be strictly increasing)`);
  });
  const times = Float64Array.from(points, (p) => p[0]);
  const values = Float64Array.from(points, (p) => p[1]);
  const last = times.length - 1;
  const cosine = shape === 'cosine';
  return makeSchedule('piecewiseLinear', r.unit, { points, shape }, (t) => {
    const x = t > 0 ? t : 0;
    if (x <= times[0]!) return values[0]!;
    if (x >= times[last]!) return values[last]!;
    // Largest i with times[i] <= x; then times[i] <= x < times[i + 1].
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! <= x) lo = mid;
      else hi = mid;
    }
    const t0 = times[lo]!;
    const v0 = values[lo]!;
    const p = (x - t0) / (times[lo + 1]! - t0);
    const f = cosine ? 0.5 * (1 - Math.cos(Math.PI * p)) : p;
    return v0 + (values[lo + 1]! - v0) * f;
  });
}

/**
 * Codec of {@link piecewiseLinear}: `{ type: 'piecewiseLinear', points, shape }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'piecewiseLinear', points: [[0, 0], [10, 1]] }).at(5); // 0.5
 * ```
 */
export const piecewiseLinearCodec = familyCodec('piecewiseLinear', ['points', 'shape'], (args, options) => piecewiseLinear(args as unknown as PiecewiseLinearArgs, options));
