import { HyperscheduleError } from '../errors.js';
import { adaptiveMomentum, resolveAdaptiveMomentumOptions, type AdaptiveMomentumOptions } from '../controllers/adaptive-momentum.js';
import { hook } from '../integrations/hook.js';
import type { HyperscheduleSession } from '../integrations/session.js';
import type { Adam } from '../optimizers/adam.js';
import { AdamCore } from '../optimizers/adam-core.js';
import type { AdamS } from '../optimizers/adams.js';
import type { AdamW } from '../optimizers/adamw.js';
import { SGD } from '../optimizers/sgd.js';
import { param, type ScheduledParameter } from '../params/parameter.js';
import { readValue } from '../values/value-source.js';

/**
 * Options of {@link enableAdaptiveMomentum}.
 *
 * @example
 * ```ts
 * import type { EnableAdaptiveMomentumOptions } from 'hyperschedule';
 * const o: EnableAdaptiveMomentumOptions = { perVariable: true, delta: 1e-3 };
 * ```
 */
export interface EnableAdaptiveMomentumOptions extends Omit<AdaptiveMomentumOptions, 'lr'> {
  /** Name of the created parameter (default `'momentum'` for SGD, `'beta1'` for Adam/AdamW). */
  readonly name?: string;
}

/**
 * Turns on adaptive heavy-ball momentum (Sun et al. 2021) for an existing loop in one call: creates
 * a parameter driven by the adaptive momentum controller, adds it to `session`, makes it the
 * optimizer's `momentum` (hyperschedule `SGD`) or `beta1` (`Adam`, `AdamW`, `AdamS`), and hooks
 * the optimizer to the session if it is not yet (a no-op when it is). The step size gamma is the
 * optimizer's own `learningRate`, read per update, so LR schedules work on top.
 *
 * Cost while enabled: the hook keeps a device copy of the previous gradient and parameters and
 * adds ||g_k - g_{k-1}|| and ||x_k - x_{k-1}|| to its single batched read per update. The rule is
 * derived for heavy-ball SGD; for Adam it is applied to beta1 with gamma = lr as a heuristic
 * without theory (Adam's step is preconditioned, so the ratio is not a curvature there).
 * Returns the parameter (its `history` is the momentum trajectory; `session.state()` checkpoints it).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { SGD, createSession, enableAdaptiveMomentum } from 'hyperschedule';
 * const session = createSession();
 * const optimizer = new SGD({ learningRate: 0.05, momentum: 0.9 });
 * const momentum = enableAdaptiveMomentum(optimizer, session);
 * const w = tf.variable(tf.tensor1d([3, -2]));
 * for (let i = 0; i < 20; i++) optimizer.minimize(() => tf.sum(tf.mul(tf.square(w), tf.tensor1d([1, 10]))) as tf.Scalar);
 * momentum.value; // the adapted momentum
 * ```
 */
export function enableAdaptiveMomentum(
  optimizer: SGD | Adam | AdamW | AdamS,
  session: HyperscheduleSession,
  options: EnableAdaptiveMomentumOptions = {},
): ScheduledParameter {
  // Not instanceof: tf.Optimizer's Symbol.hasInstance is duck-typed, so every optimizer passes it.
  const field = SGD.prototype.isPrototypeOf(optimizer) ? 'momentum' : AdamCore.prototype.isPrototypeOf(optimizer) ? 'beta1' : undefined;
  if (field === undefined) {
    throw new HyperscheduleError('enableAdaptiveMomentum.optimizer', optimizer, "hyperschedule's SGD, Adam, AdamW or AdamS");
  }
  const delta = resolveAdaptiveMomentumOptions({ ...(options.delta !== undefined ? { delta: options.delta } : {}) }).delta;
  const current = readValue(field === 'momentum' ? (optimizer as SGD).momentum : (optimizer as AdamCore).beta1);
  // Until the first estimate, keep what the optimizer had (projected into the controller's range).
  const initial = options.initial ?? Math.min(Math.max(current, 0), 1 - delta);
  const controller = adaptiveMomentum({ lr: optimizer.learningRate, delta, initial, perVariable: options.perVariable ?? false });
  const momentum = param(options.name ?? field, { controller }, { domain: 'unitInterval' });
  session.add(momentum);
  // A per-variable momentum parameter has valueFor: the optimizer reads each variable's own.
  if (field === 'momentum') (optimizer as SGD).momentum = momentum;
  else (optimizer as AdamCore).beta1 = momentum;
  hook(optimizer, session);
  return momentum;
}
