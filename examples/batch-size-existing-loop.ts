/**
 * "Don't decay the learning rate, increase the batch size" (Smith, Kindermans, Ying, Le 2017) on an
 * existing tfjs loop.
 *
 * `trainPlain` is a training loop as a tfjs user writes it: an MLP, `tf.train.momentum`, a fixed
 * batch size, and a step-decay learning rate set at the start of each epoch. `trainScheduled` is
 * the same function with a batch-size schedule added: `increaseBatchInsteadOfDecay` turns the step
 * decay into a growing batch size (same SGD noise scale eps*N/(B(1-m))), `scheduledBatches` hands
 * out batches of the current size, and `hook` keeps the clock and copies the LR into the
 * optimizer. The two functions differ by six added lines, one removed and one changed (the README
 * shows the diff). Both run on the same data from the same initial weights; the script prints
 * updates taken, test accuracy and wall time.
 *
 *   node --import tsx examples/batch-size-existing-loop.ts          # CIFAR-10 subset, ~15 s per loop
 *   node --import tsx examples/batch-size-existing-loop.ts --quick  # a few seconds (tests)
 */
import * as tf from '@tensorflow/tfjs';
import { createSession, hook, increaseBatchInsteadOfDecay, param, scheduledBatches, stepDecay } from 'hyperschedule';
import { shuffledBatches } from './shared/batches.js';
import { isEntryPoint, parseCommon, seconds, table, useBackend } from './shared/cli.js';
import { loadFlatImages } from './shared/data.js';
import { createMlp, crossEntropy, evaluate, type Mlp } from './shared/mlp.js';

/** The run both loops share. */
export interface LoopConfig {
  readonly epochs: number;
  /** Batch size of the plain loop, and the starting batch size of the scheduled one. */
  readonly batch: number;
  /** Initial learning rate of the step decay. */
  readonly lr: number;
  /** The step decay: multiply the LR by `gamma` every `decayEvery` epochs. */
  readonly gamma: number;
  readonly decayEvery: number;
  readonly momentum: number;
  readonly hidden: readonly number[];
  readonly seed: number;
}

type Train = { xs: tf.Tensor2D; ys: tf.Tensor2D };
/** The trained model and the size of every batch it was updated with. */
type Trained = { model: Mlp; sizes: number[] };

// ---------------------------------------------------------------------------------------------
// The loop as written without hyperschedule.
/**
 * The plain loop: fixed batch size, step-decay LR set at the start of each epoch.
 *
 * @example
 * ```ts
 * const { model, sizes } = trainPlain({ xs, ys }, { ...config, seed: 0 }, 192);
 * ```
 */
export function trainPlain(train: Train, cfg: LoopConfig, inputs: number): Trained {
  const model = createMlp({ inputs, hidden: cfg.hidden, outputs: 10, seed: cfg.seed });
  const optimizer = tf.train.momentum(cfg.lr, cfg.momentum);
  const sizes: number[] = [];
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    optimizer.setLearningRate(cfg.lr * cfg.gamma ** Math.floor(epoch / cfg.decayEvery));
    for (const { xs, ys } of shuffledBatches(train, cfg.batch, cfg.seed * 1000 + epoch)) {
      optimizer.minimize(() => crossEntropy(model, xs, ys));
      sizes.push(xs.shape[0]);
      tf.dispose([xs, ys]);
    }
  }
  optimizer.dispose();
  return { model, sizes };
}

// ---------------------------------------------------------------------------------------------
// The same loop with the batch-size schedule added.
/**
 * The same loop with the batch size growing instead of the LR decaying (Smith et al. 2017).
 *
 * @example
 * ```ts
 * const { model, sizes } = trainScheduled({ xs, ys }, { ...config, seed: 0 }, 192);
 * ```
 */
export function trainScheduled(train: Train, cfg: LoopConfig, inputs: number): Trained {
  const model = createMlp({ inputs, hidden: cfg.hidden, outputs: 10, seed: cfg.seed });
  const optimizer = tf.train.momentum(cfg.lr, cfg.momentum);
  const decay = stepDecay({ init: cfg.lr, stepSize: cfg.decayEvery, gamma: cfg.gamma, unit: 'epoch' });
  const s = increaseBatchInsteadOfDecay(decay, { baseBatch: cfg.batch, datasetSize: train.xs.shape[0], momentum: cfg.momentum, rule: 'linear' }); // SGD: the linear rule
  const batch = param('batchSize', { schedule: s.batchSize }, { domain: 'positiveInteger' });
  const lr = param('lr', { schedule: s.lr }, { domain: 'positive' });
  const session = createSession({ params: [batch, lr] });
  hook(optimizer, session, { apply: (o) => o.setLearningRate(lr.value) });
  const sizes: number[] = [];
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const { xs, ys } of scheduledBatches(train, { session, shuffle: true, seed: cfg.seed })) {
      optimizer.minimize(() => crossEntropy(model, xs, ys));
      sizes.push(xs.shape[0]);
      tf.dispose([xs, ys]);
    }
  }
  optimizer.dispose();
  return { model, sizes };
}

// ---------------------------------------------------------------------------------------------

/** One loop's outcome. */
export interface LoopResult {
  readonly updates: number;
  readonly testAccuracy: number;
  readonly seconds: number;
  /** Batches per size, in order of first use: `[[32, 1252], [160, 252], ...]`. */
  readonly batchSizes: readonly (readonly [size: number, count: number])[];
}

/** What {@link main} returns. */
export interface BatchSizeExampleResult {
  readonly backend: string;
  readonly dataset: 'cifar10' | 'mnist';
  readonly config: LoopConfig;
  readonly plain: LoopResult;
  readonly scheduled: LoopResult;
}

const FULL: Omit<LoopConfig, 'seed'> = { epochs: 16, batch: 32, lr: 0.02, gamma: 0.2, decayEvery: 4, momentum: 0.9, hidden: [128] };
const QUICK: Omit<LoopConfig, 'seed'> = { epochs: 4, batch: 16, lr: 0.02, gamma: 0.2, decayEvery: 1, momentum: 0.9, hidden: [64] };

/**
 * Runs both loops and prints the comparison.
 * Flags: `--quick`, `--backend <tensorflow|wasm|cpu>`,
 * `--seed <n>`, `--data-dir <dir>`, `--dataset <auto|cifar10|mnist>`.
 *
 * @example
 * ```ts
 * const r = await main(['--quick']);
 * r.scheduled.updates < r.plain.updates; // true
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2), log: (line: string) => void = console.log): Promise<BatchSizeExampleResult> {
  const { common } = parseCommon(argv, {}, log);
  const backend = await useBackend(common.backend, log);
  const data = await loadFlatImages({
    dataDir: common.dataDir, dataset: common.dataset,
    side: 8,
    ...(common.quick ? { trainSize: 2000, testSize: 2000 } : {}),
    seed: common.seed,
  });
  log(data.description);
  const cfg: LoopConfig = { ...(common.quick ? QUICK : FULL), seed: common.seed };
  log(
    `model: MLP ${data.features}-${cfg.hidden.join('-')}-10, tf.train.momentum(${cfg.lr}, ${cfg.momentum}); ` +
      `${cfg.epochs} epochs; LR x${cfg.gamma} every ${cfg.decayEvery} epoch(s) at batch ${cfg.batch} vs the equivalent growing batch`,
  );
  const train = { xs: data.train.xs, ys: data.train.ys };
  const run = (fn: typeof trainPlain): LoopResult => {
    const start = performance.now();
    const { model, sizes } = fn(train, cfg, data.features);
    const elapsed = seconds(start);
    const { accuracy } = evaluate(model, data.test);
    model.dispose();
    return { updates: sizes.length, testAccuracy: accuracy, seconds: elapsed, batchSizes: runs(sizes) };
  };
  const plain = run(trainPlain);
  const scheduled = run(trainScheduled);
  data.dispose();
  const fmt = (r: LoopResult) => [String(r.updates), r.testAccuracy.toFixed(4), `${r.seconds.toFixed(1)} s`, r.batchSizes.map(([b, n]) => `${n}x${b}`).join(', ')];
  log(
    table([
      ['loop', 'updates', 'test acc', 'train time', 'batches (count x size)'],
      ['plain (LR step decay)', ...fmt(plain)],
      ['scheduled (batch grows)', ...fmt(scheduled)],
    ]),
  );
  log(`the scheduled loop took ${(plain.updates / scheduled.updates).toFixed(1)}x fewer updates (${scheduled.updates} vs ${plain.updates})`);
  return { backend, dataset: data.dataset, config: cfg, plain, scheduled };
}

/** How many batches of each size, in order of first use (an epoch's smaller last batch counts under its own size). */
function runs(sizes: readonly number[]): [number, number][] {
  const counts = new Map<number, number>();
  for (const b of sizes) counts.set(b, (counts.get(b) ?? 0) + 1);
  return [...counts];
}

if (isEntryPoint(import.meta.url)) await main();
