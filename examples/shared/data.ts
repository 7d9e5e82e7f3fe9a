/**
 * Real image data for the small examples: the CIFAR-10 subset in `../shared/data/cifar10-subset`
 * (or `CIFAR10_DIR`, or `dataDir`), else the MNIST digits bundled with the `mnist` package,
 * average-pooled to a small side and flattened, standardised per channel with the training set's
 * statistics. Small enough that an MLP trains on it in seconds on the wasm or cpu backend.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { HyperscheduleError } from 'hyperschedule';
import { findCifar10Dir } from './datasets/cifar10.js';
import { sampleRows, type ImageDataset } from './datasets/dataset.js';
import { loadImageDataset } from './datasets/load.js';

/** Where the CIFAR-10 subset sits when the repository is checked out next to `shared/`. */
export const DEFAULT_CIFAR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/cifar10-subset');

/** A split as tensors: `xs` `[n, features]` float32, `ys` one-hot `[n, classes]`, `labels` on the host. */
export interface FlatSplit {
  readonly xs: tf.Tensor2D;
  readonly ys: tf.Tensor2D;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** What {@link loadFlatImages} returns. Call `dispose()` when done. */
export interface FlatImages {
  readonly dataset: 'cifar10' | 'mnist';
  /** One line for the console: which data, how many images, what shape. */
  readonly description: string;
  readonly side: number;
  readonly features: number;
  readonly classes: number;
  readonly train: FlatSplit;
  readonly test: FlatSplit;
  /** Per-channel mean and std of the pooled training pixels (in [0, 1]) that both splits were standardised with. */
  readonly channelStats: { readonly mean: readonly number[]; readonly std: readonly number[] };
  dispose(): void;
}

/** Options of {@link loadFlatImages}. */
export interface LoadFlatOptions {
  /** `auto` (default): CIFAR-10 when found (a `dataDir` or `CIFAR10_DIR` given must hold it), else MNIST. */
  readonly dataset?: 'auto' | 'cifar10' | 'mnist';
  /** Folder holding `cifar-10-batches-bin/` (default: `CIFAR10_DIR`, else {@link DEFAULT_CIFAR_DIR}). */
  readonly dataDir?: string;
  /** Side after average pooling; divides 32 (default 8: 8x8x3 = 192 features). */
  readonly side?: number;
  /** Seeded subset of the training images (default: all). */
  readonly trainSize?: number;
  /** Seeded subset of the test images (default: all). */
  readonly testSize?: number;
  /** Seed of the subsets (default 0). */
  readonly seed?: number;
}

/**
 * Loads, pools, standardises and flattens the example data (see the module comment). Tensors are
 * created on the active backend: select it first.
 *
 * @example
 * ```ts
 * const data = await loadFlatImages({ side: 8, trainSize: 2000 });
 * console.log(data.description); // data: CIFAR-10 subset ... 2000 train, 10000 test, 8x8x3 -> 192 features
 * data.dispose();
 * ```
 */
export async function loadFlatImages(opts: LoadFlatOptions = {}): Promise<FlatImages> {
  const side = opts.side ?? 8;
  if (!Number.isInteger(side) || side < 1 || 32 % side !== 0) throw new HyperscheduleError('side', side, 'an integer dividing 32 (1, 2, 4, 8, 16, 32)');
  const choice = opts.dataset ?? 'auto';
  if (choice !== 'auto' && choice !== 'cifar10' && choice !== 'mnist') throw new HyperscheduleError('dataset', choice, "'auto', 'cifar10' or 'mnist'");
  const explicit = opts.dataDir ?? process.env.CIFAR10_DIR;
  const dir = explicit ?? DEFAULT_CIFAR_DIR;
  // Only the default location may be absent: a folder the user named must hold CIFAR-10 (the loader says so).
  const haveCifar = explicit !== undefined || (existsSync(dir) && findCifar10Dir(dir) !== undefined);
  let loaded: { name: 'cifar10' | 'mnist'; train: ImageDataset; test: ImageDataset; why: string };
  if (choice === 'cifar10' || (choice === 'auto' && haveCifar)) {
    const d = await loadImageDataset({ dataset: 'cifar10', dataDir: dir });
    loaded = { name: 'cifar10', train: d.train, test: d.test, why: `CIFAR-10 from ${dir}` };
  } else {
    const d = await loadImageDataset({ dataset: 'mnist' });
    const reason = choice === 'mnist' ? 'as asked' : `no CIFAR-10 in ${dir}`;
    loaded = { name: 'mnist', train: d.train, test: d.test, why: `MNIST digits bundled with the mnist package (${reason})` };
  }
  const seed = opts.seed ?? 0;
  const train = opts.trainSize !== undefined && opts.trainSize < loaded.train.count ? sampleRows(loaded.train, opts.trainSize, seed) : loaded.train;
  const test = opts.testSize !== undefined && opts.testSize < loaded.test.count ? sampleRows(loaded.test, opts.testSize, seed + 1) : loaded.test;
  const trainPooled = pool(train, side);
  const { mean, std } = channelMoments(trainPooled, train.channels);
  const classes = train.classNames.length;
  const features = side * side * train.channels;
  const toSplit = (ds: ImageDataset, pooled: Float32Array): FlatSplit => {
    standardise(pooled, train.channels, mean, std);
    return {
      xs: tf.tensor2d(pooled, [ds.count, features]),
      ys: tf.tidy(() => tf.oneHot(tf.tensor1d(ds.labels, 'int32'), classes).toFloat()) as tf.Tensor2D,
      labels: ds.labels,
      count: ds.count,
    };
  };
  const trainSplit = toSplit(train, trainPooled);
  const testSplit = toSplit(test, pool(test, side));
  return {
    dataset: loaded.name,
    description: `data: ${loaded.why}: ${train.count} train, ${test.count} test images, ${train.height}x${train.width}x${train.channels} pooled to ${side}x${side}x${train.channels} = ${features} features`,
    side,
    features,
    classes,
    train: trainSplit,
    test: testSplit,
    channelStats: { mean, std },
    dispose: () => tf.dispose([trainSplit.xs, trainSplit.ys, testSplit.xs, testSplit.ys]),
  };
}

/** Average-pools HWC uint8 images to `side x side`, values in [0, 1]. */
function pool(ds: ImageDataset, side: number): Float32Array {
  const f = ds.height / side;
  const c = ds.channels;
  const out = new Float32Array(ds.count * side * side * c);
  const per = ds.height * ds.width * c;
  const scale = 1 / (f * f * 255);
  for (let n = 0; n < ds.count; n++) {
    const base = n * per;
    const outBase = n * side * side * c;
    for (let y = 0; y < ds.height; y++) {
      const oy = Math.floor(y / f);
      for (let x = 0; x < ds.width; x++) {
        const o = outBase + (oy * side + Math.floor(x / f)) * c;
        const i = base + (y * ds.width + x) * c;
        for (let k = 0; k < c; k++) out[o + k]! += ds.images[i + k]! * scale;
      }
    }
  }
  return out;
}

function channelMoments(values: Float32Array, channels: number): { mean: number[]; std: number[] } {
  const sum = new Array<number>(channels).fill(0);
  const sq = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    sum[i % channels]! += v;
    sq[i % channels]! += v * v;
  }
  const n = values.length / channels;
  const mean = sum.map((s) => s / n);
  const std = sq.map((s, k) => Math.sqrt(Math.max(s / n - mean[k]! ** 2, 1e-12)));
  return { mean, std };
}

function standardise(values: Float32Array, channels: number, mean: number[], std: number[]): void {
  for (let i = 0; i < values.length; i++) values[i] = (values[i]! - mean[i % channels]!) / std[i % channels]!;
}
