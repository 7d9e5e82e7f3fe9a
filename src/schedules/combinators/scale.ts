import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, finite } from './common.js';

/**
 * Multiplies a schedule by a constant factor: `at(t) = factor * schedule.at(t)`.
 *
 * @example
 * ```ts
 * import { constant, scale } from 'hyperschedule';
 * scale(constant({ value: 0.1 }), 0.5).at(0); // 0.05
 * ```
 */
export function scale(schedule: Schedule, factor: number): Schedule {
  const child = assertSchedule(schedule, 'scale.schedule');
  const k = finite(factor, 'scale.factor');
  const unit = child.unit;
  return Object.freeze({
    type: 'scale',
    unit,
    at: (t: number): number => k * child.at(t),
    toJSON: (): ScheduleSpec => ({ type: 'scale', unit, factor: k, schedule: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link scale} from `{ type: 'scale', schedule, factor }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'scale', factor: 2, schedule: { type: 'constant', value: 3 } }).at(0); // 6
 * ```
 */
export const scaleCodec: ScheduleCodec = {
  type: 'scale',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'factor']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    if (typeof spec.factor !== 'number') throw new HyperscheduleError('scale.factor', spec.factor, 'a finite number');
    return scale(child, spec.factor);
  },
};
