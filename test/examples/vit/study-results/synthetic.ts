/**
 * Small synthetic study records with hand-checkable numbers, for the collect / stats / blocks /
 * figures tests (no training, no sweep folders).
 */
import type { StudyResults, StudyTrial } from '../../../../examples/vit/study-results/records.js';
import { VARIANTS } from '../../../../examples/vit/variants.js';

/** A committed trial record with only the fields a test cares about set. */
export function trial(
  variant: string,
  peakLr: number,
  seed: number,
  testAcc: number,
  extra: Partial<StudyTrial> = {},
): StudyTrial {
  const v = VARIANTS[variant];
  const epochs = extra.epochs ?? 4;
  const weightDecay = extra.weightDecay ?? 1e-4;
  const points = 8;
  const epochAt = Array.from({ length: points }, (_, i) => (i * epochs) / points);
  return {
    variant,
    peakLr,
    seed,
    testAcc,
    bestValAcc: testAcc,
    updates: 400,
    epochs,
    wallSeconds: 600,
    backend: 'wasm',
    dataset: 'CIFAR-10 (../shared/data/cifar10-subset): 9000 train / 1000 val / 10000 test',
    command: `node --import tsx examples/main.ts train --variant ${variant} --peak-lr ${peakLr} --seed ${seed}`,
    label: v?.label ?? variant,
    group: v?.group ?? 'lr',
    optimizer: variant.startsWith('sgd') ? 'sgd' : 'adamw',
    weightDecay,
    meanWeightDecay: weightDecay,
    bestEpoch: epochs - 1,
    curve: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, trainLoss: 2 - i * 0.1, valAcc: testAcc - (epochs - 1 - i) * 0.01 })),
    trajectory: {
      epoch: epochAt,
      lr: epochAt.map((e) => peakLr * (1 - e / (epochs + 1))),
      beta1: epochAt.map(() => 0.9),
      weightDecay: epochAt.map(() => weightDecay),
      batchSize: epochAt.map(() => 64),
    },
    ...extra,
  };
}

/** Per-seed offsets: mean 0, so a cell's mean is its base accuracy. */
const NOISE = [-0.01, 0, 0.01];

/** The LR grid's schedules, the peak LRs and each cell's base accuracy (constant stalls at the top LR). */
export const GRID: Readonly<Record<string, readonly [number, number, number]>> = {
  constant: [0.4, 0.42, 0.1],
  'constant-warmup': [0.4, 0.43, 0.3],
  'cosine-warmup': [0.41, 0.45, 0.33],
  'one-cycle': [0.41, 0.5, 0.35],
  step: [0.39, 0.44, 0.2],
};
export const LRS = [1e-4, 1e-3, 1e-2] as const;

/** The full synthetic study: the grid, then the beyond-LR variants and their twins at 1e-3 (SGD at 0.1). */
export function syntheticStudy(): StudyResults {
  const trials: StudyTrial[] = [];
  Object.entries(GRID).forEach(([variant, accs], k) => {
    // Each schedule's seeds scatter differently, so paired differences have a spread.
    LRS.forEach((lr, i) => NOISE.forEach((n, seed) => trials.push(trial(variant, lr, seed, accs[i]! + n * (1 + k / 2)))));
  });
  const beyond: [string, number, number, Partial<StudyTrial>][] = [
    ['batch-growth', 1e-3, 0.45, { updates: 150 }],
    ['adaptive-beta1', 1e-3, 0.44, {}],
    ['scheduled-wd', 1e-3, 0.47, { meanWeightDecay: 0.2 }],
    ['adamw-matched-wd', 1e-3, 0.46, { weightDecay: 0.2, meanWeightDecay: 0.2 }],
    ['adamw-wd-lambda-over-lr', 1e-3, 0.47, { weightDecay: 0.5, meanWeightDecay: 0.5 }],
    ['sgd-adaptive-hb', 0.1, 0.38, {}],
    ['sgd-momentum-0.5', 0.1, 0.3, {}],
    ['sgd-momentum-0.9', 0.1, 0.38, {}],
    ['sgd-momentum-0.95', 0.1, 0.39, {}],
  ];
  for (const [variant, lr, acc, extra] of beyond) NOISE.forEach((n, seed) => trials.push(trial(variant, lr, seed, acc + n * (seed === 2 ? 2 : 1), extra)));
  return {
    about: {
      what: 'synthetic',
      preset: ['tiny'],
      data: ['CIFAR-10 (../shared/data/cifar10-subset): 9000 train / 1000 val / 10000 test'],
      epochs: [4],
      batch: [64],
      stepping: ['step'],
      backends: ['backend: wasm (@tensorflow/tfjs-backend-wasm, SIMD, one thread) — tfjs-node not installed'],
      sweeps: [
        { folder: 'runs/lr-grid', command: 'node --import tsx examples/main.ts sweep --seeds 3 --workers 2 --out runs/lr-grid', trials: 45 },
        { folder: 'runs/beyond-lr', command: 'node --import tsx examples/main.ts sweep --seeds 3 --workers 2 --out runs/beyond-lr', trials: 27 },
      ],
      regenerate: ['npm run study:collect -- runs/lr-grid runs/beyond-lr', 'npm run study:report'],
    },
    trials,
  };
}
