// The public schedule API: families, combinators, batch-size schedules, JSON specs and the
// PyTorch import. Internals (readers, definitions, time-string parsing) are imported from their
// files by the rest of the library.
export type { Schedule, ScheduleSpec, TimeUnit, JsonValue, LambdaFn } from './schedule.js';
export type { Duration, RunLength } from './duration.js';
export type { FamilyOptions, ResolveOptions, UnitArg } from './define.js';
export { fromJSON, type FromJSONOptions } from './json.js';
export {
  constant, stepDecay, multiStepDecay, exponentialDecay, linear, polynomial, cosine, cosineWarmRestarts, cyclic,
  oneCycle, oneCycleMomentum, inverseTime, inverseSqrt, warmupStableDecay, tanhDecay, withNoise, piecewiseConstant,
  piecewiseLinear, lambda,
} from './families/index.js';
export type {
  ConstantArgs, StepDecayArgs, MultiStepDecayArgs, ExponentialDecayArgs, LinearArgs, PolynomialArgs, CosineArgs,
  CosineWarmRestartsArgs, CyclicArgs, CyclicMode, OneCycleArgs, OneCycleMomentumArgs, OneCycleAnneal, InverseTimeArgs,
  InverseSqrtArgs, WarmupStableDecayArgs, WsdShape, TanhDecayArgs, NoiseArgs, NoiseType, PiecewiseConstantArgs,
  PiecewiseLinearArgs, PiecewiseShape, LambdaArgs,
} from './families/index.js';
export { warmup, sequence, product, scale, clamp, shift, repeat, quantize } from './combinators/index.js';
export type { WarmupOptions, WarmupShape, ClampOptions } from './combinators/index.js';
export { batchSizeSchedule, scaleLrForBatch, increaseBatchInsteadOfDecay } from './batch/index.js';
export type {
  BatchSizeOptions, BatchRounding, BatchScalingOptions, BatchScalingRule, IncreaseBatchOptions, IncreaseBatchResult,
} from './batch/index.js';
export {
  fromTorch,
  type TorchSchedulerType, type TorchSchedulerSpec, type TorchOptimizerFields, type StepLRSpec, type MultiStepLRSpec,
  type ConstantLRSpec, type LinearLRSpec, type ExponentialLRSpec, type PolynomialLRSpec, type CosineAnnealingLRSpec,
  type CosineAnnealingWarmRestartsSpec, type CyclicLRSpec, type OneCycleLRSpec, type SequentialLRSpec,
  type ChainedSchedulerSpec, type FromTorchOptions, type TorchSchedules,
} from './torch/index.js';
