import { defineCombinator, runOption, specOf, type ResolveOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { GRID_SNAP } from './grid.js';

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
export const quantize = defineCombinator({
  type: 'quantize',
  fields: ['schedule', 'every'],
  params: (schedule: Schedule, every: Duration = 1, resolve?: ResolveOptions) => ({ args: { schedule, every }, run: runOption(resolve, 'quantize') }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const step = r.duration('every', true, 1);
    return {
      spec: { every: step, schedule: specOf(child) },
      // The first grid point at or after the child's end.
      end: child.end === undefined ? undefined : Math.ceil(child.end / step) * step,
      at: (t) => {
        if (!(t > 0)) return child.at(0); // negative and NaN time count as 0
        const q = t / step;
        let k = Math.floor(q);
        if (q - k > 1 - GRID_SNAP) k += 1;
        return child.at(k * step);
      },
    };
  },
});
