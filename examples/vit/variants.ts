/**
 * The hyperparameter variants the study compares, as data. A variant's `build` turns the run's
 * shape (peak LR, epochs, steps per epoch, stepping) into a {@link VariantSpec}: one JSON driver per
 * hyperparameter — a hyperschedule schedule spec (with the PyTorch scheduler it came from, when it
 * is one of the study's), or a controller. Sweeps and reports name variants; results record the
 * resolved spec, so every curve in a report can be rebuilt with `fromJSON`.
 */
import {
  HyperscheduleError,
  constant,
  cosine,
  fromTorch,
  increaseBatchInsteadOfDecay,
  quantize,
  sequence,
  warmup,
  type Schedule,
  type ScheduleSpec,
  type TorchSchedulerSpec,
} from 'hyperschedule';
import type { Stepping } from './config.js';

/**
 * The hyperparameters every run drives (AdamW's four and the batch size).
 *
 * @example
 * ```ts
 * import { HPARAM_NAMES } from './variants.js';
 * HPARAM_NAMES.includes('batchSize'); // true
 * ```
 */
export const HPARAM_NAMES = ['lr', 'beta1', 'beta2', 'weightDecay', 'batchSize'] as const;

/**
 * One of {@link HPARAM_NAMES}.
 *
 * @example
 * ```ts
 * import type { HParamName } from './variants.js';
 * const h: HParamName = 'beta1';
 * ```
 */
export type HParamName = (typeof HPARAM_NAMES)[number];

/**
 * What drives one hyperparameter, as JSON:
 * - `schedule`: a hyperschedule spec (`fromJSON`), and the PyTorch scheduler it replays if any;
 * - `adaptiveMomentum`: beta1 from the adaptive heavy-ball rule (Sun et al. 2021) on the hook's
 *   gradient/parameter-change norms, with AdamW's LR as gamma;
 * - `scheduledWeightDecay`: AdamW's weight decay set to lambda / sqrt(mean second moment) each
 *   update (Xie et al. 2023), from the gradient-norm signal.
 *
 * @example
 * ```ts
 * import type { HParamSpec } from './variants.js';
 * const wd: HParamSpec = { kind: 'schedule', spec: { type: 'constant', value: 1e-4, unit: 'step' } };
 * ```
 */
export type HParamSpec =
  | { readonly kind: 'schedule'; readonly spec: ScheduleSpec; readonly torch?: TorchSchedulerSpec }
  | { readonly kind: 'adaptiveMomentum'; readonly delta: number; readonly initial: number }
  | { readonly kind: 'scheduledWeightDecay'; readonly lambda: number };

/**
 * A variant resolved for one run: a driver for every hyperparameter.
 *
 * @example
 * ```ts
 * import { buildVariant } from './variants.js';
 * const spec = buildVariant('one-cycle', { peakLr: 5e-3, epochs: 10, stepping: 'epoch', stepsPerEpoch: 50, samplesPerEpoch: 3200, baseBatch: 64 });
 * spec.hparams.beta1.kind; // 'schedule' (0.95 -> 0.85 -> 0.95)
 * ```
 */
export interface VariantSpec {
  readonly variant: string;
  /**
   * The optimizer that reads the hyperparameters: `adamw` (every variant but the SGD twins) or
   * `sgd` (PyTorch's SGD with heavy-ball momentum = `beta1`, L2 weight decay; `beta2` unused).
   * Absent in results written before the optimizer became a choice: `adamw`.
   */
  readonly optimizer: OptimizerName;
  readonly hparams: Readonly<Record<HParamName, HParamSpec>>;
}

/**
 * The optimizers a variant can run on.
 *
 * @example
 * ```ts
 * import type { OptimizerName } from './variants.js';
 * const o: OptimizerName = 'sgd';
 * ```
 */
export type OptimizerName = 'adamw' | 'sgd';

/**
 * The shape of the run a variant is built for.
 *
 * @example
 * ```ts
 * import type { VariantContext } from './variants.js';
 * const ctx: VariantContext = { peakLr: 2e-3, epochs: 100, stepping: 'epoch', stepsPerEpoch: 87, samplesPerEpoch: 45000, baseBatch: 512 };
 * ```
 */
export interface VariantContext {
  readonly peakLr: number;
  readonly epochs: number;
  readonly stepping: Stepping;
  /** Updates per epoch at the base batch size (drop last). */
  readonly stepsPerEpoch: number;
  /** Training images per epoch. */
  readonly samplesPerEpoch: number;
  readonly baseBatch: number;
  /** Warm-restarts period in epochs (default: a quarter of the run). */
  readonly t0?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly weightDecay?: number;
}

/**
 * A named variant.
 *
 * @example
 * ```ts
 * import { VARIANTS } from './variants.js';
 * VARIANTS['one-cycle']!.studyScheduler; // 'OneCycleLR'
 * ```
 */
export interface VariantDefinition {
  readonly name: string;
  /** Short label for tables and legends. */
  readonly label: string;
  /**
   * `fixed`: constant hyperparameters; `lr`: an LR schedule; `beyond-lr`: schedules another
   * hyperparameter; `twin`: exists to be compared with a `beyond-lr` variant (differs from it in
   * that one hyperparameter only).
   */
  readonly group: 'fixed' | 'lr' | 'beyond-lr' | 'twin';
  readonly description: string;
  /** The reference study's scheduler this replays (its name in seed-results.csv), if any. */
  readonly studyScheduler?: string;
  /**
   * The variants this one differs from in exactly one hyperparameter (same LR schedule, optimizer
   * and everything else): the fair comparisons for it, paired by peak LR and seed.
   */
  readonly twins?: readonly string[];
  build(ctx: VariantContext): VariantSpec;
}

/** Fraction of the run spent warming up: the study's 6 of 100 epochs. */
const WARMUP_FRACTION = 0.06;
/** The study's StepLR decayed 20 times over the run (every 5 of 100 epochs, by 0.9). */
const STEP_DECAYS = 20;
const STEP_GAMMA = 0.9;
/** eta_min of the study's CosineAnnealingLR. */
const COSINE_MIN = 1e-6;
/**
 * lambda of scheduled weight decay: AdamS's CIFAR-10 setting (Xie et al. 2023).
 *
 * @example
 * ```ts
 * import { SWD_LAMBDA } from './variants.js';
 * SWD_LAMBDA; // 0.0005
 * ```
 */
export const SWD_LAMBDA = 5e-4;

/** Adaptive momentum keeps beta1 in [0, 1 - delta]; hyperschedule's default delta, recorded in the spec. */
const ADAPTIVE_MOMENTUM_DELTA = 1e-3;

function checkContext(ctx: VariantContext): void {
  const positive = (field: keyof VariantContext, integer: boolean) => {
    const v = ctx[field];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new HyperscheduleError(`variant.${field}`, v, integer ? 'an integer >= 1' : 'a finite number > 0');
    }
  };
  positive('peakLr', false);
  positive('epochs', true);
  positive('stepsPerEpoch', true);
  positive('samplesPerEpoch', true);
  positive('baseBatch', true);
  if (ctx.stepping !== 'epoch' && ctx.stepping !== 'step') throw new HyperscheduleError('variant.stepping', ctx.stepping, '"epoch" or "step"');
  if (ctx.t0 !== undefined) positive('t0', false);
}

/** Scheduler steps in the run: epochs, or updates at the base batch size. */
function total(ctx: VariantContext): number {
  return ctx.stepping === 'epoch' ? ctx.epochs : ctx.epochs * ctx.stepsPerEpoch;
}

/** `epochs` (fractional) as a whole number (>= 1) of scheduler steps; PyTorch compares step counts exactly. */
function count(ctx: VariantContext, epochs: number): number {
  return Math.max(1, Math.round(ctx.stepping === 'epoch' ? epochs : epochs * ctx.stepsPerEpoch));
}

function runOf(ctx: VariantContext) {
  return { epochs: ctx.epochs, stepsPerEpoch: ctx.stepsPerEpoch, totalSteps: ctx.epochs * ctx.stepsPerEpoch };
}

function scheduled(s: Schedule, torch?: TorchSchedulerSpec): HParamSpec {
  return { kind: 'schedule', spec: s.toJSON(), ...(torch ? { torch } : {}) };
}

function fixed(value: number): HParamSpec {
  return scheduled(constant({ value }));
}

/** The PyTorch scheduler, replayed by `fromTorch` at this run's stepping. */
function torch(ctx: VariantContext, spec: TorchSchedulerSpec): { lr: HParamSpec; momentum?: HParamSpec } {
  const { lr, momentum } = fromTorch(spec, { unit: ctx.stepping, run: runOf(ctx) });
  return { lr: scheduled(lr, spec), ...(momentum ? { momentum: scheduled(momentum, spec) } : {}) };
}

/** The study's warmup: LinearLR(0.1 -> 1) over 6% of the run, then `then` (SequentialLR). */
function withWarmup(ctx: VariantContext, then: TorchSchedulerSpec): TorchSchedulerSpec {
  const w = count(ctx, WARMUP_FRACTION * ctx.epochs);
  return {
    type: 'SequentialLR',
    base: ctx.peakLr,
    milestones: [w],
    schedulers: [{ type: 'LinearLR', startFactor: 0.1, endFactor: 1, totalIters: w }, then],
  };
}

const constantLr = (ctx: VariantContext): TorchSchedulerSpec => ({ type: 'ConstantLR', factor: 1, totalIters: total(ctx) });
const cosineLr = (ctx: VariantContext): TorchSchedulerSpec => ({ type: 'CosineAnnealingLR', tMax: total(ctx), etaMin: COSINE_MIN });

/** AdamW's other hyperparameters held at the study's values. */
function adamDefaults(ctx: VariantContext): Record<Exclude<HParamName, 'lr'>, HParamSpec> {
  return {
    beta1: fixed(ctx.beta1 ?? 0.9),
    beta2: fixed(ctx.beta2 ?? 0.999),
    weightDecay: fixed(ctx.weightDecay ?? 1e-4),
    batchSize: fixed(ctx.baseBatch),
  };
}

function lrVariant(name: string, lr: (ctx: VariantContext) => TorchSchedulerSpec) {
  return (ctx: VariantContext): VariantSpec => {
    const built = torch(ctx, lr(ctx));
    return {
      variant: name,
      optimizer: 'adamw',
      hparams: { ...adamDefaults(ctx), lr: built.lr, ...(built.momentum ? { beta1: built.momentum } : {}) },
    };
  };
}

const cosineWarmupSpec = (ctx: VariantContext) => withWarmup(ctx, cosineLr(ctx));

/**
 * The fixed momenta the adaptive heavy-ball variant is compared with.
 *
 * @example
 * ```ts
 * import { SGD_MOMENTA } from './variants.js';
 * SGD_MOMENTA; // [0.5, 0.9, 0.95]
 * ```
 */
export const SGD_MOMENTA: readonly number[] = Object.freeze([0.5, 0.9, 0.95]);

function sgdTwinName(momentum: number): string {
  return `sgd-momentum-${momentum}`;
}

/** SGD on cosine + warmup at the peak LR, momentum from `momentum`, L2 weight decay as configured. */
function sgdVariant(name: string, ctx: VariantContext, momentum: HParamSpec): VariantSpec {
  const { hparams } = lrVariant(name, cosineWarmupSpec)(ctx);
  return { variant: name, optimizer: 'sgd', hparams: { ...hparams, beta1: momentum } };
}

function define(v: VariantDefinition): VariantDefinition {
  return Object.freeze({
    ...v,
    build: (ctx: VariantContext) => {
      checkContext(ctx);
      return v.build(ctx);
    },
  });
}

const LIST: readonly VariantDefinition[] = [
  define({
    name: 'constant',
    label: 'constant',
    group: 'fixed',
    studyScheduler: 'ConstantLR',
    description: 'Every hyperparameter fixed: LR at the peak from the first update (PyTorch ConstantLR, factor 1).',
    build: lrVariant('constant', (ctx) => ({ ...constantLr(ctx), base: ctx.peakLr })),
  }),
  define({
    name: 'constant-warmup',
    label: 'constant + warmup',
    group: 'lr',
    studyScheduler: 'ConstantLRWarmup',
    description: 'LinearLR 0.1 -> 1 over the first 6% of the run, then the constant peak LR.',
    build: lrVariant('constant-warmup', (ctx) => withWarmup(ctx, constantLr(ctx))),
  }),
  define({
    name: 'cosine',
    label: 'cosine',
    group: 'lr',
    studyScheduler: 'CosineAnnealingLR',
    description: 'Pure decay: CosineAnnealingLR from the peak over the run (eta_min 1e-6), no warmup.',
    build: lrVariant('cosine', (ctx) => ({ ...cosineLr(ctx), base: ctx.peakLr })),
  }),
  define({
    name: 'cosine-warmup',
    label: 'cosine + warmup',
    group: 'lr',
    studyScheduler: 'CosineAnnealingLRWarmup',
    description: 'The study\'s warmup (6%), then CosineAnnealingLR with T_max = the run (SequentialLR).',
    build: lrVariant('cosine-warmup', cosineWarmupSpec),
  }),
  define({
    name: 'one-cycle',
    label: 'one-cycle (LR + beta1)',
    group: 'lr',
    studyScheduler: 'OneCycleLR',
    description: 'OneCycleLR to the peak at 30% and down to peak/2.5e5; it also cycles AdamW beta1 0.95 -> 0.85 -> 0.95.',
    build: lrVariant('one-cycle', (ctx) => ({ type: 'OneCycleLR', base: ctx.peakLr, beta1: ctx.beta1 ?? 0.9, maxLr: ctx.peakLr, totalSteps: total(ctx) })),
  }),
  define({
    name: 'step',
    label: 'step decay',
    group: 'lr',
    studyScheduler: 'StepLR',
    description: 'StepLR from the peak, 20 decays over the run (the study: x0.9 every 5 of 100 epochs), no warmup.',
    build: lrVariant('step', (ctx) => {
      const n = total(ctx);
      const stepSize = Math.max(1, Math.round(n / STEP_DECAYS));
      // Same overall decay (0.9^20) when the run is too short for 20 steps.
      const gamma = STEP_GAMMA ** ((stepSize * STEP_DECAYS) / n);
      return { type: 'StepLR', base: ctx.peakLr, stepSize, gamma };
    }),
  }),
  define({
    name: 'warm-restarts',
    label: 'warm restarts',
    group: 'lr',
    studyScheduler: 'CosineAnnealingWarmRestarts',
    description: 'CosineAnnealingWarmRestarts from the peak, period T_0 (default a quarter of the run), no warmup.',
    build: lrVariant('warm-restarts', (ctx) => ({ type: 'CosineAnnealingWarmRestarts', base: ctx.peakLr, t0: count(ctx, ctx.t0 ?? ctx.epochs / 4) })),
  }),
  define({
    name: 'batch-growth',
    label: 'batch size instead of decay',
    group: 'beyond-lr',
    twins: ['cosine-warmup'],
    description:
      'Smith et al. 2017 on cosine + warmup, with the square-root rule that fits AdamW (Malladi et al. 2022): after the ' +
      'warmup, where the cosine would cut the LR by a factor a the batch grows by a^2 instead, up to N/10, and only then ' +
      'does the LR decay. Counts samples, so the changing steps per epoch do not stretch it.',
    build: (ctx) => {
      const peak = ctx.peakLr;
      const warm = ctx.stepping === 'epoch' ? count(ctx, WARMUP_FRACTION * ctx.epochs) : count(ctx, WARMUP_FRACTION * ctx.epochs) / ctx.stepsPerEpoch;
      const decay = cosine({ init: peak, duration: ctx.epochs, min: COSINE_MIN, periodic: true, unit: 'epoch' });
      const maxBatch = Math.max(ctx.baseBatch, Math.floor(ctx.samplesPerEpoch / 10));
      // AdamW: the SDE scaling rule for adaptive methods is the square root (lr ~ sqrt(B)).
      const grown = increaseBatchInsteadOfDecay(decay, { baseBatch: ctx.baseBatch, maxBatch, referenceLr: peak, datasetSize: ctx.samplesPerEpoch, rule: 'sqrt' });
      let lr = warmup(grown.lr, { duration: warm, from: 0.1 * peak });
      let batch = sequence([constant({ value: ctx.baseBatch, unit: 'epoch' }), grown.batchSize], [warm]);
      if (ctx.stepping === 'epoch') {
        lr = quantize(lr, 1);
        batch = quantize(batch, 1);
      }
      return { variant: 'batch-growth', optimizer: 'adamw', hparams: { ...adamDefaults(ctx), lr: scheduled(lr), batchSize: scheduled(batch) } };
    },
  }),
  define({
    name: 'adaptive-beta1',
    label: 'adaptive beta1 on AdamW (heuristic)',
    group: 'beyond-lr',
    twins: ['cosine-warmup'],
    description:
      'Heuristic, no theory: the adaptive heavy-ball rule (Sun et al. 2021) applied to AdamW beta1 on cosine + warmup, ' +
      '(1 - sqrt(lr ||g_k - g_k-1|| / ||x_k - x_k-1||))^2 in [0, 1 - delta]. Adam\'s step is preconditioned, so the ratio ' +
      'is not a curvature here; the rule\'s own setting is SGD (`sgd-adaptive-hb`).',
    build: (ctx) => ({
      variant: 'adaptive-beta1',
      optimizer: 'adamw',
      hparams: {
        ...lrVariant('adaptive-beta1', cosineWarmupSpec)(ctx).hparams,
        beta1: { kind: 'adaptiveMomentum', delta: ADAPTIVE_MOMENTUM_DELTA, initial: ctx.beta1 ?? 0.9 },
      },
    }),
  }),
  define({
    name: 'sgd-adaptive-hb',
    label: 'SGD, adaptive heavy-ball momentum',
    group: 'beyond-lr',
    twins: SGD_MOMENTA.map(sgdTwinName),
    description:
      'SGD with heavy-ball momentum set every update by Sun et al. 2021: (1 - sqrt(lr ||g_k - g_k-1|| / ||x_k - x_k-1||))^2 ' +
      'in [0, 1 - delta], starting at 0.9; cosine + warmup LR at the peak LR of SGD.',
    build: (ctx) => sgdVariant('sgd-adaptive-hb', ctx, { kind: 'adaptiveMomentum', delta: ADAPTIVE_MOMENTUM_DELTA, initial: 0.9 }),
  }),
  ...SGD_MOMENTA.map((momentum) =>
    define({
      name: sgdTwinName(momentum),
      label: `SGD, momentum ${momentum}`,
      group: 'twin',
      description: `SGD with fixed heavy-ball momentum ${momentum}; cosine + warmup LR at the peak LR of SGD (twin of sgd-adaptive-hb).`,
      build: (ctx) => sgdVariant(sgdTwinName(momentum), ctx, fixed(momentum)),
    }),
  ),
  define({
    name: 'scheduled-wd',
    label: 'scheduled weight decay',
    group: 'beyond-lr',
    twins: ['adamw-matched-wd', 'adamw-wd-lambda-over-lr'],
    description:
      `Cosine + warmup LR; AdamW weight decay set every update to lambda / sqrt(mean second moment), lambda = ${SWD_LAMBDA} ` +
      '(AdamS, scheduled weight decay, Xie et al. 2023): each update decays the weights by lr * lambda / sqrt(vbar).',
    build: (ctx) => ({
      variant: 'scheduled-wd',
      optimizer: 'adamw',
      hparams: { ...lrVariant('scheduled-wd', cosineWarmupSpec)(ctx).hparams, weightDecay: { kind: 'scheduledWeightDecay', lambda: SWD_LAMBDA } },
    }),
  }),
  define({
    name: 'adamw-matched-wd',
    label: 'AdamW, decay = SWD\'s mean',
    group: 'twin',
    description:
      'Cosine + warmup AdamW with a constant weight decay (the run\'s weightDecay) set to the mean effective decay the ' +
      'scheduled-wd runs used: the same total decay without the schedule (twin of scheduled-wd).',
    build: lrVariant('adamw-matched-wd', cosineWarmupSpec),
  }),
  define({
    name: 'adamw-wd-lambda-over-lr',
    label: 'AdamW, decay = lambda / peak LR',
    group: 'twin',
    description:
      `Cosine + warmup AdamW with weight decay lambda / peak LR (lambda = ${SWD_LAMBDA}): AdamW as Xie et al. 2023 ` +
      'compare it, decaying by lambda per update at the peak (twin of scheduled-wd).',
    build: (ctx) => ({
      variant: 'adamw-wd-lambda-over-lr',
      optimizer: 'adamw',
      hparams: { ...lrVariant('adamw-wd-lambda-over-lr', cosineWarmupSpec)(ctx).hparams, weightDecay: fixed(SWD_LAMBDA / ctx.peakLr) },
    }),
  }),
];

/**
 * Every variant by name.
 *
 * @example
 * ```ts
 * import { VARIANTS } from './variants.js';
 * Object.keys(VARIANTS).length; // 16
 * ```
 */
export const VARIANTS: Readonly<Record<string, VariantDefinition>> = Object.freeze(Object.fromEntries(LIST.map((v) => [v.name, v])));

/**
 * The variants `npm run example` compares by default: fixed, the study's LR schedules with and
 * without warmup, and the beyond-LR ones (pure cosine is left out for time; `--variants all` adds it).
 *
 * @example
 * ```ts
 * import { DEFAULT_VARIANTS } from './variants.js';
 * DEFAULT_VARIANTS[0]; // 'constant'
 * ```
 */
export const DEFAULT_VARIANTS: readonly string[] = Object.freeze([
  'constant', 'constant-warmup', 'cosine-warmup', 'one-cycle', 'step', 'warm-restarts', 'batch-growth', 'adaptive-beta1', 'scheduled-wd',
]);

/**
 * The definition of a variant; an unknown name lists the known ones.
 *
 * @example
 * ```ts
 * import { variantDefinition } from './variants.js';
 * variantDefinition('step').label; // 'step decay'
 * ```
 */
export function variantDefinition(name: string): VariantDefinition {
  const v = VARIANTS[name];
  if (!v) throw new HyperscheduleError('variant', name, `one of ${Object.keys(VARIANTS).join(', ')}`);
  return v;
}

/**
 * Resolves variant `name` for a run.
 *
 * @example
 * ```ts
 * import { buildVariant } from './variants.js';
 * const s = buildVariant('constant', { peakLr: 3e-3, epochs: 4, stepping: 'step', stepsPerEpoch: 50, samplesPerEpoch: 3200, baseBatch: 64 });
 * s.hparams.lr.kind; // 'schedule'
 * ```
 */
export function buildVariant(name: string, ctx: VariantContext): VariantSpec {
  return variantDefinition(name).build(ctx);
}
