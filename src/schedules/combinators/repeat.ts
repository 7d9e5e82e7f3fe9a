import type { ScheduleCodec } from '../codec.js';
import type { Duration } from '../duration.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { GRID_SNAP, checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, positiveDuration, specDuration, type ResolveOptions } from './common.js';

/**
 * Repeats the first `period` of a schedule forever: `at(t) = schedule.at(t mod period)`
 * (cyclic restarts without the bookkeeping).
 *
 * @example
 * ```ts
 * import { linear, repeat } from 'hyperschedule';
 * const lr = repeat(linear({ init: 1, end: 0, duration: 10 }), 10);
 * lr.at(15); // 0.5
 * lr.at(20); // 1
 * ```
 */
export function repeat(schedule: Schedule, period: Duration, resolve?: ResolveOptions): Schedule {
  const child = assertSchedule(schedule, 'repeat.schedule');
  const unit = child.unit;
  const p = positiveDuration(period, unit, resolve, 'repeat.period');
  const snapAt = p * (1 - GRID_SNAP);
  return Object.freeze({
    type: 'repeat',
    unit,
    at(t: number): number {
      // `%` is exact in IEEE arithmetic (unlike t - floor(t/p)*p); a remainder a hair below p
      // (t = k*p rounded down) is the restart. Negative and NaN time count as 0.
      const r = t > 0 ? t % p : 0;
      return child.at(r > snapAt ? 0 : r);
    },
    toJSON: (): ScheduleSpec => ({ type: 'repeat', unit, period: p, schedule: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link repeat} from `{ type: 'repeat', schedule, period }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'repeat', period: 4, schedule: { type: 'constant', value: 1 } }).at(9); // 1
 * ```
 */
export const repeatCodec: ScheduleCodec = {
  type: 'repeat',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'period']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    return repeat(child, specDuration(spec, 'period'), ctx.run ? { run: ctx.run } : undefined);
  },
};
