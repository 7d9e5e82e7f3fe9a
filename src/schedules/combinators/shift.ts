import type { ScheduleCodec } from '../codec.js';
import { resolveDuration, type Duration } from '../duration.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, specDuration, type ResolveOptions } from './common.js';

/**
 * Delays a schedule by `offset`: `at(t) = schedule.at(max(0, t - offset))`, so it holds its
 * initial value for the first `offset` units.
 *
 * @example
 * ```ts
 * import { linear, shift } from 'hyperschedule';
 * const lr = shift(linear({ init: 1, end: 0, duration: 10 }), 5);
 * lr.at(3);  // 1
 * lr.at(10); // 0.5
 * ```
 */
export function shift(schedule: Schedule, offset: Duration, resolve?: ResolveOptions): Schedule {
  const child = assertSchedule(schedule, 'shift.schedule');
  const unit = child.unit;
  const by = resolveDuration(offset, unit, resolve?.run, 'shift.offset');
  return Object.freeze({
    type: 'shift',
    unit,
    at: (t: number): number => child.at(t > by ? t - by : 0),
    toJSON: (): ScheduleSpec => ({ type: 'shift', unit, offset: by, schedule: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link shift} from `{ type: 'shift', schedule, offset }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'shift', offset: '2ep', schedule: { type: 'constant', value: 1 } }, { run: { stepsPerEpoch: 10 } }).at(0); // 1
 * ```
 */
export const shiftCodec: ScheduleCodec = {
  type: 'shift',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'offset']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    return shift(child, specDuration(spec, 'offset'), ctx.run ? { run: ctx.run } : undefined);
  },
};
