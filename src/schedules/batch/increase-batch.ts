import { checkNumber, checkOneOf, checkOptional, inRange, isRecord } from '../../check.js';
import { HyperscheduleError } from '../../errors.js';
import { checkSchedule, defineCombinator, specOf } from '../define.js';
import type { Schedule } from '../schedule.js';
import { BATCH_ROUNDINGS, batchSizeSchedule, type BatchRounding } from './batch-size.js';
import { scaleLrForBatch, type BatchScalingRule } from './batch-lr-scaling.js';
import { runningPeak } from './running-peak.js';

/**
 * The scaling rule that turns an LR decay into a batch growth: `'linear'` (SGD, Smith et al. 2017:
 * an LR decay by α is a batch growth by α, keeping eps/B) or `'sqrt'` (Adam-family optimizers,
 * Malladi et al. 2022's SDE rule: an LR decay by α is a batch growth by α², keeping eps²/B). The
 * batch-to-LR rules of {@link scaleLrForBatch} without `'none'`.
 */
export type DecayScalingRule = Exclude<BatchScalingRule, 'none'>;

/** Every allowed {@link DecayScalingRule} (internal: for validation). */
const DECAY_SCALING_RULES: readonly DecayScalingRule[] = ['linear', 'sqrt'];

/** Options of {@link batchForDecay}. */
export interface BatchForDecayOptions {
  /** The batch size the learning rate was tuned for (integer >= 1). */
  readonly baseBatch: number;
  /** A fixed LR whose ratio to `lr.at(t)` sets the batch (> 0); default the running peak of `lr`. */
  readonly referenceLr?: number;
  /** Cap on the batch size (>= baseBatch, default `Number.MAX_SAFE_INTEGER`). */
  readonly maxBatch?: number;
  /** `'linear'` (default: what specs saved before the option meant) or `'sqrt'`. */
  readonly rule?: DecayScalingRule;
}

/**
 * The batch size that replaces a learning-rate decay: `baseBatch * (M_t / lr.at(t))^p` with
 * `p = 1` for the `'linear'` rule and `p = 2` for `'sqrt'` (real-valued; {@link increaseBatchInsteadOfDecay}
 * rounds and caps it). `M_t` is `referenceLr` if given, else the running peak `max(lr(s), s <= t)`,
 * so a warmup, one-cycle or cyclic schedule grows the batch only along the decay after its peak so
 * far. Never below `baseBatch` nor above `maxBatch` (default `Number.MAX_SAFE_INTEGER`): a
 * learning rate that reaches 0 after a positive peak gives `maxBatch`, one that was never above 0
 * gives `baseBatch`.
 *
 * @example
 * ```ts
 * const b = batchForDecay(multiStepDecay({ init: 0.1, milestones: [60, 120], gamma: 0.2, unit: 'epoch' }), { baseBatch: 128 });
 * b.at(130); // 3200 (approx.: 128 * 25)
 * ```
 */
export const batchForDecay = defineCombinator({
  type: 'batchForDecay',
  fields: ['lr', 'baseBatch', 'referenceLr', 'maxBatch', 'rule'],
  params: (lr: Schedule, options: BatchForDecayOptions) => ({ args: { lr, ...options } }),
  build(r) {
    const lr = r.schedule('lr');
    r.useUnit(lr.unit);
    const baseBatch = r.number('baseBatch', { integer: true, ge: 1 });
    const referenceLr = r.optionalNumber('referenceLr', { gt: 0 });
    const maxBatch = r.number('maxBatch', { ge: baseBatch }, Number.MAX_SAFE_INTEGER);
    const rule = r.oneOf('rule', DECAY_SCALING_RULES, 'linear');
    const power = rule === 'sqrt' ? 2 : 1;
    const peak = referenceLr !== undefined ? () => referenceLr : runningPeak(lr);
    return {
      spec: { baseBatch, referenceLr, maxBatch, rule, lr: specOf(lr) },
      end: lr.end,
      at: (t) => {
        const eps = lr.at(t);
        const top = peak(lr.end !== undefined && t > lr.end ? lr.end : t); // settled: at(t) === at(end) exactly
        if (!(top > 0) || eps >= top) return baseBatch;
        return eps > 0 ? Math.min(maxBatch, baseBatch * (top / eps) ** power) : maxBatch;
      },
    };
  },
});

/** Options of {@link increaseBatchInsteadOfDecay}. */
export interface IncreaseBatchOptions {
  /**
   * Required: `'linear'` for SGD (with or without momentum), `'sqrt'` for Adam, AdamW, AdamS and
   * other adaptive optimizers. No default: the right rule depends on the optimizer, which this
   * function cannot see.
   */
  readonly rule: DecayScalingRule;
  /** The batch size the original LR schedule was tuned for (integer >= 1); the batch never goes below it. */
  readonly baseBatch: number;
  /** Largest batch size; default `floor(datasetSize / 10)` (Smith et al.: grow B up to ~N/10). */
  readonly maxBatch?: number;
  /** Training-set size N: the default `maxBatch` and the noise scale's N. */
  readonly datasetSize?: number;
  /** SGD momentum m (constant, in [0, 1)) for {@link IncreaseBatchResult.noiseScale}; `'linear'` rule only. Default 0. */
  readonly momentum?: number;
  /** A fixed LR whose ratio to lr.at(t) sets the batch growth; default the running peak of the LR so far. */
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
  /** The LR to use with it: the running peak while B grows, the original decay once B is capped. */
  readonly lr: Schedule;
  /** The largest batch size used. */
  readonly maxBatch: number;
  /**
   * The quantity the rule keeps equal to the original run's (N = 1 when no datasetSize):
   * `'linear'`: the SGD noise scale eps_t * N / (B_t (1 - m)); `'sqrt'`: eps_t² * N / B_t.
   */
  noiseScale(t: number): number;
}

/**
 * "Don't decay the learning rate, increase the batch size" (Smith, Kindermans, Ying, Le 2017),
 * with the scaling rule of the optimizer. From an LR schedule `eps_t` tuned at `baseBatch`
 * (B_0), returns a batch-size schedule and an LR schedule that keep the rule's noise quantity:
 *
 * - `rule: 'linear'` (SGD, Smith et al. 2017): an LR decay by α is a batch growth by α.
 *   B_t = B_0 · M_t / eps_t, LR = eps_t · B_t / B_0; keeps eps·N/(B(1−m)).
 * - `rule: 'sqrt'` (Adam-family, Malladi et al. 2022, "On the SDEs and Scaling Rules for Adaptive
 *   Gradient Algorithms"): an LR decay by α is a batch growth by α². B_t = B_0 · (M_t / eps_t)²,
 *   LR = eps_t · √(B_t / B_0); keeps eps²/B. (Their full rule also sets 1−β₁, 1−β₂ ∝ B and
 *   epsilon ∝ 1/√B; this function changes only the LR and the batch.)
 *
 * M_t is the running peak of the LR, max(eps_s, s ≤ t) (or `referenceLr` if given): a decay from
 * the start grows the batch from t = 0; a warmup, one-cycle or cyclic schedule keeps B_0 and its
 * own LR while the LR rises to a new peak, and grows the batch only along the decay after it.
 * B_t is rounded, never below B_0 (rounded up to `multipleOf`) nor above `maxBatch`; the LR uses
 * the rounded, capped B_t, so the noise quantity matches the original's even there, and where B
 * is neither rounded nor capped the LR equals M_t. Far fewer updates for the same epochs. The
 * schedule must count epochs, samples or progress: with a changing batch size the steps per epoch
 * change, so a step-based schedule would be stretched.
 *
 * @example
 * ```ts
 * import { increaseBatchInsteadOfDecay, multiStepDecay } from 'hyperschedule';
 * const original = multiStepDecay({ init: 0.1, milestones: [60, 120, 160], gamma: 0.2, unit: 'epoch' });
 * const { batchSize, lr } = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 128, maxBatch: 5000 });
 * [batchSize.at(0), batchSize.at(60), batchSize.at(120), batchSize.at(160)]; // [128, 640, 3200, 5000]
 * [lr.at(0), lr.at(60), lr.at(120), lr.at(160)]; // ≈ [0.1, 0.1, 0.1, 0.03125]
 * const adam = increaseBatchInsteadOfDecay(original, { rule: 'sqrt', baseBatch: 128, maxBatch: 5000 });
 * [adam.batchSize.at(0), adam.batchSize.at(60), adam.batchSize.at(120)]; // [128, 3200, 5000] (B grows by 0.2⁻² = 25)
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
    throw new HyperscheduleError(`${name}.options`, options, 'an object { rule, baseBatch, maxBatch? | datasetSize?, ... }');
  }
  const rule = checkOneOf(DECAY_SCALING_RULES, '"linear" (SGD: Smith et al. 2017) or "sqrt" (Adam, AdamW, AdamS: Malladi et al. 2022)')(options.rule, `${name}.rule`);
  const datasetSize = checkOptional(checkNumber({ integer: true, ge: 1 }))(options.datasetSize, `${name}.datasetSize`);
  const momentum = checkOptional(checkNumber({ ge: 0, lt: 1 }))(options.momentum, `${name}.momentum`) ?? 0;
  if (rule === 'sqrt' && options.momentum !== undefined) {
    throw new HyperscheduleError(`${name}.momentum`, options.momentum, 'no momentum with rule "sqrt" (SGD momentum enters only the linear rule\'s noise scale)');
  }
  const maxBatch = options.maxBatch ?? (datasetSize !== undefined ? Math.floor(datasetSize / 10) : undefined);
  if (maxBatch === undefined) {
    throw new HyperscheduleError(`${name}.maxBatch`, maxBatch, 'an integer >= baseBatch (or give datasetSize: the default is datasetSize / 10)');
  }
  const baseBatch = checkNumber({ integer: true, ge: 1 })(options.baseBatch, `${name}.baseBatch`);
  checkNumber({ integer: true, ge: baseBatch })(maxBatch, `${name}.maxBatch`);
  const round = checkOptional(checkOneOf(BATCH_ROUNDINGS))(options.round, `${name}.round`);
  const multipleOf = checkOptional(checkNumber({ integer: true, ge: 1 }))(options.multipleOf, `${name}.multipleOf`) ?? 1;
  const growth = batchForDecay(lr, { baseBatch, rule, ...(options.referenceLr !== undefined ? { referenceLr: options.referenceLr } : {}) });
  const batchSize = batchSizeSchedule(growth, {
    max: maxBatch,
    min: Math.ceil(baseBatch / multipleOf) * multipleOf,
    ...(round ? { round } : {}),
    ...(options.multipleOf !== undefined ? { multipleOf } : {}),
  });
  const scaledLr = scaleLrForBatch(lr, batchSize, { baseBatch, rule });
  const n = datasetSize ?? 1;
  return Object.freeze({
    batchSize,
    lr: scaledLr,
    maxBatch,
    noiseScale: (t: number): number => {
      const eps = scaledLr.at(t);
      return rule === 'sqrt' ? (eps * eps * n) / batchSize.at(t) : (eps * n) / (batchSize.at(t) * (1 - momentum));
    },
  });
}
