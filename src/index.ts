/**
 * hyperschedule: schedule any hyperparameter of a TensorFlow.js training run.
 *
 * Every name a user reaches for, listed by layer. The core imports no Node built-ins and runs in
 * a browser; Node-only code (backend selection, the CLI, sweeps) is in `hyperschedule/node`.
 * test/exports.test.ts snapshots this list: adding a name is a reviewed decision.
 *
 * @example
 * ```ts
 * import { cosine } from 'hyperschedule';
 * cosine({ init: 0.1, duration: 100 }).at(50); // 0.05
 * ```
 * @packageDocumentation
 */

// Schedules: pure functions of training time, one family per file (PyTorch / optax numbers).
export {
  constant, stepDecay, multiStepDecay, exponentialDecay, linear, polynomial, cosine, cosineWarmRestarts, cyclic,
  oneCycle, oneCycleMomentum, inverseTime, inverseSqrt, warmupStableDecay, tanhDecay, withNoise, piecewiseConstant,
  piecewiseLinear, lambda,
} from './schedules/index.js';
export type {
  Schedule, ScheduleSpec, TimeUnit, JsonValue, LambdaFn, Duration, RunLength, FamilyOptions, UnitArg,
  ConstantArgs, StepDecayArgs, MultiStepDecayArgs, ExponentialDecayArgs, LinearArgs, PolynomialArgs, CosineArgs,
  CosineWarmRestartsArgs, CyclicArgs, CyclicMode, OneCycleArgs, OneCycleMomentumArgs, OneCycleAnneal, InverseTimeArgs,
  InverseSqrtArgs, WarmupStableDecayArgs, WsdShape, TanhDecayArgs, NoiseArgs, NoiseType, PiecewiseConstantArgs,
  PiecewiseLinearArgs, PiecewiseShape, LambdaArgs,
} from './schedules/index.js';

// Combinators: schedules built from schedules (warmup, sequences, products, clamps, ...).
export { warmup, sequence, product, scale, clamp, shift, repeat, quantize } from './schedules/index.js';
export type { WarmupOptions, WarmupShape, ClampOptions, ResolveOptions } from './schedules/index.js';

// Batch-size schedules: grow the batch instead of decaying the LR (Smith et al. 2017).
export { batchSizeSchedule, increaseBatchInsteadOfDecay, scaleLrForBatch } from './schedules/index.js';
export type {
  BatchSizeOptions, BatchRounding, BatchScalingOptions, BatchScalingRule, IncreaseBatchOptions, IncreaseBatchResult,
} from './schedules/index.js';

// Specs and PyTorch import: JSON specs back to schedules; torch.optim.lr_scheduler configs verbatim.
export { fromJSON, fromTorch } from './schedules/index.js';
export type {
  FromJSONOptions, FromTorchOptions, TorchSchedules, TorchSchedulerType, TorchSchedulerSpec, TorchOptimizerFields,
  StepLRSpec, MultiStepLRSpec, ConstantLRSpec, LinearLRSpec, ExponentialLRSpec, PolynomialLRSpec,
  CosineAnnealingLRSpec, CosineAnnealingWarmRestartsSpec, CyclicLRSpec, OneCycleLRSpec, SequentialLRSpec,
  ChainedSchedulerSpec,
} from './schedules/index.js';

// Parameters and domains: named values driven by a schedule, a controller or a combination.
export { param, combine, grouped, domains, positiveInteger, range } from './params/index.js';
export type {
  ScheduledParameter, ParamDriver, ParamOptions, ParamSource, ParamState, HistoryPoint, ParamDomain, DomainLike,
  PositiveIntegerOptions, RangeOptions,
  ValueSource, NumberOrSource, GroupedValueSource, ParamGroup, VariableMatcher,
} from './params/index.js';

// Session and hooks: the clock and signals of one run, attached to a tfjs loop or model.fit.
export { createSession, hook, unhook, fitCallback, scheduledBatches } from './integrations/index.js';
export { minimizeAccumulated } from './training/index.js';
export type {
  HyperscheduleSession, SessionOptions, SessionState, UpdateReport, BatchOutcome, HookOptions, HookState,
  FitCallbackOptions, FitCallbacks, BatcherOptions, DatasetLike, ScheduledBatches, TensorData,
} from './integrations/index.js';
export type { MicroBatchLoss, MinimizeAccumulatedOptions } from './training/index.js';
export type { TrainingSignals } from './signals/index.js';
export type {
  UpdateSignal, MetricsSignal, EpochEndSignal, ScalarSignal, PerVariableSignal, PerVariable, MetricScope, StatKind,
  RejectionReport, NonFiniteReport, NonFiniteAction,
} from './signals/index.js';
export type { TrainingClock, ClockState, ClockRun, ClockSnapshot } from './clock/index.js';

// Controllers: a value that reacts to training signals; one Controller object per rule.
export { reduceOnPlateau, adaptiveMomentum, scheduledWeightDecay, defineController } from './controllers/index.js';
export { enableAdaptiveMomentum } from './training/index.js';
export type {
  Controller, ReduceOnPlateauOptions, PlateauState, AdaptiveMomentumOptions, AdaptiveMomentumState,
  PerVariableMomentumState, CurvatureObservation, PerVariableCurvature, ScheduledWeightDecayOptions,
  ScheduledWeightDecayState, SecondMomentObservation,
} from './controllers/index.js';
export type { EnableAdaptiveMomentumOptions } from './training/index.js';

// Optimizers: tfjs optimizers whose hyperparameters move every step; tf.train.* values via hook's apply.
export { AdamW, Adam, SGD, AdamS, SGDS, excludeBiasAndNorm, setTfOptimizerValues } from './optimizers/index.js';
export type { AdamOptions, SGDOptions, AdamSOptions, OptimizerValue, WeightDecayExclusion, TfOptimizerValues } from './optimizers/index.js';

// Checkpoints: the session, optimizer slots and hook state in one JSON value (binary files: hyperschedule/node).
export { saveCheckpoint, restoreCheckpoint } from './integrations/index.js';
export type { Checkpoint, CheckpointTargets, CheckpointExtras, SerializedTensor } from './integrations/index.js';

// Errors: every bad input names the field, the value and what is allowed.
export { HyperscheduleError } from './errors.js';
