/**
 * The committed results of the study (`examples/vit/results/study.json`): one small record per
 * finished trial, built from the trial records the sweep runner wrote. Everything here is pure;
 * `collect.ts` reads the folders and writes the file.
 */
import { isAbsolute, relative } from 'node:path';
import type { RunResult } from '../train.js';

/**
 * One finished trial as committed: what the issue asks for (`variant` ... `command`) plus what the
 * report draws (label, optimizer, decay, curve, thinned hyperparameter trajectory).
 *
 * @example
 * ```ts
 * import type { StudyTrial } from './records.js';
 * const acc = (t: StudyTrial) => t.testAcc;
 * ```
 */
export interface StudyTrial {
  readonly variant: string;
  readonly peakLr: number;
  readonly seed: number;
  /** Test accuracy (a fraction) of the best-by-validation weights, as measured. */
  readonly testAcc: number;
  readonly bestValAcc: number;
  readonly updates: number;
  /** Number of epochs the run trained. */
  readonly epochs: number;
  readonly wallSeconds: number;
  /** The tfjs backend the trial ran on (`wasm`, `tensorflow`, ...). */
  readonly backend: string;
  /** A portable description of the data (relative paths only). */
  readonly dataset: string;
  /** The `train` command line that reproduces this one trial. */
  readonly command: string;
  readonly label: string;
  readonly group: string;
  /** `adamw` or `sgd` (for SGD, `beta1` is the heavy-ball momentum). */
  readonly optimizer: string;
  /** The run config's weight decay (what variants holding it constant use). */
  readonly weightDecay: number;
  /** Mean over updates of the weight decay actually used (for scheduled-wd: its average effective decay). */
  readonly meanWeightDecay: number;
  /** 0-based epoch of the best validation accuracy. */
  readonly bestEpoch: number;
  /** Per epoch (1-based: epochs completed): mean train loss and validation accuracy. */
  readonly curve: readonly CurvePoint[];
  readonly trajectory: Trajectory;
}

/**
 * One epoch of a trial's curve.
 *
 * @example
 * ```ts
 * import type { CurvePoint } from './records.js';
 * const p: CurvePoint = { epoch: 1, trainLoss: 2.1, valAcc: 0.25 };
 * ```
 */
export interface CurvePoint {
  readonly epoch: number;
  readonly trainLoss: number | null;
  readonly valAcc: number | null;
}

/**
 * The hyperparameters each update used, thinned, as parallel arrays against fractional epochs.
 *
 * @example
 * ```ts
 * import type { Trajectory } from './records.js';
 * const t: Trajectory = { epoch: [0], lr: [1e-3], beta1: [0.9], weightDecay: [1e-4], batchSize: [64] };
 * ```
 */
export interface Trajectory {
  readonly epoch: readonly number[];
  readonly lr: readonly number[];
  readonly beta1: readonly number[];
  readonly weightDecay: readonly number[];
  readonly batchSize: readonly number[];
}

/**
 * A sweep folder as the results name it: where to rerun it and the command that ran it.
 *
 * @example
 * ```ts
 * import type { StudySweep } from './records.js';
 * const s: StudySweep = { folder: 'runs/lr-grid', command: 'node --import tsx examples/main.ts sweep ...', trials: 45 };
 * ```
 */
export interface StudySweep {
  /** The folder, relative to the repository (absolute folders are renamed into `runs/`). */
  readonly folder: string;
  /** Its `study.json` `meta.command`, with absolute paths made relative and `--out` set to `folder`. */
  readonly command: string;
  /** Finished trials taken from it. */
  readonly trials: number;
}

/**
 * What the results are, for a reader of the file.
 *
 * @example
 * ```ts
 * import type { StudyAbout } from './records.js';
 * const f = (a: StudyAbout) => a.regenerate;
 * ```
 */
export interface StudyAbout {
  readonly what: string;
  readonly preset: readonly string[];
  readonly data: readonly string[];
  readonly epochs: readonly number[];
  readonly batch: readonly number[];
  readonly stepping: readonly string[];
  readonly backends: readonly string[];
  readonly sweeps: readonly StudySweep[];
  readonly regenerate: readonly string[];
}

/**
 * `examples/vit/results/study.json`.
 *
 * @example
 * ```ts
 * import type { StudyResults } from './records.js';
 * const n = (s: StudyResults) => s.trials.length;
 * ```
 */
export interface StudyResults {
  readonly about: StudyAbout;
  readonly trials: readonly StudyTrial[];
}

/** Most trajectory points kept per trial. */
export const TRAJECTORY_POINTS = 120;
/** The weight decay the `train` command uses when `--weight-decay` is not given. */
export const DEFAULT_WEIGHT_DECAY = 1e-4;

/**
 * `x` to 6 significant digits (trajectories, losses, decays), so the file stays small.
 *
 * @example
 * ```ts
 * import { sig6 } from './records.js';
 * sig6(0.123456789); // 0.123457
 * ```
 */
export function sig6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/**
 * Indices of at most `max` points spread evenly over `n` (first and last always kept).
 *
 * @example
 * ```ts
 * import { thinIndices } from './records.js';
 * thinIndices(5, 3); // [0, 2, 4]
 * ```
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max < 2) return n > 0 ? [0] : [];
  return [...new Set(Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1))))];
}

/**
 * Mean over updates of a value recorded at some updates: each recorded point holds until the next
 * one (the trajectory may be thinned), the last until `updates`.
 *
 * @example
 * ```ts
 * import { meanOverUpdates } from './records.js';
 * meanOverUpdates([{ step: 0, value: 1 }, { step: 3, value: 2 }], 4); // 1.25
 * ```
 */
export function meanOverUpdates(points: readonly { readonly step: number; readonly value: number }[], updates: number): number {
  if (points.length === 0) return Number.NaN;
  let sum = 0;
  let weight = 0;
  points.forEach((p, i) => {
    const until = i + 1 < points.length ? points[i + 1]!.step : Math.max(updates, p.step + 1);
    const w = Math.max(0, until - p.step);
    sum += w * p.value;
    weight += w;
  });
  return weight > 0 ? sum / weight : points[0]!.value;
}

/**
 * A path as the results show it: relative to the repository when absolute (POSIX separators).
 *
 * @example
 * ```ts
 * import { portablePath } from './records.js';
 * portablePath('/work/shared/data/cifar10-subset', '/work/main'); // '../shared/data/cifar10-subset'
 * ```
 */
export function portablePath(path: string, root: string): string {
  return (isAbsolute(path) ? relative(root, path) : path).split('\\').join('/');
}

/** The `--data-dir` a dataset was read from: the folder given, not the `cifar-10-batches-bin` inside it. */
function dataDirOf(config: RunResult['config'], root: string): string | null {
  if (!config.dataDir) return null;
  return portablePath(config.dataDir, root).replace(/\/cifar-10-batches-bin\/?$/, '');
}

const DATASET_NAMES: Readonly<Record<string, string>> = { cifar10: 'CIFAR-10', mnist: 'MNIST digits' };

/**
 * The portable description of a trial's data.
 *
 * @example
 * ```ts
 * import { datasetDescription } from './records.js';
 * // datasetDescription(result, '/work/main'); // 'CIFAR-10 (../shared/data/cifar10-subset): 9000 train / 1000 val / 10000 test'
 * ```
 */
export function datasetDescription(result: Pick<RunResult, 'config' | 'data'>, root: string): string {
  const name = DATASET_NAMES[result.config.dataset] ?? result.config.dataset;
  const dir = dataDirOf(result.config, root);
  const where = dir ? ` (${dir})` : result.config.dataset === 'mnist' ? ' (bundled with the mnist package)' : '';
  return `${name}${where}: ${result.data.train} train / ${result.data.val} val / ${result.data.test} test`;
}

/**
 * The `train` command line that reproduces one trial (options the `train` command defaults
 * differently from the run config are always given).
 *
 * @example
 * ```ts
 * import { trainCommand } from './records.js';
 * // trainCommand(result.config, '/work/main'); // 'node --import tsx examples/main.ts train --dataset cifar10 ... --seed 0'
 * ```
 */
export function trainCommand(config: RunResult['config'], root: string): string {
  const dir = dataDirOf(config, root);
  const args: string[] = [
    'train',
    '--dataset', config.dataset,
    ...(dir ? ['--data-dir', dir] : []),
    '--preset', config.preset,
    '--epochs', String(config.epochs),
    '--train-size', config.trainSize === undefined ? 'all' : String(config.trainSize),
    '--test-size', config.testSize === undefined ? 'all' : String(config.testSize),
    '--batch-size', String(config.batchSize),
    '--eval-every', String(config.evalEvery),
    '--stepping', config.stepping,
    ...(config.augment !== 'reference' ? ['--augment', config.augment] : []),
    ...(config.preferBackend !== 'tensorflow' ? ['--backend', config.preferBackend] : []),
    ...(config.dataSeed !== 42 ? ['--data-seed', String(config.dataSeed)] : []),
    '--variant', config.variant,
    '--peak-lr', String(config.peakLr),
    ...(config.t0 !== undefined ? ['--t0', String(config.t0)] : []),
    '--seed', String(config.seed),
    ...(config.weightDecay !== DEFAULT_WEIGHT_DECAY ? ['--weight-decay', String(config.weightDecay)] : []),
  ];
  return ['node --import tsx examples/main.ts', ...args].join(' ');
}

/**
 * The committed record of one finished run.
 *
 * @example
 * ```ts
 * import { studyTrial } from './records.js';
 * // studyTrial(record.result, '/work/main').testAcc
 * ```
 */
export function studyTrial(result: RunResult, root: string): StudyTrial {
  const t = result.trajectory;
  const keep = thinIndices(t.length, TRAJECTORY_POINTS).map((i) => t[i]!);
  const column = (f: (v: RunResult['trajectory'][number]['values']) => number) => keep.map((p) => sig6(f(p.values)));
  const decay = meanOverUpdates(t.map((p) => ({ step: p.step, value: p.values.weightDecay })), result.updates);
  return {
    variant: result.config.variant,
    peakLr: result.config.peakLr,
    seed: result.config.seed,
    testAcc: result.testAcc,
    bestValAcc: result.bestValAcc,
    updates: result.updates,
    epochs: result.epochs.length,
    wallSeconds: Math.round(result.wallMs / 100) / 10,
    backend: result.backend,
    dataset: datasetDescription(result, root),
    command: trainCommand(result.config, root),
    label: result.variant.label,
    group: result.variant.group,
    optimizer: result.spec.optimizer ?? 'adamw',
    weightDecay: result.config.weightDecay,
    meanWeightDecay: Number.isFinite(decay) ? sig6(decay) : result.config.weightDecay,
    bestEpoch: result.bestEpoch,
    curve: result.epochs.map((e) => ({ epoch: e.epoch + 1, trainLoss: e.trainLoss === null ? null : sig6(e.trainLoss), valAcc: e.valAcc })),
    trajectory: {
      epoch: keep.map((p) => sig6(p.epoch)),
      lr: column((v) => v.lr),
      beta1: column((v) => v.beta1),
      weightDecay: column((v) => v.weightDecay),
      batchSize: column((v) => v.batchSize),
    },
  };
}

/**
 * What makes two trials the same one: variant, peak LR, seed and weight decay.
 *
 * @example
 * ```ts
 * import { trialKey } from './records.js';
 * trialKey({ variant: 'step', peakLr: 1e-3, seed: 0, weightDecay: 1e-4 }); // 'step peakLr=0.001 seed=0 weightDecay=0.0001'
 * ```
 */
export function trialKey(t: Pick<StudyTrial, 'variant' | 'peakLr' | 'seed' | 'weightDecay'>): string {
  return `${t.variant} peakLr=${t.peakLr} seed=${t.seed} weightDecay=${t.weightDecay}`;
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders trials by variant, peak LR, seed, then weight decay (independent of the locale).
 *
 * @example
 * ```ts
 * import { compareTrials } from './records.js';
 * const sorted = (ts: import('./records.js').StudyTrial[]) => [...ts].sort(compareTrials);
 * ```
 */
export function compareTrials(a: Pick<StudyTrial, 'variant' | 'peakLr' | 'seed' | 'weightDecay'>, b: Pick<StudyTrial, 'variant' | 'peakLr' | 'seed' | 'weightDecay'>): number {
  return cmp(a.variant, b.variant) || cmp(a.peakLr, b.peakLr) || cmp(a.seed, b.seed) || cmp(a.weightDecay, b.weightDecay);
}

/**
 * A sweep's command line made portable: absolute paths relative to the repository, the `--out`
 * folder replaced by `folder`.
 *
 * @example
 * ```ts
 * import { portableCommand } from './records.js';
 * portableCommand('node --import tsx examples/main.ts sweep --seeds 3 --out /work/study/lr-grid', 'runs/lr-grid', '/work/main');
 * // 'node --import tsx examples/main.ts sweep --seeds 3 --out runs/lr-grid'
 * ```
 */
export function portableCommand(command: string, folder: string, root: string): string {
  const tokens = command.trim().split(/\s+/);
  const out: string[] = [];
  let sawOut = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '--out' && i + 1 < tokens.length) {
      out.push('--out', folder);
      sawOut = true;
      i += 1;
    } else if (t.startsWith('--out=')) {
      out.push('--out', folder);
      sawOut = true;
    } else {
      out.push(isAbsolute(t) ? portablePath(t, root) : t);
    }
  }
  if (!sawOut) out.push('--out', folder);
  return out.join(' ');
}

/**
 * How a results folder is named in the committed file: relative to the repository when inside it,
 * else `runs/<its name>`.
 *
 * @example
 * ```ts
 * import { portableFolder } from './records.js';
 * portableFolder('/work/study/lr-grid', '/work/main'); // 'runs/lr-grid'
 * portableFolder('/work/main/runs/x', '/work/main'); // 'runs/x'
 * ```
 */
export function portableFolder(folder: string, root: string): string {
  const rel = portablePath(folder, root).replace(/\/+$/, '');
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return `runs/${rel.split('/').filter(Boolean).pop() ?? 'study'}`;
}

/** Distinct values, sorted. */
function distinctSorted<T extends string | number>(values: readonly T[]): T[] {
  return [...new Set(values)].sort(cmp);
}

/**
 * The finished trials of several sweep folders as the committed file: sorted, checked for
 * duplicates (the same variant, peak LR, seed and weight decay in two places is an error).
 *
 * @example
 * ```ts
 * import { studyResults } from './records.js';
 * studyResults([], '/work/main').trials; // []
 * ```
 */
export function studyResults(
  folders: readonly { readonly folder: string; readonly command: string; readonly results: readonly RunResult[] }[],
  root: string,
): StudyResults {
  const seen = new Map<string, string>();
  const trials: StudyTrial[] = [];
  const sweeps: StudySweep[] = [];
  const configs: RunResult['config'][] = [];
  const backends: string[] = [];
  for (const f of folders) {
    const folder = portableFolder(f.folder, root);
    for (const r of f.results) {
      const t = studyTrial(r, root);
      const key = trialKey(t);
      const before = seen.get(key);
      if (before !== undefined) throw new Error(`duplicate trial ${key}: in ${before} and in ${f.folder}; keep it in one folder`);
      seen.set(key, f.folder);
      trials.push(t);
      configs.push(r.config);
      backends.push(r.backendDescription || r.backend);
    }
    sweeps.push({ folder, command: portableCommand(f.command, folder, root), trials: f.results.length });
  }
  trials.sort(compareTrials);
  return {
    about: {
      what:
        'The ViT study at CPU scale: one record per finished trial (testAcc is the test accuracy of the best-by-validation ' +
        'weights, a fraction). examples/vit/README.md ("The study at CPU scale") is generated from this file.',
      preset: distinctSorted(configs.map((c) => c.preset)),
      data: distinctSorted(trials.map((t) => t.dataset)),
      epochs: distinctSorted(trials.map((t) => t.epochs)),
      batch: distinctSorted(configs.map((c) => c.batchSize)),
      stepping: distinctSorted(configs.map((c) => c.stepping)),
      backends: distinctSorted(backends),
      sweeps,
      regenerate: [`npm run study:collect -- ${sweeps.map((s) => s.folder).join(' ')}`, 'npm run study:report'],
    },
    trials,
  };
}

/**
 * JSON with objects indented and arrays of numbers (and small objects of numbers) on one line:
 * readable, diffable and small.
 *
 * @example
 * ```ts
 * import { compactJson } from './records.js';
 * compactJson({ a: [1, 2] }); // '{\n  "a": [1, 2]\n}'
 * ```
 */
export function compactJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  const flat = (v: unknown): boolean => v === null || typeof v !== 'object' || (!Array.isArray(v) && Object.values(v as object).every((x) => x === null || typeof x !== 'object'));
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (value.every(flat)) return `[\n${value.map((v) => `${inner}${JSON.stringify(v)}`).join(',\n')}\n${indent}]`;
    return `[\n${value.map((v) => `${inner}${compactJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * Checks the shape of a parsed `study.json` (the fields the report reads) and returns it typed.
 *
 * @example
 * ```ts
 * import { parseStudyResults } from './records.js';
 * parseStudyResults({ trials: [] }); // throws: study.json: about: expected an object
 * ```
 */
export function parseStudyResults(value: unknown): StudyResults {
  const fail = (where: string, what: string): never => {
    throw new Error(`study.json: ${where}: expected ${what}`);
  };
  const v = value as Partial<StudyResults> | null;
  if (!v || typeof v !== 'object') fail('the file', 'an object');
  if (!v!.about || typeof v!.about !== 'object') fail('about', 'an object');
  if (!Array.isArray(v!.about!.sweeps)) fail('about.sweeps', 'an array');
  if (!Array.isArray(v!.trials)) fail('trials', 'an array');
  v!.trials!.forEach((t, i) => {
    for (const k of ['peakLr', 'seed', 'testAcc', 'bestValAcc', 'updates', 'epochs', 'wallSeconds', 'weightDecay', 'meanWeightDecay', 'bestEpoch'] as const) {
      if (typeof t?.[k] !== 'number') fail(`trials[${i}].${k}`, 'a number');
    }
    for (const k of ['variant', 'label', 'group', 'optimizer', 'backend', 'dataset', 'command'] as const) {
      if (typeof t?.[k] !== 'string') fail(`trials[${i}].${k}`, 'a string');
    }
    if (!Array.isArray(t.curve)) fail(`trials[${i}].curve`, 'an array');
    if (!t.trajectory || !Array.isArray(t.trajectory.epoch)) fail(`trials[${i}].trajectory`, 'arrays by hyperparameter');
  });
  return v as StudyResults;
}
