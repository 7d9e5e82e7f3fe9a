import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { assertSchedule, checkFields, checkSpecUnit, childSpec, decodeChild, specNumber } from '../combinators/common.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { batchSizeSchedule, type BatchRounding } from './batch-size.js';
import { scaleLrForBatch } from './batch-lr-scaling.js';

/**
 * The batch size that replaces a learning-rate decay: `baseBatch * referenceLr / lr.at(t)`
 * (real-valued; {@link increaseBatchInsteadOfDecay} rounds and caps it), never above `maxBatch`
 * (default `Number.MAX_SAFE_INTEGER`), so a learning rate that reaches 0 gives a finite value.
 *
 * @example
 * ```ts
 * import { batchForDecay, multiStepDecay } from 'hyperschedule';
 * const b = batchForDecay(multiStepDecay({ init: 0.1, milestones: [60, 120], gamma: 0.2, unit: 'epoch' }), { baseBatch: 128 });
 * b.at(130); // 3200 (approx.: 128 * 25)
 * ```
 */
export function batchForDecay(lr: Schedule, options: { baseBatch: number; referenceLr?: number; maxBatch?: number }): Schedule {
  const child = assertSchedule(lr, 'batchForDecay.lr');
  const baseBatch = options?.baseBatch;
  if (typeof baseBatch !== 'number' || !Number.isInteger(baseBatch) || baseBatch < 1) {
    throw new HyperscheduleError('batchForDecay.baseBatch', baseBatch, 'an integer >= 1');
  }
  const referenceLr = options.referenceLr ?? child.at(0);
  if (typeof referenceLr !== 'number' || !Number.isFinite(referenceLr) || referenceLr <= 0) {
    throw new HyperscheduleError('batchForDecay.referenceLr', referenceLr, 'a finite number > 0 (defaults to lr.at(0), which must then be > 0)');
  }
  const maxBatch = options.maxBatch ?? Number.MAX_SAFE_INTEGER;
  if (typeof maxBatch !== 'number' || !Number.isFinite(maxBatch) || maxBatch < baseBatch) {
    throw new HyperscheduleError('batchForDecay.maxBatch', maxBatch, `a finite number >= baseBatch (${baseBatch})`);
  }
  const unit = child.unit;
  return Object.freeze({
    type: 'batchForDecay',
    unit,
    at(t: number): number {
      const eps = child.at(t);
      return eps > 0 ? Math.min(maxBatch, (baseBatch * referenceLr) / eps) : maxBatch;
    },
    toJSON: (): ScheduleSpec => ({ type: 'batchForDecay', unit, baseBatch, referenceLr, maxBatch, lr: childSpec(child) }),
  });
}

/**
 * Rebuilds a {@link batchForDecay} from `{ type: 'batchForDecay', lr, baseBatch, referenceLr? }`.
 *
 * @example
 * ```ts
 * import { batchForDecayCodec } from 'hyperschedule';
 * batchForDecayCodec.type; // 'batchForDecay'
 * ```
 */
export const batchForDecayCodec: ScheduleCodec = {
  type: 'batchForDecay',
  decode(spec, ctx) {
    checkFields(spec, ['lr', 'baseBatch', 'referenceLr', 'maxBatch']);
    const lr = decodeChild(spec, 'lr', ctx.fromJSON);
    checkSpecUnit(spec, lr.unit);
    const referenceLr = specNumber(spec, 'referenceLr');
    const maxBatch = specNumber(spec, 'maxBatch');
    return batchForDecay(lr, {
      baseBatch: specNumber(spec, 'baseBatch') as number,
      ...(referenceLr !== undefined ? { referenceLr } : {}),
      ...(maxBatch !== undefined ? { maxBatch } : {}),
    });
  },
};

/**
 * Options of {@link increaseBatchInsteadOfDecay}.
 *
 * @example
 * ```ts
 * import type { IncreaseBatchOptions } from 'hyperschedule';
 * const o: IncreaseBatchOptions = { baseBatch: 128, datasetSize: 50000, momentum: 0.9 };
 * ```
 */
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
  const lr = assertSchedule(lrSchedule, 'increaseBatchInsteadOfDecay.lrSchedule');
  if (lr.unit === 'step') {
    throw new HyperscheduleError(
      'increaseBatchInsteadOfDecay.lrSchedule.unit',
      lr.unit,
      '"epoch", "sample" or "progress" (steps per epoch change with the batch size, so a step-based schedule would be stretched)',
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.options', options, 'an object { baseBatch, maxBatch? | datasetSize?, ... }');
  }
  const { baseBatch, datasetSize, momentum = 0 } = options;
  if (datasetSize !== undefined && (typeof datasetSize !== 'number' || !Number.isInteger(datasetSize) || datasetSize < 1)) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.datasetSize', datasetSize, 'an integer >= 1');
  }
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.momentum', momentum, 'a number in [0, 1)');
  }
  const maxBatch = options.maxBatch ?? (datasetSize !== undefined ? Math.floor(datasetSize / 10) : undefined);
  if (maxBatch === undefined) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.maxBatch', maxBatch, 'an integer >= baseBatch (or give datasetSize: the default is datasetSize / 10)');
  }
  if (typeof baseBatch !== 'number' || !Number.isInteger(baseBatch) || baseBatch < 1) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.baseBatch', baseBatch, 'an integer >= 1');
  }
  if (!Number.isInteger(maxBatch) || maxBatch < baseBatch) {
    throw new HyperscheduleError('increaseBatchInsteadOfDecay.maxBatch', maxBatch, `an integer >= baseBatch (${baseBatch})`);
  }
  const growth = batchForDecay(lr, { baseBatch, ...(options.referenceLr !== undefined ? { referenceLr: options.referenceLr } : {}) });
  const batchSize = batchSizeSchedule(growth, {
    max: maxBatch,
    min: options.multipleOf ?? 1,
    ...(options.round ? { round: options.round } : {}),
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
