import type { Duration, RunLength } from '../duration.js';
import type { Schedule } from '../schedule.js';

/**
 * Every PyTorch scheduler class {@link fromTorch} understands, in documentation order.
 *
 * @example
 * ```ts
 * import { TORCH_SCHEDULER_TYPES } from './spec.js';
 * TORCH_SCHEDULER_TYPES.includes('OneCycleLR'); // true
 * ```
 */
export const TORCH_SCHEDULER_TYPES = [
  'StepLR',
  'MultiStepLR',
  'ConstantLR',
  'LinearLR',
  'ExponentialLR',
  'PolynomialLR',
  'CosineAnnealingLR',
  'CosineAnnealingWarmRestarts',
  'CyclicLR',
  'OneCycleLR',
  'SequentialLR',
  'ChainedScheduler',
] as const;

/**
 * A PyTorch scheduler class name (`torch.optim.lr_scheduler.<type>`).
 */
export type TorchSchedulerType = (typeof TORCH_SCHEDULER_TYPES)[number];

/**
 * Tells whether a value names a PyTorch scheduler class (how the CLI tells a PyTorch spec from a
 * hyperschedule spec).
 *
 * @example
 * ```ts
 * import { isTorchSchedulerType } from './spec.js';
 * isTorchSchedulerType('StepLR'); // true
 * isTorchSchedulerType('cosine'); // false
 * ```
 */
export function isTorchSchedulerType(value: unknown): value is TorchSchedulerType {
  return typeof value === 'string' && (TORCH_SCHEDULER_TYPES as readonly string[]).includes(value);
}

/**
 * Fields of the outermost spec describing the optimizer the scheduler is attached to.
 * `base` is the optimizer's initial LR (PyTorch's `initial_lr`); `momentum` (SGD) or `beta1`
 * (Adam/AdamW) its initial momentum, which only matters when no scheduler cycles momentum.
 */
export interface TorchOptimizerFields {
  /** The optimizer's initial learning rate. Required except for a lone CyclicLR / OneCycleLR. */
  readonly base?: number;
  /** SGD's initial momentum: `fromTorch` then always returns a `momentum` schedule. */
  readonly momentum?: number;
  /** Adam's initial beta1: `fromTorch` then always returns a `momentum` schedule. */
  readonly beta1?: number;
}

/**
 * `StepLR(step_size, gamma=0.1)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type StepLRSpec } from 'hyperschedule';
 * const spec: StepLRSpec = { type: 'StepLR', base: 0.1, stepSize: 30, gamma: 0.1 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface StepLRSpec extends TorchOptimizerFields {
  readonly type: 'StepLR';
  readonly stepSize: Duration;
  readonly gamma?: number;
}
/**
 * `MultiStepLR(milestones, gamma=0.1)`; duplicated milestones decay once per copy, as in PyTorch.
 *
 * @example
 * ```ts
 * import { fromTorch, type MultiStepLRSpec } from 'hyperschedule';
 * const spec: MultiStepLRSpec = { type: 'MultiStepLR', base: 0.1, milestones: [30, 80] };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface MultiStepLRSpec extends TorchOptimizerFields {
  readonly type: 'MultiStepLR';
  readonly milestones: readonly Duration[];
  readonly gamma?: number;
}
/**
 * `ConstantLR(factor=1/3, total_iters=5)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type ConstantLRSpec } from 'hyperschedule';
 * const spec: ConstantLRSpec = { type: 'ConstantLR', base: 0.1, factor: 0.5, totalIters: 4 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface ConstantLRSpec extends TorchOptimizerFields {
  readonly type: 'ConstantLR';
  readonly factor?: number;
  readonly totalIters?: Duration;
}
/**
 * `LinearLR(start_factor=1/3, end_factor=1, total_iters=5)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type LinearLRSpec } from 'hyperschedule';
 * const spec: LinearLRSpec = { type: 'LinearLR', base: 1e-3, startFactor: 0.1, totalIters: 6 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface LinearLRSpec extends TorchOptimizerFields {
  readonly type: 'LinearLR';
  readonly startFactor?: number;
  readonly endFactor?: number;
  readonly totalIters?: Duration;
}
/**
 * `ExponentialLR(gamma)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type ExponentialLRSpec } from 'hyperschedule';
 * const spec: ExponentialLRSpec = { type: 'ExponentialLR', base: 0.1, gamma: 0.95 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface ExponentialLRSpec extends TorchOptimizerFields {
  readonly type: 'ExponentialLR';
  readonly gamma: number;
}
/**
 * `PolynomialLR(total_iters=5, power=1)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type PolynomialLRSpec } from 'hyperschedule';
 * const spec: PolynomialLRSpec = { type: 'PolynomialLR', base: 0.1, totalIters: 100, power: 2 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface PolynomialLRSpec extends TorchOptimizerFields {
  readonly type: 'PolynomialLR';
  readonly totalIters?: Duration;
  readonly power?: number;
}
/**
 * `CosineAnnealingLR(T_max, eta_min=0)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type CosineAnnealingLRSpec } from 'hyperschedule';
 * const spec: CosineAnnealingLRSpec = { type: 'CosineAnnealingLR', base: 1e-3, tMax: 100, etaMin: 1e-6 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface CosineAnnealingLRSpec extends TorchOptimizerFields {
  readonly type: 'CosineAnnealingLR';
  readonly tMax: Duration;
  readonly etaMin?: number;
}
/**
 * `CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type CosineAnnealingWarmRestartsSpec } from 'hyperschedule';
 * const spec: CosineAnnealingWarmRestartsSpec = { type: 'CosineAnnealingWarmRestarts', base: 0.1, t0: 10, tMult: 2 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface CosineAnnealingWarmRestartsSpec extends TorchOptimizerFields {
  readonly type: 'CosineAnnealingWarmRestarts';
  readonly t0: Duration;
  readonly tMult?: number;
  readonly etaMin?: number;
}
/**
 * `CyclicLR(base_lr, max_lr, step_size_up=2000, step_size_down=None, mode, gamma, cycle_momentum, ...)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type CyclicLRSpec } from 'hyperschedule';
 * const spec: CyclicLRSpec = { type: 'CyclicLR', baseLr: 1e-3, maxLr: 6e-3, stepSizeUp: 2000, mode: 'triangular2' };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface CyclicLRSpec extends TorchOptimizerFields {
  readonly type: 'CyclicLR';
  readonly baseLr: number;
  readonly maxLr: number;
  readonly stepSizeUp?: Duration;
  readonly stepSizeDown?: Duration | null;
  readonly mode?: 'triangular' | 'triangular2' | 'exp_range';
  readonly gamma?: number;
  readonly cycleMomentum?: boolean;
  readonly baseMomentum?: number;
  readonly maxMomentum?: number;
}
/**
 * `OneCycleLR(max_lr, total_steps | epochs + steps_per_epoch, pct_start=0.3, ...)`.
 *
 * @example
 * ```ts
 * import { fromTorch, type OneCycleLRSpec } from 'hyperschedule';
 * const spec: OneCycleLRSpec = { type: 'OneCycleLR', maxLr: 5e-3, epochs: 100, stepsPerEpoch: 87 };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface OneCycleLRSpec extends TorchOptimizerFields {
  readonly type: 'OneCycleLR';
  readonly maxLr: number;
  readonly totalSteps?: Duration;
  readonly epochs?: number;
  readonly stepsPerEpoch?: number;
  readonly pctStart?: number;
  readonly annealStrategy?: 'cos' | 'linear';
  readonly cycleMomentum?: boolean;
  readonly baseMomentum?: number;
  readonly maxMomentum?: number;
  readonly divFactor?: number;
  readonly finalDivFactor?: number;
  readonly threePhase?: boolean;
}
/**
 * `SequentialLR(schedulers, milestones)`: child i takes over, from its own time 0, at milestone i-1.
 *
 * @example
 * ```ts
 * import { fromTorch, type SequentialLRSpec } from 'hyperschedule';
 * const spec: SequentialLRSpec = { type: 'SequentialLR', base: 0.1, milestones: [5], schedulers: [{ type: 'ConstantLR', factor: 0.1 }, { type: 'ExponentialLR', gamma: 0.9 }] };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface SequentialLRSpec extends TorchOptimizerFields {
  readonly type: 'SequentialLR';
  readonly schedulers: readonly TorchSchedulerSpec[];
  readonly milestones: readonly Duration[];
}
/**
 * `ChainedScheduler(schedulers)`: every child steps each time, multiplying the LR by its factor.
 *
 * @example
 * ```ts
 * import { fromTorch, type ChainedSchedulerSpec } from 'hyperschedule';
 * const spec: ChainedSchedulerSpec = { type: 'ChainedScheduler', base: 0.1, schedulers: [{ type: 'LinearLR', totalIters: 5 }, { type: 'ExponentialLR', gamma: 0.99 }] };
 * fromTorch(spec).lr.at(0);
 * ```
 */
export interface ChainedSchedulerSpec extends TorchOptimizerFields {
  readonly type: 'ChainedScheduler';
  readonly schedulers: readonly TorchSchedulerSpec[];
}

/**
 * A PyTorch LR scheduler written as JSON: `type` is the class name, the arguments are PyTorch's
 * in camelCase (`T_max` → `tMax`, `eta_min` → `etaMin`, `T_0` → `t0`, ...), and the outermost
 * spec carries the optimizer's initial LR as `base`. Integer step counts may be time strings
 * (`"6ep"`, `"0.1dur"`), resolved with `FromTorchOptions.run`.
 */
export type TorchSchedulerSpec =
  | StepLRSpec
  | MultiStepLRSpec
  | ConstantLRSpec
  | LinearLRSpec
  | ExponentialLRSpec
  | PolynomialLRSpec
  | CosineAnnealingLRSpec
  | CosineAnnealingWarmRestartsSpec
  | CyclicLRSpec
  | OneCycleLRSpec
  | SequentialLRSpec
  | ChainedSchedulerSpec;

/**
 * Options of {@link fromTorch}.
 */
export interface FromTorchOptions {
  /**
   * What one `scheduler.step()` is: `'step'` (per batch, the default) or `'epoch'` (per epoch).
   * With `'epoch'` the schedules count epochs and hold their value through each epoch, as
   * PyTorch does between two `step()` calls.
   */
  readonly unit?: 'step' | 'epoch';
  /** Run length used to resolve time strings given for step counts. */
  readonly run?: RunLength;
}

/**
 * What {@link fromTorch} returns: the LR the optimizer holds after `t` scheduler steps and, when
 * the scheduler drives it (CyclicLR / OneCycleLR with `cycleMomentum`) or the spec gives the
 * optimizer's `momentum` / `beta1`, the momentum (Adam's beta1) it holds.
 *
 * @example
 * ```ts
 * import { fromTorch } from 'hyperschedule';
 * const { lr, momentum } = fromTorch({ type: 'OneCycleLR', maxLr: 0.01, totalSteps: 100 });
 * lr.at(29);       // 0.01 (the peak)
 * momentum?.at(29); // 0.85
 * ```
 */
export interface TorchSchedules {
  readonly lr: Schedule;
  readonly momentum?: Schedule;
}
