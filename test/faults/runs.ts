/**
 * Real training state for the fault-injection suite: a small `tf.sequential` model trained a few
 * updates by AdamW, Adam or a hooked `tf.train.adam`, in a session with a cosine learning rate, a
 * reduce-on-plateau factor and an adaptive-momentum controller (whose curvature signal makes the
 * hook carry the previous gradients, so checkpoints hold hook tensors too).
 */
import * as tf from '@tensorflow/tfjs';
import { adaptiveMomentum } from '../../src/controllers/adaptive-momentum.js';
import { reduceOnPlateau } from '../../src/controllers/plateau.js';
import type { Checkpoint, CheckpointTargets } from '../../src/integrations/checkpoint.js';
import { saveCheckpoint } from '../../src/integrations/checkpoint.js';
import { hook, hookOf, unhook } from '../../src/integrations/hook.js';
import { createSession, type HyperscheduleSession } from '../../src/integrations/session.js';
import { Adam } from '../../src/optimizers/adam.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { setTfOptimizerValues } from '../../src/optimizers/tf-train-values.js';
import { param } from '../../src/params/index.js';
import { cosine } from '../../src/schedules/families/cosine.js';

export const OPTIMIZERS = ['AdamW', 'Adam', 'tf.train.adam'] as const;
export type OptimizerKind = (typeof OPTIMIZERS)[number];

export interface Run {
  readonly session: HyperscheduleSession;
  readonly optimizer: tf.Optimizer;
  readonly model: tf.Sequential;
  readonly targets: CheckpointTargets & { readonly optimizer: tf.Optimizer; readonly variables: readonly tf.Variable[] };
  /** One update, then (every other update) a validation loss for the plateau controller. */
  readonly step: () => void;
  readonly dispose: () => void;
}

const X = tf.tensor2d(Array.from({ length: 8 * 4 }, (_, i) => Math.sin(i * 1.7)), [8, 4]);
const Y = tf.tensor2d(Array.from({ length: 8 * 3 }, (_, i) => Math.cos(i * 0.9)), [8, 3]);

/** A fresh run; `seed` sets the initial weights, the structure is always the same. */
export function buildRun(kind: OptimizerKind, seed: number): Run {
  const base = param('lr.base', { schedule: cosine({ init: 0.05, min: 0.001, duration: 40 }) }, { domain: 'positive' });
  const plateau = param('lr.plateau', { controller: reduceOnPlateau({ metric: 'val_loss', patience: 0, factor: 0.5 }) }, { domain: 'positive' });
  const lr = base.times(plateau, 'lr');
  const beta1 = param('beta1', { controller: adaptiveMomentum({ lr: 0.05 }) }, { domain: 'unitInterval' });
  const session = createSession({ params: [lr, beta1], batchSize: 8 });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 5, inputShape: [4], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  const optimizer =
    kind === 'AdamW' ? hook(new AdamW({ learningRate: lr, weightDecay: 0.01, beta1 }), session)
    : kind === 'Adam' ? hook(new Adam({ learningRate: lr, beta1 }), session)
    : hook(tf.train.adam(0.05), session, { apply: (o, s) => setTfOptimizerValues(o, { learningRate: s.param('lr').value }) });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let updates = 0;
  const step = () => {
    optimizer.minimize(() => tf.tidy(() => tf.losses.meanSquaredError(Y, model.apply(X) as tf.Tensor).asScalar()))?.dispose();
    updates += 1;
    if (updates % 2 === 0) session.reportMetrics({ val_loss: 1 + (updates % 4) / 10 });
  };
  return {
    session,
    optimizer,
    model,
    targets: { session, optimizer, variables },
    step,
    dispose: () => {
      unhook(optimizer);
      optimizer.dispose();
      session.dispose();
      model.dispose();
    },
  };
}

/** A run trained `updates` times. */
export function trainedRun(kind: OptimizerKind, seed: number, updates: number): Run {
  const run = buildRun(kind, seed);
  for (let i = 0; i < updates; i++) run.step();
  return run;
}

/** A checkpoint of `run` after a JSON round trip (what a file or a network gives back). */
export async function jsonCheckpoint(run: Run): Promise<Checkpoint> {
  return JSON.parse(JSON.stringify(await saveCheckpoint(run.targets))) as Checkpoint;
}

/**
 * Everything a restore may change, read from the device: variables, the optimizer's weights
 * (`getWeights`), the hook's carried state and the session state, in the order they come. With
 * `names: false`, for comparing two model instances (tfjs numbers layers: `dense_Dense3` in one
 * is `dense_Dense7` in the other), a variable's name becomes its position (`#2/m`) and the
 * optimizer's weights and carried gradients are sorted by that.
 */
export async function snapshot(run: Run, options: { names?: boolean } = {}): Promise<unknown> {
  const names = options.names ?? true;
  const variables = run.targets.variables;
  const rename = (name: string) => {
    if (names) return name;
    const i = variables.findIndex((v) => name === v.name || name.startsWith(`${v.name}/`));
    return i < 0 ? name : `#${i}${name.slice(variables[i]!.name.length)}`;
  };
  const order = <T extends { name: string }>(list: T[]) => (names ? list : [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  const weights = await run.optimizer.getWeights();
  const optimizer = order(weights.map((w) => ({ name: rename(w.name), shape: w.tensor.shape, values: Array.from(w.tensor.dataSync()) })));
  for (const w of weights) if (typeof (w.tensor as Partial<tf.Variable>).assign !== 'function') w.tensor.dispose();
  const hookState = await hookOf(run.optimizer)?.state();
  const gradients = hookState?.previousGradients?.map(({ name, shape, values }) => ({ name: rename(name), shape, values })) ?? null;
  const delta = hookState?.pendingParamDelta;
  return {
    variables: variables.map((v) => ({ name: rename(v.name), shape: v.shape, values: Array.from(v.dataSync()) })),
    optimizer,
    hook: {
      previousGradients: gradients && order(gradients),
      pendingParamDelta: delta ? order(delta.names.map((name, i) => ({ name: rename(name), square: delta.squares[i] }))) : null,
    },
    session: run.session.state(),
  };
}
