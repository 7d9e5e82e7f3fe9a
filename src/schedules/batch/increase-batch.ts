import { checkNumber, checkOneOf, checkOptional, inRange, isRecord } from '../../check.js';
import { HyperscheduleError } from '../../errors.js';
import { checkSchedule, defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';
import { BATCH_ROUNDINGS, batchSizeSchedule, type BatchRounding } from './batch-size.js';
import { scaleLrForBatch } from './batch-lr-scaling.js';

/** Options of {@link batchForDecay}. */
export interface BatchForDecayOptions {
  /** The batch size the learning rate was tuned for (integer >= 1). */
  readonly baseBatch: number;
  /** The LR whose ratio to `lr.at(t)` sets the batch (> 0, default `lr.at(0)`). */
  readonly referenceLr?: number;
  /** Cap on the batch size (>= baseBatch, default `Number.MAX_SAFE_INTEGER`). */
  readonly maxBatch?: number;
}

/**
 * The batch size that replaces a learning-rate decay: `baseBatch * referenceLr / lr.at(t)`
 * (real-valued; {@link increaseBatchInsteadOfDecay} rounds and caps it), never above `maxBatch`
 * (default `Number.MAX_SAFE_INTEGER`), so a learning rate that reaches 0 gives a finite value.
 *
 * @example
 * ```ts
 * const b = batchForDecay(multiStepDecay({ init: 0.1, milestones: [60, 120], gamma: 0.2, unit: 'epoch' }), { baseBatch: 128 });
 * b.at(130); // 3200 (approx.: 128 * 25)
 * ```
 */
export const batchForDecay = defineCombinator({
  type: 'batchForDecay',
  fields: ['lr', 'baseBatch', 'referenceLr', 'maxBatch'],
  params: (lr: Schedule, options: BatchForDecayOptions) => ({ args: { lr, ...options } }),
  build(r) {
    const lr = r.schedule('lr');
    r.useUnit(lr.unit);
    const baseBatch = r.number('baseBatch', { integer: true, ge: 1 });
    const referenceLr = r.optionalNumber('referenceLr', { gt: 0 }) ?? lr.at(0);
    if (!inRange(referenceLr, { gt: 0 })) r.fail('referenceLr', referenceLr, 'a finite number > 0 (defaults to lr.at(0), which must then be > 0)');
    const maxBatch = r.number('maxBatch', { ge: baseBatch }, Number.MAX_SAFE_INTEGER);
    return {
      spec: { baseBatch, referenceLr, maxBatch, lr: specOf(lr) },
      end: lr.end,
      at: (t) => {
        const eps = lr.at(t);
        return eps > 0 ? Math.min(maxBatch, (baseBatch * referenceLr) / eps) : maxBatch;
      },
    };
  },
});

/** Options of {@link increaseBatchInsteadOfDecay}. */
export interface IncreaseBatchOptions {
  /** The batch size the original LR schedule was tuned for (integer >= 1). */
  readonly baseBatch: number;
  /** Largest batch size; default `floor(datasetSize / 10)` (Smith et al.: grow B up to ~N/10). */
  readonly maxBatch?: number;
  /** Training-set size N: the default `maxBatch` and the noise scale's N. */
  readonly datasetSize?: number;
  /** SGD momentum m (constant, in [0, 1)) for {@link IncreaseBatchResult.noiseScale}. Default 0. */
  readonly momentum?: number;
  /** The LR whose ratio to lr.at(t) sets the batch growth; default lr.at(0) (the peak of a decay). */
  readonly referenceLr?: number;
  /** Rounding of the batch size (default `'round'`). */
  readonly round?: BatchRounding;
  /** Batch sizes are multiples of this (default 1). */
  readonly multipleOf?: number;
}

/**
 * What {@link increaseBatchInsteadOfDecay} returns: the two schedules to drive, and the noise scale
 * they give (equal to the original schedule's at every t).
 */
export interface IncreaseBatchResult {
  /** Integer batch size: grows as the original LR decays, up to `maxBatch`. */
  readonly batchSize: Schedule;
  /** The LR to use with it: constant while B grows, the original decay once B is capped. */
  readonly lr: Schedule;
  /** The largest batch size used. */
  readonly maxBatch: number;
  /** SGD noise scale eps_t * N / (B_t (1 - m)) of the converted run (N = 1 when no datasetSize). */
  noiseScale(t: number): number;
}

/**
 * "Don't decay the learning rate, increase the batch size" (Smith, Kindermans, Ying, Le 2017).
 * From a decaying LR schedule tuned at `baseBatch`, returns a batch-size schedule and an LR
 * schedule with the same SGD noise scale eps*N/(B(1-m)): the batch grows by the LR's decay
 * factor (B_t = round(baseBatch * eps_0 / eps_t)) until `maxBatch`, after which the LR decays for
 * the remainder. The LR is `eps_t * B_t / baseBatch` (the linear scaling rule applied to the
 * rounded, capped B_t), so the noise scale matches the original exactly even where B is rounded;
 * where B is neither rounded nor capped the LR equals eps_0. Far fewer updates for the same
 * epochs. The schedule must count epochs, samples or progress: with a changing batch size the
 * steps per epoch change, so a step-based schedule would be stretched.
 *
 * @example
 * ```ts
 * import { increaseBatchInsteadOfDecay, multiStepDecay } from 'hyperschedule';
 * const original = multiStepDecay({ init: 0.1, milestones: [60, 120, 160], gamma: 0.2, unit: 'epoch' });
 * const { batchSize, lr } = increaseBatchInsteadOfDecay(original, { baseBatch: 128, maxBatch: 5000 });
 * [batchSize.at(0), batchSize.at(60), batchSize.at(120), batchSize.at(160)]; // [128, 640, 3200, 5000]
 * [lr.at(0), lr.at(60), lr.at(120), lr.at(160)]; // ≈ [0.1, 0.1, 0.1, 0.03125]
 * ```
 */
export function increaseBatchInsteadOfDecay(lrSchedule: Schedule, options: IncreaseBatchOptions): IncreaseBatchResult {
  const name = 'increaseBatchInsteadOfDecay';
  const lr = checkSchedule(lrSchedule, `${name}.lrSchedule`);
  if (lr.unit === 'step') {
    throw new HyperscheduleError(
      `${name}.lrSchedule.unit`,
      lr.unit,
      '"epoch", "sample" or "progress" (steps per epoch change with the batch size)',
    );
  }
  if (!isRecord(options)) {
    throw new HyperscheduleError(`${name}.options`, options, 'an object { baseBatch, maxBatch? | datasetSize?, ... }');
  }
  const datasetSize = checkOptional(checkNumber({ integer: true, ge: 1 }))(options.datasetSize, `${name}.datasetSize`);
  const momentum = checkOptional(checkNumber({ ge: 0, lt: 1 }))(options.momentum, `${name}.momentum`) ?? 0;
  const maxBatch = options.maxBatch ?? (datasetSize !== undefined ? Math.floor(datasetSize / 10) : undefined);
  if (maxBatch === undefined) {
    throw new HyperscheduleError(`${name}.maxBatch`, maxBatch, 'an integer >= baseBatch (or give datasetSize: the default is datasetSize / 10)');
  }
  const baseBatch = checkNumber({ integer: true, ge: 1 })(options.baseBatch, `${name}.baseBatch`);
  checkNumber({ integer: true, ge: baseBatch })(maxBatch, `${name}.maxBatch`);
  const round = checkOptional(checkOneOf(BATCH_ROUNDINGS))(options.round, `${name}.round`);
  const growth = batchForDecay(lr, { baseBatch, ...(options.referenceLr !== undefined ? { referenceLr: options.referenceLr } : {}) });
  const batchSize = batchSizeSchedule(growth, {
    max: maxBatch,
    min: options.multipleOf ?? 1,
    ...(round ? { round } : {}),
    ...(options.multipleOf !== undefined ? { multipleOf: options.multipleOf } : {}),
  });
  const scaledLr = scaleLrForBatch(lr, batchSize, { baseBatch, rule: 'linear' });
  const n = datasetSize ?? 1;
  return Object.freeze({
    batchSize,
    lr: scaledLr,
    maxBatch,
    noiseScale: (t: number): number => (scaledLr.at(t) * n) / (batchSize.at(t) * (1 - momentum)),
  });
}
