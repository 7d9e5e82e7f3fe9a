import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, finite, specNumber } from './common.js';

/**
 * Bounds of {@link clamp}; give at least one.
 *
 * @example
 * ```ts
 * import type { ClampOptions } from 'hyperschedule';
 * const o: ClampOptions = { min: 1e-5 };
 * ```
 */
export interface ClampOptions {
  readonly min?: number;
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
export function clamp(schedule: Schedule, bounds: ClampOptions): Schedule {
  const child = assertSchedule(schedule, 'clamp.schedule');
  if (typeof bounds !== 'object' || bounds === null || (bounds.min === undefined && bounds.max === undefined)) {
    throw new HyperscheduleError('clamp.bounds', bounds, 'an object with min and/or max');
  }
  const min = bounds.min === undefined ? undefined : finite(bounds.min, 'clamp.min');
  const max = bounds.max === undefined ? undefined : finite(bounds.max, 'clamp.max');
  if (min !== undefined && max !== undefined && min > max) {
    throw new HyperscheduleError('clamp.max', max, `a number >= clamp.min = ${min}`);
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const unit = child.unit;
  return Object.freeze({
    type: 'clamp',
    unit,
    at(t: number): number {
      const v = child.at(t);
      return v < lo ? lo : v > hi ? hi : v;
    },
    toJSON: (): ScheduleSpec => ({
      type: 'clamp',
      unit,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      schedule: childSpec(child),
    }),
  });
}

/**
 * Rebuilds a {@link clamp} from `{ type: 'clamp', schedule, min?, max? }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'clamp', max: 1, schedule: { type: 'constant', value: 3 } }).at(0); // 1
 * ```
 */
export const clampCodec: ScheduleCodec = {
  type: 'clamp',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'min', 'max']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    const min = specNumber(spec, 'min');
    const max = specNumber(spec, 'max');
    return clamp(child, { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
  },
};
