import * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { weightLayoutOf } from '../optimizers/weight-layout.js';
import { matchVariableNames } from '../variable-names.js';
import { CarriedState, type HookState } from './carried-state.js';
import type { CheckpointExtras } from './checkpoint-extras.js';
import { hookOf } from './hook.js';
import { checkOptimizerWeights } from './optimizer-state.js';
import { optimizerParameters } from './optimizer-params.js';
import type { HyperscheduleSession, SessionState } from './session.js';
import { checkTensorList, serializeTensor, type SerializedTensor } from './tensor-json.js';

/**
 * A resumable snapshot of a run as plain JSON: the session (clock, parameters, controller
 * states), the optimizer's weights (`getWeights()`: iteration count and slots), the hook's carried
 * device state, and optionally model variables.
 *
 * @example
 * ```ts
 * import type { Checkpoint } from 'hyperschedule';
 * const size = (c: Checkpoint) => JSON.stringify(c).length;
 * ```
 */
export interface Checkpoint {
  readonly version: 1;
  readonly session: SessionState;
  readonly optimizer?: readonly SerializedTensor[];
  readonly hook?: HookState;
  readonly variables?: readonly SerializedTensor[];
  /** A loop's own state saved with the run (JSON `data` and named `tensors`); restore leaves it alone. */
  readonly extras?: CheckpointExtras;
}

/**
 * What a checkpoint covers: the session, and optionally an optimizer (its hook comes along) and
 * variables (e.g. `model.trainableWeights.map((w) => w.read())` or your own `tf.Variable`s).
 * Variables are matched to the saved ones by name (a rebuilt model's renumbered names by name
 * stem and order), in any order. With `variables`, the optimizer and hook states are checked
 * against them and renamed to their names.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, type CheckpointTargets } from 'hyperschedule';
 * const targets: CheckpointTargets = { session: createSession(), optimizer: tf.train.adam(1e-3) };
 * ```
 */
export interface CheckpointTargets {
  readonly session: HyperscheduleSession;
  readonly optimizer?: tf.Optimizer;
  readonly variables?: readonly tf.Variable[];
}

function isVariable(t: unknown): t is tf.Variable {
  return typeof (t as Partial<tf.Variable> | null)?.assign === 'function';
}

/**
 * Captures a {@link Checkpoint} (reads the device; call it between updates).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, saveCheckpoint } from 'hyperschedule';
 * const session = createSession();
 * const checkpoint = await saveCheckpoint({ session, optimizer: tf.train.adam(1e-3) });
 * const text = JSON.stringify(checkpoint); // write it anywhere
 * ```
 */
export async function saveCheckpoint(targets: CheckpointTargets): Promise<Checkpoint> {
  const { session, optimizer, variables } = targets;
  let weights: SerializedTensor[] | undefined;
  if (optimizer) {
    const named = await optimizer.getWeights();
    try {
      weights = await Promise.all(named.map((w) => serializeTensor(w.name, w.tensor)));
    } finally {
      // getWeights returns live slot variables plus fresh tensors (the iteration count): free the latter.
      for (const w of named) if (!isVariable(w.tensor)) w.tensor.dispose();
    }
  }
  const hookState = optimizer ? await hookOf(optimizer)?.state() : undefined;
  const vars = variables ? await Promise.all(variables.map((v) => serializeTensor(v.name, v))) : undefined;
  return {
    version: 1,
    session: session.state(),
    ...(weights ? { optimizer: weights } : {}),
    ...(hookState ? { hook: hookState } : {}),
    ...(vars ? { variables: vars } : {}),
  };
}

/** The top-level fields of a {@link Checkpoint}; `extras` belongs to the training loop and is left alone. */
const CHECKPOINT_KEYS = ['version', 'session', 'optimizer', 'hook', 'variables', 'extras'];

function readCheckpoint(checkpoint: unknown): Checkpoint {
  const record = checkOptions(checkpoint, 'checkpoint', CHECKPOINT_KEYS);
  if (record.version !== 1) throw new HyperscheduleError('checkpoint.version', record.version, '1');
  return record as unknown as Checkpoint;
}

/**
 * Checks the saved variables (all of them, well-formed and finite) and, with live variables to
 * load into, matches them by name (`matchVariableNames`) and builds their tensors. Returns the
 * assignment, which cannot fail, and the matching (saved name → live variable, in the order of
 * `live`) for the optimizer and hook states.
 */
function stageVariables(
  saved: unknown,
  live: readonly tf.Variable[] | undefined,
  tensorOf: (t: SerializedTensor) => tf.Tensor,
): { apply: () => void; byName?: Map<string, tf.Variable> } {
  const checked = checkTensorList(saved === undefined ? [] : saved, 'checkpoint.variables');
  if (!live) return { apply: () => {} };
  if (!Array.isArray(live)) throw new HyperscheduleError('targets.variables', live, 'an array of tf.Variable');
  live.forEach((v, i) => {
    if (!isVariable(v)) throw new HyperscheduleError(`targets.variables[${i}]`, typeof v, 'a tf.Variable');
  });
  if (saved === undefined) throw new HyperscheduleError('checkpoint.variables', undefined, 'saved variables (targets.variables was given)');
  const match = matchVariableNames(checked, live);
  if (!match.ok) {
    throw new HyperscheduleError(`checkpoint.variables${match.name === undefined ? '' : `.${match.name}`}`, match.name ?? checked.map((t) => t.name), `variables matching targets.variables by name: ${match.reason}`);
  }
  const savedOf = new Map([...match.mapping].map(([name, liveName]) => [liveName, checked.find((t) => t.name === name) as SerializedTensor]));
  const byName = new Map<string, tf.Variable>();
  const assignments = live.map((v) => {
    const t = savedOf.get(v.name) as SerializedTensor;
    if (t.dtype !== v.dtype) throw new HyperscheduleError(`checkpoint.variables.${t.name}.dtype`, t.dtype, `"${v.dtype}", the dtype of ${v.name}`);
    byName.set(t.name, v);
    return { v, tensor: tensorOf(t) };
  });
  return { apply: () => assignments.forEach(({ v, tensor }) => v.assign(tensor)), byName };
}

/**
 * Restores a {@link Checkpoint} into freshly built (or the same) session, optimizer and
 * variables. All or nothing: the whole checkpoint is checked first — every tensor finite and of
 * its target's shape and dtype; variables matched by name (a rebuilt tfjs model's renumbered
 * names by name stem and order, see `matchVariableNames`; never by position alone); optimizer
 * state meaningful (`iter` an integer in [0, 2^31 - 1], second moments >= 0, one full slot set
 * per variable, no unknown slot); the hook's carried state, the clock and every parameter
 * state valid — and only then is anything written. A refused checkpoint throws a
 * `HyperscheduleError` naming the field (`checkpoint.variables.dense/kernel.values[17]: got NaN,
 * expected a finite number`) and leaves the variables, the optimizer, the hook and the session
 * exactly as they were (and no tensor behind). Resuming then continues the exact trajectory.
 *
 * A `tf.train` optimizer pairs its slots with variables by their position in the gradient list,
 * not by name. With `variables`, the saved slots must list them in the order of
 * `targets.variables` (refused otherwise), which must be the gradient order, as
 * `model.trainableWeights` is; without, the restored slots keep the saved order, so the rebuilt
 * model must list its gradients in the order it did when saved.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, restoreCheckpoint, saveCheckpoint } from 'hyperschedule';
 * const session = createSession();
 * const saved = JSON.parse(JSON.stringify(await saveCheckpoint({ session })));
 * await restoreCheckpoint(saved, { session });
 * ```
 */
export async function restoreCheckpoint(checkpoint: Checkpoint, targets: CheckpointTargets): Promise<void> {
  const saved = readCheckpoint(checkpoint);
  const { session, optimizer } = targets;
  const created: tf.Tensor[] = [];
  const tensorOf = (t: SerializedTensor): tf.Tensor => {
    const tensor = tf.tensor(t.values as unknown as tf.TensorLike, [...t.shape], t.dtype);
    created.push(tensor);
    return tensor;
  };
  let carried: { apply(): void; discard(): void } | undefined;
  let weights: { name: string; tensor: tf.Tensor }[] | undefined;
  let applyVariables: () => void;
  let applySession: () => void;
  try {
    const variables = stageVariables(saved.variables, targets.variables, tensorOf);
    applyVariables = variables.apply;
    if (optimizer && saved.optimizer === undefined) throw new HyperscheduleError('checkpoint.optimizer', undefined, 'saved optimizer weights (targets.optimizer was given)');
    if (saved.optimizer !== undefined) {
      const list = checkOptimizerWeights(saved.optimizer, optimizer, variables.byName, 'checkpoint.optimizer');
      if (optimizer) weights = list.map((w) => ({ name: w.name, tensor: tensorOf(w) }));
    }
    const pipeline = optimizer ? hookOf(optimizer) : undefined;
    // A hook's carried state starts empty when none was saved; one without a hook to take it is still checked.
    if (pipeline) carried = pipeline.prepareRestore(saved.hook ?? { previousGradients: null, pendingParamDelta: null }, 'checkpoint.hook', variables.byName);
    else if (saved.hook !== undefined) new CarriedState().prepareRestore(saved.hook, 'checkpoint.hook', variables.byName).discard();
    // The saved session holds the optimizer's parameters even when only the optimizer was given them.
    applySession = session.prepareRestore(saved.session, 'checkpoint.session', optimizer ? optimizerParameters(optimizer).filter((p) => session.params.get(p.name) !== p) : []);
    // Everything is checked. setWeights is the optimizer's own code (ours check the whole list
    // and then swap; tf.train's cannot fail on a checked list): it runs first, so that even an
    // unexpected failure there leaves everything else untouched. The rest cannot fail.
    if (optimizer && weights) await setOptimizerWeights(optimizer, weights);
  } catch (error) {
    carried?.discard();
    tf.dispose(created);
    throw error;
  }
  try {
    applyVariables();
    carried?.apply();
    applySession();
  } finally {
    tf.dispose(created);
  }
}

/**
 * `optimizer.setWeights`, then frees the slot variables a `tf.train` optimizer replaced (its
 * `setWeights` drops them without disposing them). Ours dispose their own.
 */
async function setOptimizerWeights(optimizer: tf.Optimizer, weights: { name: string; tensor: tf.Tensor }[]): Promise<void> {
  const replaced = weightLayoutOf(optimizer)?.byPosition ? await optimizer.getWeights() : [];
  try {
    await optimizer.setWeights(weights);
  } catch (error) {
    for (const w of replaced) if (!isVariable(w.tensor)) w.tensor.dispose();
    throw error;
  }
  for (const w of replaced) w.tensor.dispose();
}
