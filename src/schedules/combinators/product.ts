import { defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';

/**
 * The pointwise product of schedules, `at(t) = s_1.at(t) * ... * s_n.at(t)`, e.g. a base LR
 * times factor schedules (PyTorch `ChainedScheduler`, whose children each multiply the LR by their
 * factor).
 *
 * @example
 * ```ts
 * import { constant, linear, product } from 'hyperschedule';
 * const lr = product([constant({ value: 0.1 }), linear({ init: 1, end: 0, duration: 100 })]);
 * lr.at(50); // 0.05
 * ```
 */
export const product = defineCombinator({
  type: 'product',
  fields: ['schedules'],
  params: (schedules: readonly Schedule[]) => ({ args: { schedules } }),
  build(r) {
    const children = r.schedules('schedules');
    r.useUnit(children[0]!.unit);
    const n = children.length;
    const ends = children.map((c) => c.end);
    return {
      spec: { schedules: children.map(specOf) },
      end: ends.every((e) => e !== undefined) ? Math.max(...(ends as number[])) : undefined,
      at: (t) => {
        let value = 1;
        for (let i = 0; i < n; i++) value *= children[i]!.at(t);
        return value;
      },
    };
  },
});
