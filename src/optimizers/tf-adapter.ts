import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import type { NumberOrSource } from '../params/value-source.js';
import { NON_NEGATIVE, checkSource, currentValue } from './hyperparameter.js';

/**
 * The fields {@link driveTfOptimizer} can schedule on a `tf.train.*` optimizer.
 *
 * @example
 * ```ts
 * import type { TfOptimizerDrive } from 'hyperschedule';
 * const drive: TfOptimizerDrive = { learningRate: { value: 0.1 }, momentum: 0.9 };
 * ```
 */
export interface TfOptimizerDrive {
  /** Every tf.train optimizer. */
  learningRate?: NumberOrSource;
  /** Only `tf.train.momentum` and `tf.train.rmsprop` (the others have no momentum field). */
  momentum?: NumberOrSource;
}

// The tfjs 4.x internals the adapter writes (verified against tfjs-core/dist/optimizers/*.js).
interface WithLearningRate {
  learningRate: number;
}
interface SgdInternals extends WithLearningRate {
  setLearningRate(learningRate: number): void;
}
interface MomentumInternals extends SgdInternals {
  momentum: number;
  /** The scalar the update multiplies by; `setMomentum` does not refresh it (tfjs 4.22). */
  m?: tf.Scalar;
}
interface RmsPropInternals extends WithLearningRate {
  momentum: number;
}

type Setter = (optimizer: tf.Optimizer, value: number) => void;

const setPlainLearningRate: Setter = (o, v) => {
  (o as unknown as WithLearningRate).learningRate = v;
};
// SGD/Momentum multiply by a kept scalar `c = -lr`; setLearningRate rebuilds it.
const setSgdLearningRate: Setter = (o, v) => {
  const s = o as unknown as SgdInternals;
  if (s.learningRate !== v) s.setLearningRate(v);
};
const setMomentumScalar: Setter = (o, v) => {
  const s = o as unknown as MomentumInternals;
  if (s.momentum === v && s.m !== undefined && !s.m.isDisposed) return;
  s.momentum = v; // for getConfig
  s.m?.dispose();
  s.m = tf.keep(tf.scalar(v));
};
const setRmsPropMomentum: Setter = (o, v) => {
  (o as unknown as RmsPropInternals).momentum = v;
};

/** Why a field cannot be driven on a given tf.train optimizer. */
const NO_MOMENTUM: Record<string, string> = {
  SGD: 'tf.train.sgd has no momentum; use tf.train.momentum or hyperschedule SGD',
  Adam:
    "tf.train.adam's momentum is beta1, which it folds into an accumulated product accBeta1 (and setWeights rebuilds as beta1^(t+1)), so a changed beta1 gives a bias correction unlike PyTorch's; use hyperschedule Adam/AdamW",
  Adamax: "tf.train.adamax's beta1 is folded into an accumulated product accBeta1 the same way; use hyperschedule Adam/AdamW",
  Adagrad: 'tf.train.adagrad has no momentum',
  Adadelta: 'tf.train.adadelta has no momentum (rho is a decay rate, not momentum)',
};

const LEARNING_RATE: Record<string, Setter> = {
  SGD: setSgdLearningRate,
  Momentum: setSgdLearningRate,
  Adam: setPlainLearningRate,
  Adamax: setPlainLearningRate,
  RMSProp: setPlainLearningRate,
  Adagrad: setPlainLearningRate,
  Adadelta: setPlainLearningRate,
};
const MOMENTUM: Record<string, Setter> = {
  Momentum: setMomentumScalar,
  RMSProp: setRmsPropMomentum,
};

interface Driven {
  readonly original: tf.Optimizer['applyGradients'];
}
const DRIVEN = new WeakMap<tf.Optimizer, Driven>();

/**
 * Makes a `tf.train.*` optimizer read its learning rate (and momentum, where it has one) from
 * numbers or live `ValueSource`s before every update, by wrapping the instance's
 * `applyGradients` (so `minimize`, `model.fit` and custom loops all see it). Returns the same
 * optimizer. Calling it again on the same optimizer replaces the drive.
 *
 * What can be driven (tfjs 4.x, read from `@tensorflow/tfjs-core/dist/optimizers/`):
 * - learning rate: sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta. sgd/momentum keep
 *   `-lr` in a scalar tensor, rebuilt via `setLearningRate` only when the value changes; the
 *   others read `this.learningRate` on every update. Adamax additionally divides it by
 *   `1 + decay * iteration`. RMSProp puts lr *inside* its momentum buffer
 *   (`mom <- momentum*mom + lr*g/sqrt(ms+eps)`), so a new lr only affects new contributions —
 *   unlike PyTorch, where lr multiplies the whole buffer.
 * - momentum: `tf.train.momentum` (its `setMomentum` only changes the config field, not the
 *   scalar the update uses, so the adapter replaces that scalar) and `tf.train.rmsprop`.
 *
 * What cannot be scheduled here, and why:
 * - Adam/Adamax `beta1` (and Adam `beta2`): folded into accumulated products `accBeta1/accBeta2`
 *   (`acc <- acc*beta` each update; `setWeights` resets them to `beta^(t+1)` with the current
 *   beta), so a changing beta gives `1 - prod(beta_i)` as bias correction, not PyTorch's
 *   `1 - beta_t^t`, and resuming from a checkpoint changes the trajectory. Use hyperschedule's
 *   {@link Adam}/{@link AdamW} for scheduled betas (e.g. OneCycle's beta1 cycling).
 * - Weight decay: no tf.train optimizer has one. Use {@link AdamW} or {@link SGD}.
 * - tf.train.sgd has no momentum; tf.train.momentum has no dampening.
 * (Epsilon, RMSProp `decay` and Adadelta `rho` are plain fields read per update in tfjs 4.22,
 * but are not offered here.)
 *
 * Throws {@link HyperscheduleError} for an optimizer class it does not know (including
 * hyperschedule's own, which take sources directly) or a field the class cannot take.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { driveTfOptimizer } from 'hyperschedule';
 * const lr = { value: 0.1 };
 * const opt = driveTfOptimizer(tf.train.momentum(0.1, 0.9), { learningRate: lr, momentum: 0.95 });
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * opt.minimize(() => w.square().sum() as tf.Scalar); // uses lr 0.1, momentum 0.95
 * lr.value = 0.01;                                   // next update uses 0.01
 * ```
 */
export function driveTfOptimizer<O extends tf.Optimizer>(optimizer: O, drive: TfOptimizerDrive): O {
  const kind = optimizer.getClassName();
  const lrSetter = LEARNING_RATE[kind];
  if (lrSetter === undefined) {
    throw new HyperscheduleError(
      'driveTfOptimizer.optimizer',
      kind,
      'a tf.train optimizer (SGD, Momentum, Adam, Adamax, RMSProp, Adagrad, Adadelta); hyperschedule optimizers take sources directly',
    );
  }
  const momentumSetter = MOMENTUM[kind];
  if (drive.momentum !== undefined && momentumSetter === undefined) {
    throw new HyperscheduleError('driveTfOptimizer.momentum', drive.momentum, `no momentum: ${NO_MOMENTUM[kind] ?? kind}`);
  }
  const learningRate = drive.learningRate === undefined ? undefined : checkSource('driveTfOptimizer.learningRate', drive.learningRate, NON_NEGATIVE);
  const momentum = drive.momentum === undefined ? undefined : checkSource('driveTfOptimizer.momentum', drive.momentum, NON_NEGATIVE);
  const apply = (): void => {
    // Read and validate both before writing either: a bad value leaves the optimizer as it was.
    const lr = learningRate === undefined ? undefined : currentValue(learningRate, `${kind}.learningRate`, NON_NEGATIVE);
    const mom = momentum === undefined ? undefined : currentValue(momentum, `${kind}.momentum`, NON_NEGATIVE);
    if (lr !== undefined) lrSetter(optimizer, lr);
    if (mom !== undefined) momentumSetter?.(optimizer, mom);
  };
  const existing = DRIVEN.get(optimizer);
  const original = existing?.original ?? optimizer.applyGradients;
  DRIVEN.set(optimizer, { original });
  optimizer.applyGradients = function drivenApplyGradients(this: O, gradients) {
    apply();
    original.call(this, gradients);
  };
  apply();
  return optimizer;
}

/**
 * Undoes {@link driveTfOptimizer}: restores the optimizer's own `applyGradients` (the values last
 * written stay). Returns false if the optimizer was not driven.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { driveTfOptimizer, stopDrivingTfOptimizer } from 'hyperschedule';
 * const opt = driveTfOptimizer(tf.train.sgd(0.1), { learningRate: { value: 0.05 } });
 * stopDrivingTfOptimizer(opt); // true
 * ```
 */
export function stopDrivingTfOptimizer(optimizer: tf.Optimizer): boolean {
  const driven = DRIVEN.get(optimizer);
  if (driven === undefined) return false;
  optimizer.applyGradients = driven.original;
  DRIVEN.delete(optimizer);
  return true;
}
