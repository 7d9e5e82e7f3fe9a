import { defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';

/**
 * How the learning rate follows a batch size B relative to `baseBatch`: `'linear'` multiplies it
 * by B/baseBatch (Goyal et al. 2017; keeps the SGD noise scale eps/B), `'sqrt'` by
 * sqrt(B/baseBatch) (keeps the gradient-noise variance per step, the usual rule for Adam),
 * `'none'` leaves it.
 */
export type BatchScalingRule = 'linear' | 'sqrt' | 'none';

/** Every allowed {@link BatchScalingRule} (internal: for validation). */
const BATCH_SCALING_RULES: readonly BatchScalingRule[] = ['linear', 'sqrt', 'none'];

/**
 * The multiplier a {@link BatchScalingRule} applies for batch size `batch`.
 *
 * @example
 * ```ts
 * batchScalingFactor('sqrt', 512, 128); // 2
 * ```
 */
export function batchScalingFactor(rule: BatchScalingRule, batch: number, baseBatch: number): number {
  if (rule === 'none') return 1;
  const ratio = batch / baseBatch;
  return rule === 'linear' ? ratio : Math.sqrt(ratio);
}

/** Options of {@link scaleLrForBatch}. */
export interface BatchScalingOptions {
  /** The batch size the learning rate was tuned for (> 0). */
  readonly baseBatch: number;
  /** `'linear'` (default), `'sqrt'` or `'none'`. */
  readonly rule?: BatchScalingRule;
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
export const scaleLrForBatch = defineCombinator({
  type: 'batchScaledLr',
  name: 'scaleLrForBatch',
  fields: ['lr', 'batchSize', 'baseBatch', 'rule'],
  params: (lr: Schedule, batchSize: Schedule, options: BatchScalingOptions) => ({ args: { lr, batchSize, ...options } }),
  build(r) {
    const lr = r.schedule('lr');
    const batch = r.schedule('batchSize');
    const unit = r.useUnit(lr.unit);
    if (batch.unit !== unit) r.fail('batchSize.unit', batch.unit, `"${unit}" (the unit of lr); both schedules must share one unit`);
    const baseBatch = r.number('baseBatch', { gt: 0 });
    const rule = r.oneOf('rule', BATCH_SCALING_RULES, 'linear');
    return {
      spec: { baseBatch, rule, lr: specOf(lr), batchSize: specOf(batch) },
      end: lr.end !== undefined && batch.end !== undefined ? Math.max(lr.end, batch.end) : undefined,
      at: (t) => lr.at(t) * batchScalingFactor(rule, batch.at(t), baseBatch),
    };
  },
});
