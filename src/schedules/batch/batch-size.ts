import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { assertSchedule, checkFields, checkSpecUnit, childSpec, decodeChild, specNumber } from '../combinators/common.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';

/** How a real-valued schedule is turned into a whole batch size. */
export type BatchRounding = 'round' | 'floor' | 'ceil';

/** Every allowed {@link BatchRounding}. */
export const BATCH_ROUNDINGS: readonly BatchRounding[] = ['round', 'floor', 'ceil'];

/**
 * Options of {@link batchSizeSchedule}.
 *
 * @example
 * ```ts
 * import type { BatchSizeOptions } from 'hyperschedule';
 * const o: BatchSizeOptions = { min: 32, max: 4096, round: 'floor', multipleOf: 8 };
 * ```
 */
export interface BatchSizeOptions {
  /** Smallest batch size (integer >= 1, default 1). */
  readonly min?: number;
  /** Largest batch size (integer >= min): the memory or dataset bound. Required. */
  readonly max: number;
  /** Rounding of the schedule's value (default `'round'`, halves up). */
  readonly round?: BatchRounding;
  /** Batch sizes are multiples of this (default 1); `min` and `max` must be multiples too. */
  readonly multipleOf?: number;
}

function wholeNumber(field: string, value: unknown, lower: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lower) {
    throw new HyperscheduleError(field, value, `an integer >= ${lower}`);
  }
  return value;
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
export function batchSizeSchedule(schedule: Schedule, options: BatchSizeOptions): Schedule {
  const child = assertSchedule(schedule, 'batchSizeSchedule.schedule');
  if (typeof options !== 'object' || options === null) {
    throw new HyperscheduleError('batchSizeSchedule.options', options, 'an object { max, min?, round?, multipleOf? }');
  }
  const multipleOf = wholeNumber('batchSizeSchedule.multipleOf', options.multipleOf ?? 1, 1);
  const min = wholeNumber('batchSizeSchedule.min', options.min ?? multipleOf, 1);
  const max = wholeNumber('batchSizeSchedule.max', options.max, min);
  if (min % multipleOf !== 0) throw new HyperscheduleError('batchSizeSchedule.min', min, `a multiple of multipleOf (${multipleOf})`);
  if (max % multipleOf !== 0) throw new HyperscheduleError('batchSizeSchedule.max', max, `a multiple of multipleOf (${multipleOf})`);
  const round = options.round ?? 'round';
  if (!BATCH_ROUNDINGS.includes(round)) throw new HyperscheduleError('batchSizeSchedule.round', round, '"round", "floor" or "ceil"');
  const toInt = round === 'floor' ? Math.floor : round === 'ceil' ? Math.ceil : Math.round;
  const unit = child.unit;
  return Object.freeze({
    type: 'batchSize',
    unit,
    at(t: number): number {
      const raw = child.at(t);
      if (!Number.isFinite(raw)) return raw === Number.POSITIVE_INFINITY ? max : min;
      const b = toInt(raw / multipleOf) * multipleOf;
      return b < min ? min : b > max ? max : b;
    },
    toJSON: (): ScheduleSpec => ({ type: 'batchSize', unit, min, max, round, multipleOf, schedule: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link batchSizeSchedule} from `{ type: 'batchSize', schedule, max, min?, round?, multipleOf? }`.
 *
 * @example
 * ```ts
 * import { batchSizeCodec } from 'hyperschedule';
 * batchSizeCodec.type; // 'batchSize'
 * ```
 */
export const batchSizeCodec: ScheduleCodec = {
  type: 'batchSize',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'min', 'max', 'round', 'multipleOf']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    const min = specNumber(spec, 'min');
    const multipleOf = specNumber(spec, 'multipleOf');
    const round = spec.round === undefined || spec.round === null ? undefined : spec.round;
    return batchSizeSchedule(child, {
      max: specNumber(spec, 'max') as number,
      ...(min !== undefined ? { min } : {}),
      ...(multipleOf !== undefined ? { multipleOf } : {}),
      ...(round !== undefined ? { round: round as BatchRounding } : {}),
    });
  },
};
