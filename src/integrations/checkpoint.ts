import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import type { HookState } from './carried-state.js';
import { hookOf } from './hook.js';
import { registerOptimizerParameters } from './optimizer-params.js';
import type { HyperscheduleSession, SessionState } from './session.js';
import { deserializeTensor, serializeTensor, type SerializedTensor } from './tensor-json.js';

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
}

/**
 * What a checkpoint covers: the session, and optionally an optimizer (its hook comes along) and
 * variables (e.g. `model.trainableWeights.map((w) => w.read())` or your own `tf.Variable`s).
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

function isVariable(t: tf.Tensor): boolean {
  return typeof (t as Partial<tf.Variable>).assign === 'function';
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

/**
 * Restores a {@link Checkpoint} into freshly built (or the same) session, optimizer and
 * variables: variables by position, optimizer with `setWeights`, the hook's state, then the
 * session. Resuming then continues the exact trajectory.
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
  if (typeof checkpoint !== 'object' || checkpoint === null || checkpoint.version !== 1) {
    throw new HyperscheduleError('checkpoint.version', (checkpoint as { version?: unknown } | null)?.version, '1');
  }
  const { session, optimizer, variables } = targets;
  if (variables) {
    const saved = checkpoint.variables;
    if (!saved || saved.length !== variables.length) {
      throw new HyperscheduleError('checkpoint.variables', saved?.length, `${variables.length} saved variables`);
    }
    variables.forEach((v, i) => {
      const t = deserializeTensor(saved[i]!, `checkpoint.variables.${i}`);
      try {
        if (t.shape.join() !== v.shape.join()) throw new HyperscheduleError(`checkpoint.variables.${i}.shape`, t.shape, `[${v.shape.join(', ')}] (shape of ${v.name})`);
        v.assign(t);
      } finally {
        t.dispose();
      }
    });
  }
  if (optimizer) {
    const saved = checkpoint.optimizer;
    if (!saved) throw new HyperscheduleError('checkpoint.optimizer', undefined, 'saved optimizer weights');
    const named = saved.map((w, i) => ({ name: w.name, tensor: deserializeTensor(w, `checkpoint.optimizer.${i}`) }));
    try {
      await optimizer.setWeights(named);
    } finally {
      // tfjs optimizers copy what they keep (slots become their own variables).
      tf.dispose(named.map((w) => w.tensor));
    }
    const pipeline = hookOf(optimizer);
    if (pipeline && checkpoint.hook) pipeline.restore(checkpoint.hook);
    // The saved session holds the optimizer's parameters even when only the optimizer was given them.
    registerOptimizerParameters(session, optimizer);
  }
  session.restore(checkpoint.session);
}
