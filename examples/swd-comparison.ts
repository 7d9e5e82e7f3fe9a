/**
 * Scheduled weight decay (Xie et al., NeurIPS 2023): AdamS against AdamW on the CIFAR-10 subset.
 *
 * AdamS decays p <- p * (1 - lambda * lr_t / sqrt(vbar_t)), vbar_t the mean bias-corrected second
 * moment over all parameters; AdamW decays p <- p * (1 - lr_t * wd) with wd = lambda / lr_0 (the
 * pairing of the paper). Both run the same cosine learning-rate schedule (a scheduled parameter,
 * read by the optimizer at every update), the same MLP, data and batches, for several seeds. The
 * script prints, per optimizer, the final full-batch gradient norm on the training set, the
 * training loss and the test accuracy as mean ± standard deviation over the seeds.
 *
 *   node --import tsx examples/swd-comparison.ts          # 3 seeds x 2 optimizers (~1 min per run)
 *   node --import tsx examples/swd-comparison.ts --quick  # a few seconds (tests)
 *   node --import tsx examples/swd-comparison.ts --seeds 5 --epochs 40 --lambda 5e-4
 */
import * as tf from '@tensorflow/tfjs';
import { AdamS, AdamW, HyperscheduleError, cosine, createSession, hook, param, scheduledBatches } from 'hyperschedule';
import { isEntryPoint, parseCommon, seconds, table, useBackend } from './shared/cli.js';
import { loadFlatImages, type FlatImages } from './shared/data.js';
import { createMlp, crossEntropy, evaluate, fullGradientNorm } from './shared/mlp.js';

/** One comparison. */
export interface SwdConfig {
  readonly epochs: number;
  readonly batch: number;
  /** Peak learning rate of the cosine schedule (to 0 at the end of the run). */
  readonly lr: number;
  /** AdamS's lambda; AdamW gets lambda / lr. */
  readonly lambda: number;
  readonly hidden: readonly number[];
  readonly seeds: readonly number[];
}

/** The measurements of one run. */
export interface SwdRun {
  readonly optimizer: 'AdamS' | 'AdamW';
  readonly seed: number;
  /** ||grad of the mean training loss|| over the whole training set, after training. */
  readonly gradNorm: number;
  readonly trainLoss: number;
  readonly testAccuracy: number;
  /** ||all weights||_2 after training. */
  readonly weightNorm: number;
  readonly seconds: number;
}

/** Mean and sample standard deviation. */
export interface MeanStd {
  readonly mean: number;
  readonly std: number;
}

/** What {@link main} returns. */
export interface SwdExampleResult {
  readonly backend: string;
  readonly dataset: 'cifar10' | 'mnist';
  readonly config: SwdConfig;
  readonly runs: readonly SwdRun[];
  readonly summary: Readonly<Record<'AdamS' | 'AdamW', { gradNorm: MeanStd; trainLoss: MeanStd; testAccuracy: MeanStd; weightNorm: MeanStd }>>;
}

/**
 * Trains one model with AdamS or AdamW under the cosine LR schedule and measures it.
 *
 * @example
 * ```ts
 * const run = trainOne(data, config, 'AdamS', 0);
 * ```
 */
export function trainOne(data: FlatImages, cfg: SwdConfig, which: 'AdamS' | 'AdamW', seed: number): SwdRun {
  const start = performance.now();
  const model = createMlp({ inputs: data.features, hidden: cfg.hidden, outputs: data.classes, seed });
  const lr = param('lr', { schedule: cosine({ init: cfg.lr, duration: cfg.epochs, unit: 'epoch' }) }, { domain: 'nonNegative' });
  const session = createSession({ params: [lr], batchSize: cfg.batch });
  const optimizer = hook(
    which === 'AdamS' ? new AdamS({ learningRate: lr, weightDecay: cfg.lambda }) : new AdamW({ learningRate: lr, weightDecay: cfg.lambda / cfg.lr }),
    session,
  );
  const batches = scheduledBatches({ xs: data.train.xs, ys: data.train.ys }, { session, shuffle: true, seed });
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const { xs, ys } of batches) {
      optimizer.minimize(() => crossEntropy(model, xs, ys));
      tf.dispose([xs, ys]);
    }
  }
  const elapsed = seconds(start);
  const gradNorm = fullGradientNorm(model, data.train);
  const trainLoss = evaluate(model, data.train).loss;
  const testAccuracy = evaluate(model, data.test).accuracy;
  const weightNorm = tf.tidy(() => tf.sqrt(tf.addN(model.variables.map((v) => tf.sum(tf.square(v))))).dataSync()[0]!);
  optimizer.dispose();
  session.dispose();
  model.dispose();
  return { optimizer: which, seed, gradNorm, trainLoss, testAccuracy, weightNorm, seconds: elapsed };
}

/**
 * Mean and sample standard deviation (n - 1; 0 for a single value).
 *
 * @example
 * ```ts
 * meanStd([1, 2, 3, 4]); // { mean: 2.5, std: 1.29... }
 * ```
 */
export function meanStd(xs: readonly number[]): MeanStd {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

const FULL = { trainSize: undefined, testSize: undefined, cfg: { epochs: 30, batch: 128, lr: 1e-3, lambda: 5e-4, hidden: [256, 256] } };
const QUICK = { trainSize: 1000, testSize: 1000, cfg: { epochs: 3, batch: 50, lr: 3e-3, lambda: 5e-4, hidden: [32] } };

/** A number with at most 4 significant digits. */
const short = (x: number): string => String(Number(x.toPrecision(4)));

function positive(flag: string, text: string | boolean | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new HyperscheduleError(flag, text, integer ? 'a positive integer' : 'a positive number');
  }
  return value;
}

/**
 * Runs the comparison and prints the table.
 * Flags: `--quick`, `--seeds <n>` (default 3; quick 2),
 * `--epochs <n>`, `--lambda <x>`, `--backend <tensorflow|wasm|cpu>`, `--seed <first seed>`,
 * `--data-dir <dir>`, `--dataset <auto|cifar10|mnist>`.
 *
 * @example
 * ```ts
 * const r = await main(['--quick', '--seeds', '2']);
 * r.summary.AdamS.testAccuracy; // { mean, std }
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2), log: (line: string) => void = console.log): Promise<SwdExampleResult> {
  const { common, extra } = parseCommon(argv, { seeds: { type: 'string' }, epochs: { type: 'string' }, lambda: { type: 'string' } }, log);
  const plan = common.quick ? QUICK : FULL;
  const seedCount = positive('--seeds', extra.seeds, true) ?? (common.quick ? 2 : 3);
  const cfg: SwdConfig = {
    ...plan.cfg,
    epochs: positive('--epochs', extra.epochs, true) ?? plan.cfg.epochs,
    lambda: positive('--lambda', extra.lambda, false) ?? plan.cfg.lambda,
    seeds: Array.from({ length: seedCount }, (_, i) => common.seed + i),
  };
  const backend = await useBackend(common.backend, log);
  const data = await loadFlatImages({
    dataDir: common.dataDir, dataset: common.dataset,
    side: 8,
    ...(plan.trainSize !== undefined ? { trainSize: plan.trainSize } : {}),
    ...(plan.testSize !== undefined ? { testSize: plan.testSize } : {}),
  });
  log(data.description);
  log(
    `model: MLP ${data.features}-${cfg.hidden.join('-')}-${data.classes}, batch ${cfg.batch}, ${cfg.epochs} epochs, cosine LR ${cfg.lr} -> 0; ` +
      `AdamS lambda ${cfg.lambda} vs AdamW wd = lambda/lr = ${short(cfg.lambda / cfg.lr)}; seeds ${cfg.seeds.join(', ')}`,
  );
  const runs: SwdRun[] = [];
  for (const seed of cfg.seeds) {
    for (const which of ['AdamS', 'AdamW'] as const) {
      const r = trainOne(data, cfg, which, seed);
      runs.push(r);
      log(`  ${which} seed ${seed}: grad norm ${r.gradNorm.toExponential(3)}, train loss ${r.trainLoss.toFixed(4)}, test acc ${r.testAccuracy.toFixed(4)}, ||w|| ${r.weightNorm.toFixed(2)} (${r.seconds.toFixed(1)} s)`);
    }
  }
  data.dispose();
  const summarise = (which: 'AdamS' | 'AdamW') => {
    const mine = runs.filter((r) => r.optimizer === which);
    return {
      gradNorm: meanStd(mine.map((r) => r.gradNorm)),
      trainLoss: meanStd(mine.map((r) => r.trainLoss)),
      testAccuracy: meanStd(mine.map((r) => r.testAccuracy)),
      weightNorm: meanStd(mine.map((r) => r.weightNorm)),
    };
  };
  const summary = { AdamS: summarise('AdamS'), AdamW: summarise('AdamW') };
  const pm = (m: MeanStd, digits: number, exp = false): string =>
    exp ? `${m.mean.toExponential(digits)} ± ${m.std.toExponential(digits)}` : `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}`;
  log(
    table([
      ['optimizer', 'final grad norm', 'train loss', 'test acc', '||w||'],
      ...(['AdamS', 'AdamW'] as const).map((k) => [
        k === 'AdamS' ? `AdamS (lambda ${cfg.lambda})` : `AdamW (wd ${short(cfg.lambda / cfg.lr)})`,
        pm(summary[k].gradNorm, 2, true),
        pm(summary[k].trainLoss, 4),
        pm(summary[k].testAccuracy, 4),
        pm(summary[k].weightNorm, 1),
      ]),
    ]),
  );
  log(`(mean ± sample std over ${cfg.seeds.length} seeds)`);
  return { backend, dataset: data.dataset, config: cfg, runs, summary };
}

if (isEntryPoint(import.meta.url)) await main();
