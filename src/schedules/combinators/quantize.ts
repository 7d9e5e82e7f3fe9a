import type { ScheduleCodec } from '../codec.js';
import type { Duration } from '../duration.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { GRID_SNAP, checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, positiveDuration, specDuration, type ResolveOptions } from './common.js';

/**
 * Holds a schedule constant between grid points: `at(t) = schedule.at(floor(t / every) * every)`.
 * `quantize(s, '1ep', { run })` on a step-based schedule reproduces PyTorch's per-epoch
 * `scheduler.step()`; the unquantized schedule is the smooth per-step version.
 *
 * @example
 * ```ts
 * import { linear, quantize } from 'hyperschedule';
 * const lr = quantize(linear({ init: 1, end: 0, duration: 10 }), 2);
 * lr.at(3); // 0.8  (= linear at 2)
 * lr.at(4); // 0.6
 * ```
 */
export function quantize(schedule: Schedule, every: Duration = 1, resolve?: ResolveOptions): Schedule {
  const child = assertSchedule(schedule, 'quantize.schedule');
  const unit = child.unit;
  const step = positiveDuration(every, unit, resolve, 'quantize.every');
  return Object.freeze({
    type: 'quantize',
    unit,
    at(t: number): number {
      if (!(t > 0)) return child.at(0); // negative and NaN time count as 0
      const q = t / step;
      let k = Math.floor(q);
      if (q - k > 1 - GRID_SNAP) k += 1;
      return child.at(k * step);
    },
    toJSON: (): ScheduleSpec => ({ type: 'quantize', unit, every: step, schedule: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link quantize} from `{ type: 'quantize', schedule, every? }` (`every` defaults to 1).
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'quantize', every: 2, schedule: { type: 'linear', init: 0, end: 1, duration: 4 } }).at(3); // 0.5
 * ```
 */
export const quantizeCodec: ScheduleCodec = {
  type: 'quantize',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'every']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    const every = spec.every === undefined || spec.every === null ? 1 : specDuration(spec, 'every');
    return quantize(child, every, ctx.run ? { run: ctx.run } : undefined);
  },
};
