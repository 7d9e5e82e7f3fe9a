import { defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';

/** How a real-valued schedule is turned into a whole batch size. */
export type BatchRounding = 'round' | 'floor' | 'ceil';

/** Every allowed {@link BatchRounding} (internal: for validation). */
export const BATCH_ROUNDINGS: readonly BatchRounding[] = ['round', 'floor', 'ceil'];

/** Options of {@link batchSizeSchedule}. */
export interface BatchSizeOptions {
  /** Smallest batch size (integer >= 1, default `multipleOf`). */
  readonly min?: number;
  /** Largest batch size (integer >= min): the memory or dataset bound. Required. */
  readonly max: number;
  /** Rounding of the schedule's value (default `'round'`, halves up). */
  readonly round?: BatchRounding;
  /** Batch sizes are multiples of this (default 1); `min` and `max` must be multiples too. */
  readonly multipleOf?: number;
}

/**
 * An integer-valued, bounded batch-size schedule from any schedule: `at(t)` is the schedule's
 * value rounded (to a multiple of `multipleOf`) and clamped to [min, max]. A non-finite value of
 * the child (never produced by the built-in families) gives `min`, so `at` never returns NaN.
 *
 * @example
 * ```ts
 * import { batchSizeSchedule, exponentialDecay } from 'hyperschedule';
 * const b = batchSizeSchedule(exponentialDecay({ init: 32, rate: 2, unit: 'epoch' }), { max: 256 });
 * [b.at(0), b.at(1.5), b.at(10)]; // [32, 91, 256]
 * ```
 */
export const batchSizeSchedule = defineCombinator({
  type: 'batchSize',
  name: 'batchSizeSchedule',
  fields: ['schedule', 'min', 'max', 'round', 'multipleOf'],
  params: (schedule: Schedule, options: BatchSizeOptions) => ({ args: { schedule, ...options } }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const multipleOf = r.number('multipleOf', { integer: true, ge: 1 }, 1);
    const min = r.number('min', { integer: true, ge: 1 }, multipleOf);
    const max = r.number('max', { integer: true, ge: min });
    if (min % multipleOf !== 0) r.fail('min', min, `a multiple of multipleOf (${multipleOf})`);
    if (max % multipleOf !== 0) r.fail('max', max, `a multiple of multipleOf (${multipleOf})`);
    const round = r.oneOf('round', BATCH_ROUNDINGS, 'round');
    const toInt = round === 'floor' ? Math.floor : round === 'ceil' ? Math.ceil : Math.round;
    return {
      spec: { min, max, round, multipleOf, schedule: specOf(child) },
      end: child.end,
      at: (t) => {
        const raw = child.at(t);
        if (!Number.isFinite(raw)) return raw === Number.POSITIVE_INFINITY ? max : min;
        const b = toInt(raw / multipleOf) * multipleOf;
        return b < min ? min : b > max ? max : b;
      },
    };
  },
});
