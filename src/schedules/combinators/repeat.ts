import { defineCombinator, runOption, specOf, type ResolveOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { GRID_SNAP } from './grid.js';

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
export const repeat = defineCombinator({
  type: 'repeat',
  fields: ['schedule', 'period'],
  params: (schedule: Schedule, period: Duration, resolve?: ResolveOptions) => ({ args: { schedule, period }, run: runOption(resolve, 'repeat') }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const p = r.duration('period', true);
    const snapAt = p * (1 - GRID_SNAP);
    return {
      spec: { period: p, schedule: specOf(child) },
      // Only a child that never changes makes a repeat that never changes.
      end: child.end === 0 ? 0 : undefined,
      at: (t) => {
        // `%` is exact in IEEE arithmetic (unlike t - floor(t/p)*p); a remainder a hair below p
        // (t = k*p rounded down) is the restart. Negative and NaN time count as 0.
        const rem = t > 0 ? t % p : 0;
        return child.at(rem > snapAt ? 0 : rem);
      },
    };
  },
});
