import { defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';

/** Bounds of {@link clamp}; give at least one. */
export interface ClampOptions {
  /** Lowest value (optax/`Math.max` floor). */
  readonly min?: number;
  /** Highest value. */
  readonly max?: number;
}

/**
 * Keeps a schedule within `[min, max]`: `at(t) = min(max, max(min, schedule.at(t)))`.
 *
 * @example
 * ```ts
 * import { clamp, linear } from 'hyperschedule';
 * const lr = clamp(linear({ init: 1, end: 0, duration: 10 }), { min: 0.2 });
 * lr.at(10); // 0.2
 * ```
 */
export const clamp = defineCombinator({
  type: 'clamp',
  fields: ['schedule', 'min', 'max'],
  params: (schedule: Schedule, bounds: ClampOptions) => ({ args: { schedule, ...bounds } }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const min = r.optionalNumber('min');
    const max = r.optionalNumber('max');
    if (min === undefined && max === undefined) r.fail('bounds', {}, 'an object with min and/or max');
    if (min !== undefined && max !== undefined && min > max) r.fail('max', max, `a number >= clamp.min = ${min}`);
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    return {
      spec: { min, max, schedule: specOf(child) },
      end: child.end,
      at: (t) => {
        const v = child.at(t);
        return v < lo ? lo : v > hi ? hi : v;
      },
    };
  },
});
