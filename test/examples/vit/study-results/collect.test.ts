/**
 * `npm run study:collect`: one small, portable, deterministic record per finished trial — the
 * numbers, the command that reproduces it, its decay averaged over updates, a thinned trajectory —
 * and an error for the same trial in two folders.
 */
import { describe, expect, it } from 'vitest';
import { matchedWeightDecay, summaryLines } from '../../../../examples/vit/study-results/collect.js';
import {
  compactJson,
  datasetDescription,
  meanOverUpdates,
  parseStudyResults,
  portableCommand,
  portableFolder,
  sig6,
  studyResults,
  studyTrial,
  thinIndices,
  trainCommand,
  TRAJECTORY_POINTS,
} from '../../../../examples/vit/study-results/records.js';
import type { RunResult } from '../../../../examples/vit/train.js';
import { trial } from './synthetic.js';

const ROOT = '/work/main';

/** A finished run as a worker writes it, with `updates` updates and a decay that doubles halfway. */
function runResult(variant: string, peakLr: number, seed: number, options: { updates?: number; weightDecay?: number; testAcc?: number } = {}): RunResult {
  const updates = options.updates ?? 600;
  const weightDecay = options.weightDecay ?? 1e-4;
  return {
    config: {
      dataset: 'cifar10', dataDir: '/work/shared/data/cifar10-subset/cifar-10-batches-bin', preset: 'tiny', epochs: 3, valFraction: 0.1, batchSize: 64,
      evalEvery: 1, evalBatch: 500, stepping: 'step', variant, peakLr, seed, dataSeed: 42, augment: 'reference', weightDecay, beta1: 0.9, beta2: 0.999,
      epsilon: 1e-8, preferBackend: 'tensorflow',
    },
    variant: { name: variant, label: variant, group: 'lr' },
    spec: { variant, hparams: {} },
    data: { name: 'cifar10', description: 'CIFAR-10 from /work/shared/data/cifar10-subset/cifar-10-batches-bin', train: 9000, val: 1000, test: 10000 },
    backend: 'wasm',
    backendDescription: 'backend: wasm (@tensorflow/tfjs-backend-wasm, SIMD, one thread)',
    testAcc: options.testAcc ?? 0.4107,
    bestValAcc: 0.412,
    bestEpoch: 2,
    updates,
    wallMs: 279_449.7,
    epochs: [0, 1, 2].map((e) => ({ epoch: e, trainLoss: 2.123456789 - e / 10, trainAcc: 0.3, valLoss: 1.9, valAcc: 0.3 + e / 100, updates: 0, samples: 0, hparams: {}, hparamsEnd: {}, wallMs: 0 })),
    // One point per update: the decay is `weightDecay` for the first half, twice it after.
    trajectory: Array.from({ length: updates }, (_, step) => ({
      step,
      epoch: (3 * step) / updates,
      values: { lr: peakLr / 3, beta1: 0.9, beta2: 0.999, weightDecay: step < updates / 2 ? weightDecay : 2 * weightDecay, batchSize: 64 },
    })),
  } as unknown as RunResult;
}

describe('small pure helpers', () => {
  it('sig6 keeps 6 significant digits', () => {
    expect(sig6(0.123456789)).toBe(0.123457);
    expect(sig6(2100)).toBe(2100);
  });

  it('thinIndices spreads at most max indices, keeping the first and last', () => {
    expect(thinIndices(5, 3)).toEqual([0, 2, 4]);
    expect(thinIndices(3, 10)).toEqual([0, 1, 2]);
    const many = thinIndices(600, 120);
    expect(many.length).toBe(120);
    expect(many[0]).toBe(0);
    expect(many[119]).toBe(599);
  });

  it('meanOverUpdates weights each point by the updates until the next one', () => {
    // 1 for updates 0..2, 2 for update 3: (3 * 1 + 1 * 2) / 4.
    expect(meanOverUpdates([{ step: 0, value: 1 }, { step: 3, value: 2 }], 4)).toBe(1.25);
    // Thinned points count the same as the full trajectory they stand for.
    expect(meanOverUpdates([{ step: 0, value: 1 }, { step: 5, value: 3 }], 10)).toBe(2);
  });

  it('paths and commands are made portable', () => {
    expect(portableFolder('/work/study/lr-grid', ROOT)).toBe('runs/lr-grid');
    expect(portableFolder('/work/main/runs/x/', ROOT)).toBe('runs/x');
    expect(portableCommand('node --import tsx examples/main.ts sweep --data-dir /work/shared/data/c --seeds 3 --out /work/study/lr-grid', 'runs/lr-grid', ROOT)).toBe(
      'node --import tsx examples/main.ts sweep --data-dir ../shared/data/c --seeds 3 --out runs/lr-grid',
    );
    expect(portableCommand('node x.ts sweep --out=/abs/y', 'runs/y', ROOT)).toBe('node x.ts sweep --out runs/y');
  });
});

describe('studyTrial', () => {
  const r = studyTrial(runResult('constant', 1e-3, 1), ROOT);

  it('holds the issue\'s fields, accuracies as measured', () => {
    expect(r).toMatchObject({
      variant: 'constant', peakLr: 1e-3, seed: 1, testAcc: 0.4107, bestValAcc: 0.412, updates: 600, epochs: 3, wallSeconds: 279.4, backend: 'wasm',
      dataset: 'CIFAR-10 (../shared/data/cifar10-subset): 9000 train / 1000 val / 10000 test', optimizer: 'adamw', weightDecay: 1e-4, bestEpoch: 2,
    });
  });

  it('has no absolute path', () => {
    expect(JSON.stringify(r)).not.toMatch(/"\/|\s\/work/);
  });

  it('averages the decay over updates and thins the trajectory', () => {
    expect(r.meanWeightDecay).toBe(1.5e-4);
    expect(r.trajectory.epoch.length).toBe(TRAJECTORY_POINTS);
    for (const k of ['lr', 'beta1', 'weightDecay', 'batchSize'] as const) expect(r.trajectory[k].length).toBe(TRAJECTORY_POINTS);
    expect(r.curve).toEqual([
      { epoch: 1, trainLoss: 2.12346, valAcc: 0.3 },
      { epoch: 2, trainLoss: 2.02346, valAcc: 0.31 },
      { epoch: 3, trainLoss: 1.92346, valAcc: 0.32 },
    ]);
  });

  it('its command reproduces the trial, with --weight-decay only when it is not the default', () => {
    expect(r.command).toBe(
      'node --import tsx examples/main.ts train --dataset cifar10 --data-dir ../shared/data/cifar10-subset --preset tiny --epochs 3 --train-size all ' +
        '--test-size all --batch-size 64 --eval-every 1 --stepping step --variant constant --peak-lr 0.001 --seed 1',
    );
    expect(trainCommand(runResult('adamw-matched-wd', 1e-3, 0, { weightDecay: 0.173 }).config, ROOT)).toMatch(/ --seed 0 --weight-decay 0\.173$/);
  });

  it('names only options the train command has', async () => {
    const { buildProgram } = await import('../../../../examples/vit/cli.js');
    const train = buildProgram({ log: () => {}, error: () => {} }, []).commands.find((c) => c.name() === 'train')!;
    const known = new Set(train.options.map((o) => o.long));
    const command = trainCommand({ ...runResult('step', 1e-2, 2, { weightDecay: 0.5 }).config, augment: 'none', dataSeed: 7, t0: 2, preferBackend: 'wasm' }, ROOT);
    const used = command.split(' ').filter((a) => a.startsWith('--') && a !== '--import');
    expect(used.filter((o) => !known.has(o))).toEqual([]);
  });

  it('the dataset line of the bundled digits needs no folder', () => {
    const mnist = runResult('constant', 1e-3, 0);
    const { dataDir: _d, ...config } = { ...mnist.config, dataset: 'mnist' as const };
    expect(datasetDescription({ config, data: { ...mnist.data, train: 2700, val: 300, test: 1000 } }, ROOT)).toBe('MNIST digits (bundled with the mnist package): 2700 train / 300 val / 1000 test');
  });
});

describe('studyResults', () => {
  const folders = [
    { folder: '/work/study/b', command: 'node --import tsx examples/main.ts sweep --workers 2 --out /work/study/b', results: [runResult('step', 1e-3, 1), runResult('constant', 1e-2, 0)] },
    { folder: '/work/study/a', command: 'node --import tsx examples/main.ts sweep --workers 2 --out /work/study/a', results: [runResult('step', 1e-3, 0), runResult('constant', 1e-3, 2)] },
  ];

  it('sorts by variant, peak LR and seed, whatever the folders\' order', () => {
    const s = studyResults(folders, ROOT);
    expect(s.trials.map((t) => `${t.variant} ${t.peakLr} ${t.seed}`)).toEqual(['constant 0.001 2', 'constant 0.01 0', 'step 0.001 0', 'step 0.001 1']);
    expect(studyResults([...folders].reverse(), ROOT).trials).toEqual(s.trials);
  });

  it('says what ran and how to regenerate it', () => {
    const { about } = studyResults(folders, ROOT);
    expect(about).toMatchObject({ preset: ['tiny'], epochs: [3], batch: [64], stepping: ['step'] });
    expect(about.sweeps.map((x) => x.command)).toEqual([
      'node --import tsx examples/main.ts sweep --workers 2 --out runs/b',
      'node --import tsx examples/main.ts sweep --workers 2 --out runs/a',
    ]);
    expect(about.regenerate).toEqual(['npm run study:collect -- runs/b runs/a', 'npm run study:report']);
  });

  it('refuses the same trial in two folders', () => {
    const twice = [...folders, { folder: '/work/study/c', command: '', results: [runResult('step', 1e-3, 1)] }];
    expect(() => studyResults(twice, ROOT)).toThrow('duplicate trial step peakLr=0.001 seed=1 weightDecay=0.0001: in /work/study/b and in /work/study/c');
  });

  it('the same variant, LR and seed at another weight decay is another trial', () => {
    const other = [...folders, { folder: '/work/study/c', command: '', results: [runResult('step', 1e-3, 1, { weightDecay: 0.2 })] }];
    expect(studyResults(other, ROOT).trials.length).toBe(5);
  });

  it('is written as compact JSON that reads back the same', () => {
    const s = studyResults(folders, ROOT);
    const text = compactJson(s);
    expect(JSON.parse(text)).toEqual(s);
    expect(parseStudyResults(JSON.parse(text))).toEqual(s);
    expect(text).toContain('"epochs": 3,');
    expect(text).toMatch(/"lr": \[[^\n]*\]/);
  });

  it('parseStudyResults names what is wrong', () => {
    expect(() => parseStudyResults({ about: { sweeps: [] }, trials: [{ variant: 'x' }] })).toThrow('study.json: trials[0].peakLr: expected a number');
  });
});

describe('summary and matched decay', () => {
  it('prints one line per cell', () => {
    const lines = summaryLines([trial('constant', 1e-3, 0, 0.4), trial('constant', 1e-3, 1, 0.5), trial('step', 1e-3, 0, 0.3)]);
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^constant .* seeds 0,1 .* test 45\.0% ± 63\.5 \(n=2\)$/);
    expect(lines[1]).toMatch(/test 30\.0% \(n=1\)$/);
  });

  it('--matched-wd is the mean of the scheduled-wd trials\' mean decay', () => {
    expect(matchedWeightDecay([{ variant: 'scheduled-wd', meanWeightDecay: 0.1 }, { variant: 'scheduled-wd', meanWeightDecay: 0.3 }, { variant: 'constant', meanWeightDecay: 1e-4 }])).toEqual({ value: 0.2, n: 2 });
    expect(matchedWeightDecay([])).toBeNull();
  });
});
