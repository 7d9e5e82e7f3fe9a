/**
 * Adaptive heavy-ball momentum (Sun et al. 2021) on an existing loop: one line.
 *
 * `train` is a plain custom loop with hyperschedule's `SGD` (heavy ball, PyTorch semantics). With
 * `adaptive` it adds exactly one line, `enableAdaptiveMomentum(optimizer, createSession())`, which
 * makes the momentum a parameter driven by
 *   beta_{k+1} = Proj_[0, 1-delta]((1 - sqrt(lr * ||g_k - g_{k-1}|| / ||x_k - x_{k-1}||))^2)
 * and hooks the optimizer so the two norms are measured on the device each update. The script runs
 * the loop with a fixed momentum and with the adaptive one from the same initial weights and prints
 * the training loss per epoch side by side with a summary of the momentum trajectory.
 *
 *   npx tsx examples/adaptive-momentum.ts           # CIFAR-10 subset
 *   npx tsx examples/adaptive-momentum.ts --quick   # a few seconds (tests)
 */
import * as tf from '@tensorflow/tfjs';
import { SGD, createSession, enableAdaptiveMomentum, type HistoryPoint } from '../src/index.js';
import { shuffledBatches } from './shared/batches.js';
import { isEntryPoint, parseCommon, seconds, table, useBackend } from './shared/cli.js';
import { loadFlatImages, type FlatSplit } from './shared/data.js';
import { createMlp, crossEntropy, evaluate } from './shared/mlp.js';

/** The run. */
export interface MomentumConfig {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  /** The fixed momentum, and the adaptive run's value until its first estimate. */
  readonly momentum: number;
  readonly hidden: readonly number[];
  readonly seed: number;
}

/** One run's outcome. */
export interface MomentumRun {
  /** Mean cross-entropy on the whole training set after each epoch. */
  readonly trainLoss: readonly number[];
  readonly testAccuracy: number;
  /** The momentum each update used, in order. */
  readonly momentum: readonly number[];
  readonly seconds: number;
}

/** The existing loop; `adaptive` adds the one line. */
export function train(data: { train: FlatSplit; features: number }, cfg: MomentumConfig, adaptive: boolean): Omit<MomentumRun, 'testAccuracy' | 'seconds'> & { model: ReturnType<typeof createMlp> } {
  const model = createMlp({ inputs: data.features, hidden: cfg.hidden, outputs: 10, seed: cfg.seed });
  const optimizer = new SGD({ learningRate: cfg.lr, momentum: cfg.momentum });
  const momentum = adaptive ? enableAdaptiveMomentum(optimizer, createSession()) : undefined; // <- the one line
  const trainLoss: number[] = [];
  let updates = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const { xs, ys } of shuffledBatches(data.train, cfg.batch, cfg.seed * 1000 + epoch)) {
      optimizer.minimize(() => crossEntropy(model, xs, ys));
      tf.dispose([xs, ys]);
      updates++;
    }
    trainLoss.push(evaluate(model, data.train).loss);
  }
  optimizer.dispose();
  const used = momentum ? expand(momentum.history, updates) : new Array<number>(updates).fill(cfg.momentum);
  return { model, trainLoss, momentum: used };
}

/** The value each of `updates` updates used, from a parameter's history (a step function of the clock). */
function expand(history: readonly HistoryPoint[], updates: number): number[] {
  const out: number[] = [];
  let h = 0;
  for (let step = 0; step < updates; step++) {
    while (h + 1 < history.length && history[h + 1]!.step <= step) h++;
    out.push(history[h]!.value);
  }
  return out;
}

/** What {@link main} returns. */
export interface AdaptiveMomentumExampleResult {
  readonly backend: string;
  readonly dataset: 'cifar10' | 'mnist';
  readonly config: MomentumConfig;
  /** The projection bound's delta (the controller's default). */
  readonly delta: number;
  readonly fixed: MomentumRun;
  readonly adaptive: MomentumRun;
}

const FULL: Omit<MomentumConfig, 'seed'> = { epochs: 10, batch: 32, lr: 0.02, momentum: 0.9, hidden: [128] };
const QUICK: Omit<MomentumConfig, 'seed'> = { epochs: 3, batch: 32, lr: 0.02, momentum: 0.9, hidden: [64] };
const DELTA = 1e-3;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/**
 * Runs the loop with fixed and adaptive momentum and prints the comparison. Flags: `--quick`,
 * `--backend <tensorflow|wasm|cpu>`, `--seed <n>`, `--data-dir <dir>`.
 */
export async function main(argv: readonly string[] = process.argv.slice(2), log: (line: string) => void = console.log): Promise<AdaptiveMomentumExampleResult> {
  const { common } = parseCommon(argv, {}, log);
  const backend = await useBackend(common.backend, log);
  const data = await loadFlatImages({ dataDir: common.dataDir, side: 8, ...(common.quick ? { trainSize: 2000, testSize: 2000 } : {}), seed: common.seed });
  log(data.description);
  const cfg: MomentumConfig = { ...(common.quick ? QUICK : FULL), seed: common.seed };
  log(`model: MLP ${data.features}-${cfg.hidden.join('-')}-10, SGD(lr ${cfg.lr}, momentum ${cfg.momentum} fixed vs adaptive), batch ${cfg.batch}, ${cfg.epochs} epochs`);
  const run = (adaptive: boolean): MomentumRun => {
    const start = performance.now();
    const { model, ...rest } = train(data, cfg, adaptive);
    const elapsed = seconds(start);
    const { accuracy } = evaluate(model, data.test);
    model.dispose();
    return { ...rest, testAccuracy: accuracy, seconds: elapsed };
  };
  const fixed = run(false);
  const adaptive = run(true);
  data.dispose();

  const perEpoch = adaptive.momentum.length / cfg.epochs;
  const rows = fixed.trainLoss.map((loss, e) => {
    const slice = adaptive.momentum.slice(Math.round(e * perEpoch), Math.round((e + 1) * perEpoch));
    return [String(e + 1), loss.toFixed(4), adaptive.trainLoss[e]!.toFixed(4), mean(slice).toFixed(3), `${quantile(slice, 0.1).toFixed(3)} / ${quantile(slice, 0.5).toFixed(3)} / ${quantile(slice, 0.9).toFixed(3)}`];
  });
  log(table([['epoch', `train loss (beta=${cfg.momentum})`, 'train loss (adaptive)', 'adaptive beta mean', 'p10 / median / p90'], ...rows]));
  const atZero = adaptive.momentum.filter((b) => b === 0).length / adaptive.momentum.length;
  const atTop = adaptive.momentum.filter((b) => b >= 1 - DELTA).length / adaptive.momentum.length;
  log(
    `adaptive beta over ${adaptive.momentum.length} updates: min ${Math.min(...adaptive.momentum).toFixed(3)}, max ${Math.max(...adaptive.momentum).toFixed(3)}, ` +
      `${(100 * atZero).toFixed(1)}% at 0, ${(100 * atTop).toFixed(1)}% at 1-delta (${1 - DELTA})`,
  );
  log(
    table([
      ['run', 'final train loss', 'test acc', 'train time'],
      [`fixed beta=${cfg.momentum}`, fixed.trainLoss.at(-1)!.toFixed(4), fixed.testAccuracy.toFixed(4), `${fixed.seconds.toFixed(1)} s`],
      ['adaptive', adaptive.trainLoss.at(-1)!.toFixed(4), adaptive.testAccuracy.toFixed(4), `${adaptive.seconds.toFixed(1)} s`],
    ]),
  );
  return { backend, dataset: data.dataset, config: cfg, delta: DELTA, fixed, adaptive };
}

if (isEntryPoint(import.meta.url)) await main();
