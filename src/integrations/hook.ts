import type * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import type { HyperscheduleSession } from './session.js';
import { UpdatePipeline, type Gradients, type PipelineOptions } from './update-pipeline.js';

/**
 * Options of {@link hook}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { HookOptions } from 'hyperschedule';
 * const o: HookOptions<tf.SGDOptimizer> = {
 *   apply: (opt, session) => opt.setLearningRate(session.param('lr').value),
 * };
 * ```
 */
export interface HookOptions<O extends tf.Optimizer = tf.Optimizer> {
  /**
   * Copies parameter values into the optimizer before each update — the way to drive a
   * `tf.train` optimizer, which does not read parameters itself (hyperschedule's `SGD`, `Adam`,
   * `AdamW` do). Runs after the parameters are synced. `setLearningRate` works for `tf.train.sgd`
   * and `tf.train.momentum`; for the other fields (a `momentum` that tfjs's `setMomentum` does not
   * really change, `tf.train.adam`'s learning rate) use `setTfOptimizerValues`.
   */
  readonly apply?: (optimizer: O, session: HyperscheduleSession) => void;
  /**
   * `'skip'` (default): check the gradients on the device (in the same batched read as the
   * signals); when one holds a NaN/±Infinity the update is not applied, the clock does not move
   * and the event goes to `nonFinite$`. `'apply'`: no check — with no signal subscribed, an update
   * then costs no device read at all.
   */
  readonly onNonFinite?: 'skip' | 'apply';
}

type Minimize = (f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]) => tf.Scalar | null;
/** The methods patched on the optimizer instance. */
interface Patchable {
  applyGradients: (grads: Gradients) => void;
  minimize: Minimize;
  dispose: () => void;
}
type PatchedKey = keyof Patchable;
const PATCHED: readonly PatchedKey[] = ['applyGradients', 'minimize', 'dispose'];

/** A hooked optimizer: its pipeline and the own properties the patch replaced (absent: it had none). */
interface Patch {
  readonly pipeline: UpdatePipeline;
  readonly ownMethods: Partial<Patchable>;
}

const PATCHES = new WeakMap<object, Patch>();

function readOptions<O extends tf.Optimizer>(options: HookOptions<O>): PipelineOptions<O> {
  const onNonFinite = options.onNonFinite ?? 'skip';
  if (onNonFinite !== 'skip' && onNonFinite !== 'apply') throw new HyperscheduleError('hook.onNonFinite', onNonFinite, '"skip" or "apply"');
  if (options.apply !== undefined && typeof options.apply !== 'function') throw new HyperscheduleError('hook.apply', options.apply, 'a function (optimizer, session) => void');
  return { apply: options.apply, onNonFinite };
}

/**
 * Instruments any `tf.Optimizer` for a session — the one-line change to an existing loop. Returns
 * the same optimizer; its `minimize` and `applyGradients` now, for every update:
 *
 * 1. add the parameters the optimizer reads to the session (if it does not hold them yet), sync
 *    the session's parameters to the clock and run `options.apply` (e.g. copy `lr` into a
 *    `tf.train` optimizer; hyperschedule's own optimizers read their parameters themselves);
 * 2. compute the subscribed signals on the device and read them, with the gradient check, in one
 *    batched read;
 * 3. skip the update if a gradient is non-finite (reported; the clock does not move);
 * 4. apply the update, advance the clock, publish the signals and move the parameters on.
 *
 * Works in custom loops (`optimizer.minimize(f)`, `tf.variableGrads` + `applyGradients`) and
 * inside `model.fit` (which calls `minimize`). Hooking again to the same session is a no-op (the
 * first options stay); `unhook(optimizer)` undoes it, and so does `optimizer.dispose()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, param } from 'hyperschedule';
 * const session = createSession({ params: [param('lr', { initial: 0.1 }, { domain: 'positive' })], batchSize: 4 });
 * const w = tf.variable(tf.scalar(1));
 * const optimizer = hook(tf.train.sgd(0.1), session, { apply: (o, s) => o.setLearningRate(s.param('lr').value) });
 * optimizer.minimize(() => tf.square(w).asScalar()); // w: 1 -> 0.8; session.clock.step: 1
 * ```
 */
export function hook<O extends tf.Optimizer>(optimizer: O, session: HyperscheduleSession, options: HookOptions<O> = {}): O {
  const target = optimizer as unknown as Patchable;
  if (typeof target?.applyGradients !== 'function' || typeof target.minimize !== 'function') {
    throw new HyperscheduleError('hook.optimizer', optimizer, 'a tf.Optimizer (with applyGradients and minimize)');
  }
  const existing = PATCHES.get(optimizer);
  if (existing) {
    if (existing.pipeline.session === session) return optimizer;
    throw new HyperscheduleError('hook.optimizer', 'already hooked', 'an optimizer not hooked to another session (unhook it first)');
  }
  const original = target.applyGradients;
  const pipeline = new UpdatePipeline(optimizer, session, (grads) => original.call(optimizer, grads), readOptions(options));
  // Before patching: a parameter held by another session throws with the optimizer untouched.
  pipeline.registerParameters();
  const ownMethods: Partial<Patchable> = {};
  for (const key of PATCHED) {
    if (Object.prototype.hasOwnProperty.call(target, key)) Object.assign(ownMethods, { [key]: target[key] });
  }
  const dispose = target.dispose;
  target.dispose = () => {
    // Disposing the optimizer also frees the device copies the hook carries.
    unhook(optimizer);
    dispose.call(optimizer);
  };
  target.applyGradients = (grads) => pipeline.update(grads);
  target.minimize = (f, returnCost = false, varList) => {
    // Same as tf.Optimizer.minimize, but the loss joins the update's batched read.
    const { value, grads } = optimizer.computeGradients(f, varList);
    try {
      pipeline.update(varList ? varList.map((v) => ({ name: v.name, tensor: grads[v.name]! })) : grads, value);
    } finally {
      for (const g of Object.values(grads)) g.dispose();
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  };
  PATCHES.set(optimizer, { pipeline: pipeline as unknown as UpdatePipeline, ownMethods });
  return optimizer;
}

/**
 * The update pipeline of a hooked optimizer (`updatesApplied`, `updatesSkipped`, the carried
 * state for checkpoints), or `undefined` if it is not hooked.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { hookOf } from './hook.js';
 * hookOf(tf.train.sgd(0.1)); // undefined
 * ```
 */
export function hookOf<O extends tf.Optimizer>(optimizer: O): UpdatePipeline<O> | undefined {
  return PATCHES.get(optimizer)?.pipeline as UpdatePipeline<O> | undefined;
}

/**
 * Removes the instrumentation of {@link hook}: restores the optimizer's own methods and frees
 * the device state the hook carried (no-op if not hooked).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, unhook } from 'hyperschedule';
 * const opt = hook(tf.train.sgd(0.1), createSession());
 * unhook(opt);
 * ```
 */
export function unhook(optimizer: tf.Optimizer): void {
  const patch = PATCHES.get(optimizer);
  if (!patch) return;
  PATCHES.delete(optimizer);
  const target = optimizer as unknown as Partial<Patchable>;
  for (const key of PATCHED) {
    const own = patch.ownMethods[key];
    if (own) Object.assign(target, { [key]: own });
    else delete target[key];
  }
  patch.pipeline.dispose();
}
