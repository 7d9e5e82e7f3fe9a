import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { checkFields, checkSpecUnit, childSpec, decodeChild, sharedUnit, specNumber } from '../combinators/common.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';

/**
 * How the learning rate follows a batch size B relative to `baseBatch`: `'linear'` multiplies it
 * by B/baseBatch (Goyal et al. 2017; keeps the SGD noise scale eps/B), `'sqrt'` by
 * sqrt(B/baseBatch) (keeps the gradient-noise variance per step, the usual rule for Adam),
 * `'none'` leaves it.
 */
export type BatchScalingRule = 'linear' | 'sqrt' | 'none';

/** Every allowed {@link BatchScalingRule}. */
export const BATCH_SCALING_RULES: readonly BatchScalingRule[] = ['linear', 'sqrt', 'none'];

/**
 * The multiplier a {@link BatchScalingRule} applies for batch size `batch`.
 *
 * @example
 * ```ts
 * import { batchScalingFactor } from 'hyperschedule';
 * batchScalingFactor('sqrt', 512, 128); // 2
 * ```
 */
export function batchScalingFactor(rule: BatchScalingRule, batch: number, baseBatch: number): number {
  if (rule === 'none') return 1;
  const ratio = batch / baseBatch;
  return rule === 'linear' ? ratio : Math.sqrt(ratio);
}

/**
 * A learning-rate schedule that follows a batch-size schedule: `lr.at(t) * factor(B_t / baseBatch)`.
 * Both schedules must count time in the same unit.
 *
 * @example
 * ```ts
 * import { batchSizeSchedule, constant, linear, scaleLrForBatch } from 'hyperschedule';
 * const batch = batchSizeSchedule(linear({ init: 128, end: 512, duration: 10, unit: 'epoch' }), { max: 512 });
 * const lr = scaleLrForBatch(constant({ value: 0.1, unit: 'epoch' }), batch, { baseBatch: 128, rule: 'linear' });
 * lr.at(10); // 0.4
 * ```
 */
export function scaleLrForBatch(lr: Schedule, batchSize: Schedule, options: { baseBatch: number; rule?: BatchScalingRule }): Schedule {
  const { children, unit } = sharedUnit([lr, batchSize], 'scaleLrForBatch', 'lr/batchSize');
  const [lrChild, batchChild] = children as [Schedule, Schedule];
  const baseBatch = options?.baseBatch;
  if (typeof baseBatch !== 'number' || !Number.isFinite(baseBatch) || baseBatch <= 0) {
    throw new HyperscheduleError('scaleLrForBatch.baseBatch', baseBatch, 'a finite number > 0');
  }
  const rule = options.rule ?? 'linear';
  if (!BATCH_SCALING_RULES.includes(rule)) throw new HyperscheduleError('scaleLrForBatch.rule', rule, '"linear", "sqrt" or "none"');
  return Object.freeze({
    type: 'batchScaledLr',
    unit,
    at: (t: number): number => lrChild.at(t) * batchScalingFactor(rule, batchChild.at(t), baseBatch),
    toJSON: (): ScheduleSpec => ({ type: 'batchScaledLr', unit, baseBatch, rule, lr: childSpec(lrChild), batchSize: childSpec(batchChild) }),
  });
}

/**
 * Rebuilds a {@link scaleLrForBatch} from `{ type: 'batchScaledLr', lr, batchSize, baseBatch, rule? }`.
 *
 * @example
 * ```ts
 * import { batchScaledLrCodec } from 'hyperschedule';
 * batchScaledLrCodec.type; // 'batchScaledLr'
 * ```
 */
export const batchScaledLrCodec: ScheduleCodec = {
  type: 'batchScaledLr',
  decode(spec, ctx) {
    checkFields(spec, ['lr', 'batchSize', 'baseBatch', 'rule']);
    const lr = decodeChild(spec, 'lr', ctx.fromJSON);
    const batch = decodeChild(spec, 'batchSize', ctx.fromJSON);
    const rule = spec.rule === undefined || spec.rule === null ? undefined : (spec.rule as BatchScalingRule);
    const result = scaleLrForBatch(lr, batch, { baseBatch: specNumber(spec, 'baseBatch') as number, ...(rule ? { rule } : {}) });
    checkSpecUnit(spec, result.unit);
    return result;
  },
};
