import { bisect, defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Interpolation shapes of {@link piecewiseLinear} (internal: for validation). */
const PIECEWISE_SHAPES = ['linear', 'cosine'] as const;
/** How {@link piecewiseLinear} interpolates between neighbouring points (optax `interpolate_type`). */
export type PiecewiseShape = (typeof PIECEWISE_SHAPES)[number];

/** Arguments of {@link piecewiseLinear}. */
export interface PiecewiseLinearArgs extends UnitArg {
  /** `[time, value]` pairs with strictly increasing times (each a Duration >= 0); at least one (NumPy `xp`, `fp`). */
  readonly points: readonly (readonly [Duration, number])[];
  /** Interpolate with a straight line (default) or a half cosine between neighbouring points (optax `interpolate_type`). */
  readonly shape?: PiecewiseShape;
}

/**
 * Interpolates between `[time, value]` points and is constant outside them (NumPy `interp`;
 * optax `piecewise_interpolate_schedule` with the values written out instead of scales):
 * `v_i + (v_{i+1} - v_i) * f((t - t_i) / (t_{i+1} - t_i))`, `f` linear or a half cosine.
 *
 * @example
 * ```ts
 * import { piecewiseLinear } from 'hyperschedule';
 * const lr = piecewiseLinear({ points: [[0, 0], [10, 1], [30, 0.1]] });
 * [lr.at(5), lr.at(20), lr.at(99)]; // [0.5, 0.55, 0.1]
 * ```
 */
export const piecewiseLinear = defineFamily<PiecewiseLinearArgs>('piecewiseLinear', ['points', 'shape'], (r) => {
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
  const count = times.length;
  const last = count - 1;
  const cosine = shape === 'cosine';
  return {
    spec: { points, shape },
    end: times[last],
    at: (t) => {
      const x = t > 0 ? t : 0;
      if (x <= times[0]!) return values[0]!;
      if (x >= times[last]!) return values[last]!;
      // Largest i with times[i] <= x; then times[i] <= x < times[i + 1].
      const lo = bisect(times, count, x, true) - 1;
      const t0 = times[lo]!;
      const v0 = values[lo]!;
      const p = (x - t0) / (times[lo + 1]! - t0);
      const f = cosine ? 0.5 * (1 - Math.cos(Math.PI * p)) : p;
      return v0 + (values[lo + 1]! - v0) * f;
    },
  };
});
