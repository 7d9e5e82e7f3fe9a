import { defineCombinator, runOption, specOf, type ResolveOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';

/**
 * Joins schedules in sequence: child `i` runs on `[b[i-1], b[i])` in local time `t - b[i-1]`
 * (optax `join_schedules`, PyTorch `SequentialLR`: each child restarts at its own time 0 at its
 * boundary). `boundaries` are strictly increasing, non-negative and one fewer than `schedules`
 * (optax `boundaries`, PyTorch `milestones`).
 *
 * @example
 * ```ts
 * import { constant, linear, sequence } from 'hyperschedule';
 * const lr = sequence([linear({ init: 0, end: 1, duration: 10 }), constant({ value: 0.5 })], [10]);
 * lr.at(5);  // 0.5  (first child at local time 5)
 * lr.at(10); // 0.5  (second child at local time 0)
 * ```
 */
export const sequence = defineCombinator({
  type: 'sequence',
  fields: ['schedules', 'boundaries'],
  params: (schedules: readonly Schedule[], boundaries: readonly Duration[], resolve?: ResolveOptions) => ({ args: { schedules, boundaries }, run: runOption(resolve, 'sequence') }),
  build(r) {
    const children = r.schedules('schedules');
    r.useUnit(children[0]!.unit);
    const given = r.raw('boundaries');
    if (!Array.isArray(given) || given.length !== children.length - 1) {
      r.fail('boundaries', given, `an array of ${children.length - 1} boundaries (one fewer than schedules)`);
    }
    const ends = Float64Array.from(r.increasing('boundaries'));
    const last = children.length - 1;
    const lastStart = last > 0 ? ends[last - 1]! : 0;
    const lastEnd = children[last]!.end;
    return {
      spec: { schedules: children.map(specOf), boundaries: Array.from(ends) },
      end: lastEnd === undefined ? undefined : lastStart + lastEnd,
      at: (time) => {
        const t = time > 0 ? time : 0; // negative and NaN time count as 0
        // Few children in practice: a linear scan beats a binary search and allocates nothing.
        for (let i = 0; i < last; i++) {
          if (t < ends[i]!) return children[i]!.at(i === 0 ? t : t - ends[i - 1]!);
        }
        return children[last]!.at(t - lastStart);
      },
    };
  },
});
