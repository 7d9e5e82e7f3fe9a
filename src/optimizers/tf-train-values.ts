import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { NON_NEGATIVE, checkValue } from './hyperparameter.js';

/**
 * The values {@link setTfOptimizerValues} writes into a `tf.train.*` optimizer.
 *
 * @example
 * ```ts
 * import type { TfOptimizerValues } from './tf-train-values.js';
 * const values: TfOptimizerValues = { learningRate: 0.1, momentum: 0.9 };
 * ```
 */
export interface TfOptimizerValues {
  /** Every tf.train optimizer. */
  readonly learningRate?: number;
  /** Only `tf.train.momentum` and `tf.train.rmsprop` (the others have no momentum field). */
  readonly momentum?: number;
}

// The tfjs 4.x internals written here (verified against tfjs-core/dist/optimizers/*.js).
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

/** Why a field cannot be set on a given tf.train optimizer. */
const NO_MOMENTUM: Readonly<Record<string, string>> = {
  SGD: 'tf.train.sgd has no momentum; use tf.train.momentum or hyperschedule SGD',
  Adam:
    "tf.train.adam folds beta1 into a running product, so a changed beta1 gives a bias correction unlike PyTorch's; use hyperschedule Adam/AdamW",
  Adamax: 'tf.train.adamax folds beta1 into a running product; use hyperschedule Adam/AdamW',
  Adagrad: 'tf.train.adagrad has no momentum',
  Adadelta: 'tf.train.adadelta has no momentum (rho is a decay rate, not momentum)',
};

const LEARNING_RATE: Readonly<Record<string, Setter>> = {
  SGD: setSgdLearningRate,
  Momentum: setSgdLearningRate,
  Adam: setPlainLearningRate,
  Adamax: setPlainLearningRate,
  RMSProp: setPlainLearningRate,
  Adagrad: setPlainLearningRate,
  Adadelta: setPlainLearningRate,
};
const MOMENTUM: Readonly<Record<string, Setter>> = {
  Momentum: setMomentumScalar,
  RMSProp: setRmsPropMomentum,
};

/**
 * Writes a learning rate (and momentum, where the optimizer has one) into a `tf.train.*`
 * optimizer so that its next update uses them — what a hook's `apply` calls to drive a tfjs
 * optimizer from parameters. Both values are checked before either is written.
 *
 * What can be set (tfjs 4.x, read from `@tensorflow/tfjs-core/dist/optimizers/`):
 * - learning rate: sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta. sgd/momentum keep
 *   `-lr` in a scalar tensor, rebuilt via `setLearningRate` only when the value changes; the
 *   others read `this.learningRate` on every update. Adamax additionally divides it by
 *   `1 + decay * iteration`. RMSProp puts lr *inside* its momentum buffer
 *   (`mom <- momentum*mom + lr*g/sqrt(ms+eps)`), so a new lr only affects new contributions —
 *   unlike PyTorch, where lr multiplies the whole buffer.
 * - momentum: `tf.train.momentum` (its `setMomentum` only changes the config field, not the
 *   scalar the update uses, so this replaces that scalar) and `tf.train.rmsprop`.
 *
 * What cannot be scheduled here, and why (any other key is refused, so a typo never sets nothing
 * silently):
 * - Adam/Adamax `beta1` (and Adam `beta2`): folded into accumulated products `accBeta1/accBeta2`
 *   (`acc <- acc*beta` each update; `setWeights` resets them to `beta^(t+1)` with the current
 *   beta), so a changing beta gives `1 - prod(beta_i)` as bias correction, not PyTorch's
 *   `1 - beta_t^t`. Use hyperschedule's `Adam`/`AdamW` for scheduled betas.
 * - Weight decay: no tf.train optimizer has one. Use `AdamW` or `SGD`.
 * - Epsilon: fixed at construction in every tf.train optimizer (tfjs checks nothing there; give
 *   a value > 0). Use hyperschedule's `Adam`/`AdamW` for a scheduled epsilon, checked > 0 at
 *   every update.
 *
 * Throws {@link HyperscheduleError} for an optimizer class it does not know (including
 * hyperschedule's own, which read parameters directly) or a field the class cannot take.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, param } from 'hyperschedule';
 * import { setTfOptimizerValues } from './tf-train-values.js';
 * const lr = param('lr', { initial: 0.1 });
 * const momentum = param('momentum', { initial: 0.95 });
 * const opt = hook(tf.train.momentum(0.1, 0.9), createSession({ params: [lr, momentum] }), {
 *   apply: (o) => setTfOptimizerValues(o, { learningRate: lr.value, momentum: momentum.value }),
 * });
 * ```
 */
export function setTfOptimizerValues(optimizer: tf.Optimizer, values: TfOptimizerValues): void {
  // A typo (`learningrate`) would otherwise set nothing, silently.
  checkOptions(values, 'setTfOptimizerValues.values', ['learningRate', 'momentum']);
  const kind = optimizer.getClassName();
  const lrSetter = LEARNING_RATE[kind];
  if (lrSetter === undefined) {
    throw new HyperscheduleError(
      'setTfOptimizerValues.optimizer',
      kind,
      'a tf.train optimizer (hyperschedule optimizers read parameters directly)',
    );
  }
  const momentumSetter = MOMENTUM[kind];
  if (values.momentum !== undefined && momentumSetter === undefined) {
    throw new HyperscheduleError(`${kind}.momentum`, values.momentum, `no momentum: ${NO_MOMENTUM[kind] ?? kind}`);
  }
  // Check both before writing either: a bad value leaves the optimizer as it was.
  const lr = values.learningRate === undefined ? undefined : checkValue(`${kind}.learningRate`, values.learningRate, NON_NEGATIVE);
  const momentum = values.momentum === undefined ? undefined : checkValue(`${kind}.momentum`, values.momentum, NON_NEGATIVE);
  if (lr !== undefined) lrSetter(optimizer, lr);
  if (momentum !== undefined) momentumSetter?.(optimizer, momentum);
}
