import { defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';

/**
 * Multiplies a schedule by a constant factor: `at(t) = factor * schedule.at(t)`.
 *
 * @example
 * ```ts
 * import { constant, scale } from 'hyperschedule';
 * scale(constant({ value: 0.1 }), 0.5).at(0); // 0.05
 * ```
 */
export const scale = defineCombinator({
  type: 'scale',
  fields: ['schedule', 'factor'],
  params: (schedule: Schedule, factor: number) => ({ args: { schedule, factor } }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const factor = r.number('factor');
    return { spec: { schedule: specOf(child), factor }, end: child.end, at: (t) => factor * child.at(t) };
  },
});
