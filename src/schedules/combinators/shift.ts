import { defineCombinator, runOption, specOf, type ResolveOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';

/**
 * Delays a schedule by `offset`: `at(t) = schedule.at(max(0, t - offset))`, so it holds its
 * initial value for the first `offset` units (optax `transition_begin`).
 *
 * @example
 * ```ts
 * import { linear, shift } from 'hyperschedule';
 * const lr = shift(linear({ init: 1, end: 0, duration: 10 }), 5);
 * lr.at(3);  // 1
 * lr.at(10); // 0.5
 * ```
 */
export const shift = defineCombinator({
  type: 'shift',
  fields: ['schedule', 'offset'],
  params: (schedule: Schedule, offset: Duration, resolve?: ResolveOptions) => ({ args: { schedule, offset }, run: runOption(resolve, 'shift') }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const by = r.duration('offset', false);
    return {
      spec: { offset: by, schedule: specOf(child) },
      end: child.end === undefined ? undefined : by + child.end,
      at: (t) => child.at(t > by ? t - by : 0),
    };
  },
});
