/**
 * Scheduling a hyperparameter that no optimizer has: the dropout rate.
 *
 * `param('dropout', { schedule })` is a named value like a learning rate; the loop reads
 * `dropout.value` at every forward pass, and `hook` (plus `scheduledBatches`, which counts samples
 * and epochs) keeps the clock the schedule is evaluated on. Nothing else knows it is a dropout
 * rate. The script trains the same MLP, from the same initial weights, on a small slice of the
 * data (so that it overfits) three times: without dropout, with a constant rate, and with
 * curriculum dropout (Morerio et al. 2017: the rate grows from 0 as training goes on, so early
 * epochs learn from the full network). It prints the rate each epoch used and the train / test
 * accuracy and their gap.
 *
 *   node --import tsx examples/scheduled-regularization.ts          # CIFAR-10 subset
 *   node --import tsx examples/scheduled-regularization.ts --quick  # a few seconds (tests)
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW, constant, createSession, hook, linear, param, scheduledBatches, type Schedule } from 'hyperschedule';
import { isEntryPoint, parseCommon, seconds, table, useBackend } from './shared/cli.js';
import { loadFlatImages, type FlatSplit } from './shared/data.js';
import { createMlp, crossEntropy, evaluate, type Mlp } from './shared/mlp.js';

/** The run. */
export interface RegularizationConfig {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly hidden: readonly number[];
  readonly seed: number;
}

/**
 * The loop: dropout rate from a schedule, read at every forward pass. Returns the model and the
 * rate of every update.
 *
 * @example
 * ```ts
 * const { rates } = train(data, { epochs: 4, batch: 50, lr: 2e-3, hidden: [64], seed: 0 }, constant({ value: 0.3, unit: 'epoch' }));
 * ```
 */
export function train(data: { train: FlatSplit; features: number }, cfg: RegularizationConfig, rate: Schedule): { model: Mlp; rates: number[] } {
  const model = createMlp({ inputs: data.features, hidden: cfg.hidden, outputs: 10, seed: cfg.seed });
  const dropout = param('dropout', { schedule: rate }, { domain: 'probability' });
  const session = createSession({ params: [dropout], batchSize: cfg.batch });
  const optimizer = hook(new AdamW({ learningRate: cfg.lr, weightDecay: 0 }), session);
  const batches = scheduledBatches({ xs: data.train.xs, ys: data.train.ys }, { session, shuffle: true, seed: cfg.seed });
  const rates: number[] = [];
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const { xs, ys } of batches) {
      rates.push(dropout.value);
      optimizer.minimize(() => crossEntropy(model, xs, ys, { dropout: dropout.value }));
      tf.dispose([xs, ys]);
    }
  }
  optimizer.dispose();
  session.dispose();
  return { model, rates };
}

/** One variant's outcome. */
export interface RegularizationRun {
  readonly name: string;
  /** The schedule, as JSON (what `fromJSON` rebuilds). */
  readonly schedule: unknown;
  /** Mean dropout rate used in each epoch. */
  readonly ratePerEpoch: readonly number[];
  /** The rate of every update. */
  readonly rates: readonly number[];
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly seconds: number;
}

/** What {@link main} returns. */
export interface RegularizationExampleResult {
  readonly backend: string;
  readonly dataset: 'cifar10' | 'mnist';
  readonly config: RegularizationConfig;
  readonly runs: readonly RegularizationRun[];
}

const FULL = { trainSize: 2500, cfg: { epochs: 30, batch: 64, lr: 2e-3, hidden: [128, 128] } };
const QUICK = { trainSize: 600, cfg: { epochs: 4, batch: 50, lr: 2e-3, hidden: [64] } };
const TARGET = 0.5;

/**
 * Trains the three variants and prints the comparison.
 * Flags: `--quick`,
 * `--backend <tensorflow|wasm|cpu>`, `--seed <n>`, `--data-dir <dir>`, `--dataset <auto|cifar10|mnist>`.
 *
 * @example
 * ```ts
 * const r = await main(['--quick']);
 * r.runs.map((x) => x.testAccuracy);
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2), log: (line: string) => void = console.log): Promise<RegularizationExampleResult> {
  const { common } = parseCommon(argv, {}, log);
  const plan = common.quick ? QUICK : FULL;
  const backend = await useBackend(common.backend, log);
  const data = await loadFlatImages({ dataDir: common.dataDir, dataset: common.dataset, side: 8, trainSize: plan.trainSize, ...(common.quick ? { testSize: 2000 } : {}), seed: common.seed });
  log(data.description);
  const cfg: RegularizationConfig = { ...plan.cfg, seed: common.seed };
  log(`model: MLP ${data.features}-${cfg.hidden.join('-')}-10, AdamW lr ${cfg.lr}, batch ${cfg.batch}, ${cfg.epochs} epochs; dropout on the hidden layers`);
  const variants: [string, Schedule][] = [
    ['no dropout', constant({ value: 0, unit: 'epoch' })],
    [`constant ${TARGET}`, constant({ value: TARGET, unit: 'epoch' })],
    [`curriculum 0 -> ${TARGET}`, linear({ init: 0, end: TARGET, duration: cfg.epochs / 2, unit: 'epoch' })],
  ];
  const runs = variants.map(([name, schedule]): RegularizationRun => {
    const start = performance.now();
    const { model, rates } = train(data, cfg, schedule);
    const elapsed = seconds(start);
    const trainAccuracy = evaluate(model, data.train).accuracy;
    const testAccuracy = evaluate(model, data.test).accuracy;
    model.dispose();
    const perEpoch = rates.length / cfg.epochs;
    const ratePerEpoch = Array.from({ length: cfg.epochs }, (_, e) => {
      const slice = rates.slice(Math.round(e * perEpoch), Math.round((e + 1) * perEpoch));
      return slice.reduce((a, b) => a + b, 0) / slice.length;
    });
    return { name, schedule: schedule.toJSON(), ratePerEpoch, rates, trainAccuracy, testAccuracy, seconds: elapsed };
  });
  data.dispose();

  const shown = [...new Set([0, 1, Math.floor(cfg.epochs / 4), Math.floor(cfg.epochs / 2), cfg.epochs - 1])].filter((e) => e < cfg.epochs).sort((a, b) => a - b);
  log(
    table([
      ['dropout', ...shown.map((e) => `rate ep${e + 1}`), 'train acc', 'test acc', 'gap', 'time'],
      ...runs.map((r) => [
        r.name,
        ...shown.map((e) => r.ratePerEpoch[e]!.toFixed(3)),
        r.trainAccuracy.toFixed(4),
        r.testAccuracy.toFixed(4),
        (r.trainAccuracy - r.testAccuracy).toFixed(4),
        `${r.seconds.toFixed(1)} s`,
      ]),
    ]),
  );
  return { backend, dataset: data.dataset, config: cfg, runs };
}

if (isEntryPoint(import.meta.url)) await main();
