/**
 * Adaptive heavy-ball momentum (Sun et al. 2021) on an existing loop: one line.
 *
 * `train` is a plain custom loop with hyperschedule's `SGD` (heavy ball, PyTorch semantics). With
 * `adaptive` it runs exactly one more line, `enableAdaptiveMomentum(optimizer, createSession())`,
 * which makes the momentum a parameter driven by
 *   beta_{k+1} = Proj_[0, 1-delta]((1 - sqrt(lr * ||g_k - g_{k-1}|| / ||x_k - x_{k-1}||))^2)
 * and hooks the optimizer so both norms are measured on the device at every update.
 *
 * The rule comes from deterministic heavy ball (gamma ||dg|| / ||dx|| estimates gamma times the
 * local curvature), so the script runs the loop full-batch on a slice of the data, at a moderate
 * and at a large learning rate, with a fixed beta = 0.9 and with the adaptive beta, from the same
 * initial weights. It prints the training loss along the way and the momentum trajectory. A last
 * short minibatch run shows what gradient noise does to the estimate.
 *
 *   node --import tsx examples/adaptive-momentum.ts          # CIFAR-10 subset
 *   node --import tsx examples/adaptive-momentum.ts --quick  # a few seconds (tests)
 */
import * as tf from '@tensorflow/tfjs';
import { SGD, createSession, enableAdaptiveMomentum, type HistoryPoint } from 'hyperschedule';
import { shuffledBatches } from './shared/batches.js';
import { isEntryPoint, parseCommon, seconds, table, useBackend } from './shared/cli.js';
import { loadFlatImages, type FlatSplit } from './shared/data.js';
import { createMlp, crossEntropy, evaluate, type Mlp } from './shared/mlp.js';

/** One run of the loop. */
export interface LoopConfig {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  /** The fixed momentum (the adaptive run starts from it until its first estimate). */
  readonly momentum: number;
  readonly hidden: readonly number[];
  readonly seed: number;
  /** Record the training loss every this many epochs. */
  readonly logEvery: number;
}

/**
 * The existing loop; `adaptive` adds the one line. Returns the model, losses and the momentum each
 * update used.
 *
 * @example
 * ```ts
 * const { momentum } = train(data, { epochs: 100, batch: 1500, lr: 0.2, momentum: 0.9, hidden: [96], seed: 0, logEvery: 10 }, true);
 * ```
 */
export function train(data: { train: FlatSplit; features: number }, cfg: LoopConfig, adaptive: boolean): { model: Mlp; losses: number[]; momentum: number[] } {
  const model = createMlp({ inputs: data.features, hidden: cfg.hidden, outputs: 10, seed: cfg.seed });
  const optimizer = new SGD({ learningRate: cfg.lr, momentum: cfg.momentum });
  const momentum = adaptive ? enableAdaptiveMomentum(optimizer, createSession()) : undefined; // <- the one line
  const losses: number[] = [];
  let updates = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const { xs, ys } of shuffledBatches(data.train, cfg.batch, cfg.seed * 1000 + epoch)) {
      optimizer.minimize(() => crossEntropy(model, xs, ys));
      tf.dispose([xs, ys]);
      updates++;
    }
    if ((epoch + 1) % cfg.logEvery === 0) losses.push(evaluate(model, data.train).loss);
  }
  optimizer.dispose(); // also frees the hook's device copies of the last gradient
  return { model, losses, momentum: momentum ? expand(momentum.history, updates) : new Array<number>(updates).fill(cfg.momentum) };
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

/** One run's outcome. */
export interface MomentumRun {
  readonly lr: number;
  readonly batch: number;
  readonly adaptive: boolean;
  /** Training-set loss every `logEvery` epochs (NaN once diverged). */
  readonly losses: readonly number[];
  readonly testAccuracy: number;
  /** The momentum each update used, in order. */
  readonly momentum: readonly number[];
  readonly seconds: number;
}

/** What {@link main} returns. */
export interface AdaptiveMomentumExampleResult {
  readonly backend: string;
  readonly dataset: 'cifar10' | 'mnist';
  /** The projection's delta (the controller's default): beta stays in [0, 1 - delta]. */
  readonly delta: number;
  readonly initialLoss: number;
  /** Full-batch runs: for each learning rate, fixed then adaptive. */
  readonly fullBatch: readonly MomentumRun[];
  /** The short minibatch run with adaptive momentum. */
  readonly minibatch: MomentumRun;
}

interface Plan {
  trainSize: number;
  hidden: number[];
  steps: number;
  logEvery: number;
  lrs: number[];
  minibatch: { batch: number; epochs: number; lr: number };
}
const FULL: Plan = { trainSize: 1500, hidden: [96], steps: 150, logEvery: 30, lrs: [0.2, 0.5], minibatch: { batch: 32, epochs: 2, lr: 0.05 } };
const QUICK: Plan = { trainSize: 500, hidden: [32], steps: 30, logEvery: 10, lrs: [0.5], minibatch: { batch: 25, epochs: 1, lr: 0.05 } };
const DELTA = 1e-3;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const betaSummary = (r: MomentumRun): string =>
  r.adaptive ? `${quantile(r.momentum, 0.1).toFixed(2)} / ${quantile(r.momentum, 0.5).toFixed(2)} / ${quantile(r.momentum, 0.9).toFixed(2)}` : r.momentum[0]!.toFixed(2);
const lossText = (x: number): string => (Number.isFinite(x) && x < 1e4 ? x.toFixed(3) : 'diverged');

/**
 * Runs the comparison and prints it.
 * Flags: `--quick`, `--backend <tensorflow|wasm|cpu>`,
 * `--seed <n>`, `--data-dir <dir>`, `--dataset <auto|cifar10|mnist>`.
 *
 * @example
 * ```ts
 * const r = await main(['--quick']);
 * r.fullBatch.find((x) => x.adaptive)?.momentum; // the beta of every update
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2), log: (line: string) => void = console.log): Promise<AdaptiveMomentumExampleResult> {
  const { common } = parseCommon(argv, {}, log);
  const plan = common.quick ? QUICK : FULL;
  const backend = await useBackend(common.backend, log);
  const data = await loadFlatImages({ dataDir: common.dataDir, dataset: common.dataset, side: 8, trainSize: plan.trainSize, ...(common.quick ? { testSize: 2000 } : {}), seed: common.seed });
  log(data.description);
  log(`model: MLP ${data.features}-${plan.hidden.join('-')}-10, SGD heavy ball; full batch (${data.train.count} images), ${plan.steps} steps per run`);
  const initialLoss = (() => {
    const m = createMlp({ inputs: data.features, hidden: plan.hidden, outputs: 10, seed: common.seed });
    const loss = evaluate(m, data.train).loss;
    m.dispose();
    return loss;
  })();
  const run = (cfg: Omit<LoopConfig, 'seed' | 'hidden' | 'momentum'>, adaptive: boolean): MomentumRun => {
    const start = performance.now();
    const out = train(data, { ...cfg, seed: common.seed, hidden: plan.hidden, momentum: 0.9 }, adaptive);
    const elapsed = seconds(start);
    const { accuracy } = evaluate(out.model, data.test);
    out.model.dispose();
    return { lr: cfg.lr, batch: cfg.batch, adaptive, losses: out.losses, testAccuracy: accuracy, momentum: out.momentum, seconds: elapsed };
  };
  const fullBatch = plan.lrs.flatMap((lr) =>
    [false, true].map((adaptive) => run({ epochs: plan.steps, batch: data.train.count, lr, logEvery: plan.logEvery }, adaptive)),
  );
  const mb = plan.minibatch;
  const minibatch = run({ epochs: mb.epochs, batch: mb.batch, lr: mb.lr, logEvery: mb.epochs }, true);
  data.dispose();

  const checkpoints = fullBatch[0]!.losses.map((_, i) => `loss@step${(i + 1) * plan.logEvery}`);
  log(
    table([
      ['lr', 'momentum', ...checkpoints, 'test acc', 'beta p10 / median / p90', 'time'],
      ...fullBatch.map((r) => [
        String(r.lr),
        r.adaptive ? 'adaptive' : 'fixed',
        ...r.losses.map(lossText),
        r.testAccuracy.toFixed(4),
        betaSummary(r),
        `${r.seconds.toFixed(1)} s`,
      ]),
    ]),
  );
  log(`(initial loss ${initialLoss.toFixed(3)}; beta stays in [0, ${1 - DELTA}]; with beta fixed, lr/(1-beta) is the long-run step)`);
  log(
    `minibatch ${mb.batch}, lr ${mb.lr}, ${minibatch.momentum.length} updates: adaptive beta p10/median/p90 ${betaSummary(minibatch)} — ` +
      'gradient noise between batches inflates ||g_k - g_{k-1}||, so the rule sees high curvature and keeps beta small',
  );
  return { backend, dataset: data.dataset, delta: DELTA, initialLoss, fullBatch, minibatch };
}

if (isEntryPoint(import.meta.url)) await main();
