/**
 * The study's data pipeline for one run: the dataset (CIFAR-10 or the bundled MNIST digits), an
 * optional seeded subset, the seeded 90/10 train/val split, per-channel statistics of the training
 * split, and host-side batch assembly (augmentation, normalisation) from row indices.
 */
import { PADDED_CROP_AUGMENT, REFERENCE_AUGMENT, augmentImage, type AugmentOptions } from '../shared/datasets/augment.js';
import { loadCifar10Dir } from '../shared/datasets/cifar10.js';
import { sampleRows, type ImageDataset } from '../shared/datasets/dataset.js';
import { loadImageDataset } from '../shared/datasets/load.js';
import { loadMnistFallback } from '../shared/datasets/mnist.js';
import { channelStats, type ChannelStats } from '../shared/datasets/normalize.js';
import { obtainCifar10 } from '../shared/datasets/obtain.js';
import { createRng, mixSeed, permutation } from '../shared/rng.js';
import { splitTrainVal } from '../shared/datasets/split.js';
import type { RunConfig } from './config.js';
import { dataCounts } from './data-counts.js';

/**
 * The data of one run.
 *
 * @example
 * ```ts
 * import type { RunData } from './data.js';
 * const sizes = (d: RunData) => [d.train.count, d.val.count, d.test.count];
 * ```
 */
export interface RunData {
  readonly name: 'cifar10' | 'mnist';
  readonly description: string;
  readonly train: ImageDataset;
  readonly val: ImageDataset;
  readonly test: ImageDataset;
  readonly stats: ChannelStats;
}

/**
 * Where the dataset of a comparison comes from, resolved once by the parent process and handed to
 * every trial: CIFAR-10 in a folder, or the bundled MNIST digits.
 *
 * @example
 * ```ts
 * import type { DatasetSource } from './data.js';
 * const s: DatasetSource = { dataset: 'cifar10', dataDir: '../shared/data/cifar10-subset', description: 'CIFAR-10 ...' };
 * ```
 */
export interface DatasetSource {
  readonly dataset: 'cifar10' | 'mnist';
  readonly dataDir?: string;
  readonly description: string;
  /** Images in its training and test sets (before any subset); absent on a dry run, which loads nothing. */
  readonly available?: { readonly train: number; readonly test: number };
}

/**
 * Finds the dataset for a comparison: `mnist`; `cifar10` (from `dataDir`, `$CIFAR10_DIR`, the cache
 * or a download — an error when none works); or `auto`, which falls back to the bundled MNIST
 * digits and says why in its description.
 *
 * @example
 * ```ts
 * import { resolveDatasetSource } from './data.js';
 * const src = await resolveDatasetSource({ dataset: 'mnist' });
 * src.dataset; // 'mnist'
 * ```
 */
export async function resolveDatasetSource(opts: { dataset: 'auto' | 'cifar10' | 'mnist'; dataDir?: string; download?: boolean }): Promise<DatasetSource> {
  const loaded = await loadImageDataset({
    dataset: opts.dataset,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.download === false ? { download: false } : {}),
    progress: process.stderr.isTTY === true,
  });
  const available = { train: loaded.train.count, test: loaded.test.count };
  if (loaded.name === 'mnist') return { dataset: 'mnist', description: loaded.description, available };
  // Present now (given, cached or just downloaded): find its folder again for the workers.
  const { dir } = await obtainCifar10({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), download: false });
  return { dataset: 'cifar10', dataDir: dir, description: loaded.description, available };
}

const AUGMENTS: Record<RunConfig['augment'], AugmentOptions> = {
  reference: REFERENCE_AUGMENT,
  padded: PADDED_CROP_AUGMENT,
  none: { crop: 'none' },
};

/**
 * The augmentation named in a run config.
 *
 * @example
 * ```ts
 * import { augmentOf } from './data.js';
 * augmentOf('reference').crop; // 'random-resized'
 * ```
 */
export function augmentOf(name: RunConfig['augment']): AugmentOptions {
  return AUGMENTS[name];
}

/**
 * Loads the data of a run: the dataset, a seeded subset of `trainSize` training images (before
 * the split) and `testSize` test images, the 90/10 split seeded with `dataSeed` (the study: 42) and
 * the training split's channel statistics.
 *
 * @example
 * ```ts
 * import { parseRunConfig } from './config.js';
 * import { loadRunData } from './data.js';
 * const data = await loadRunData(parseRunConfig({ variant: 'constant', peakLr: 1e-3, dataset: 'mnist', trainSize: 1000, testSize: 500 }));
 * [data.train.count, data.val.count, data.test.count]; // [900, 100, 500]
 * ```
 */
export async function loadRunData(config: RunConfig): Promise<RunData> {
  let train: ImageDataset;
  let test: ImageDataset;
  let description: string;
  if (config.dataset === 'mnist') {
    ({ train, test } = await loadMnistFallback());
    description = 'MNIST digits bundled with the install';
  } else {
    const { dir } = await obtainCifar10({ ...(config.dataDir ? { dataDir: config.dataDir } : {}), download: false });
    ({ train, test } = await loadCifar10Dir(dir));
    description = `CIFAR-10 from ${dir}`;
  }
  // The counts the parent printed (data-counts.ts): the same rule decides what is sampled here.
  const counts = dataCounts(config, { train: train.count, test: test.count });
  const pool = counts.pool < train.count ? sampleRows(train, counts.pool, config.dataSeed) : train;
  const testSet = counts.test < test.count ? sampleRows(test, counts.test, config.dataSeed + 1) : test;
  const split = splitTrainVal(pool, { valFraction: config.valFraction, seed: config.dataSeed });
  return { name: config.dataset, description, train: split.train, val: split.val, test: testSet, stats: channelStats(split.train) };
}

/**
 * The order of the training images in epoch `epoch` (a fresh seeded shuffle per epoch, so a
 * resumed run sees the same order).
 *
 * @example
 * ```ts
 * import { epochOrder } from './data.js';
 * epochOrder(10, 1, 0).length; // 10
 * ```
 */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return Array.from(permutation(count, mixSeed(seed, epoch, 0x5eed)));
}

/**
 * Assembles a batch on the host: rows `rows` of `ds`, augmented (seeded by seed, epoch and row, so
 * the same image gets the same crop whatever the batch sizes) and normalised.
 *
 * @example
 * ```ts
 * import { hostBatch } from './data.js';
 * // const { x, labels } = hostBatch(data.train, [0, 1, 2], { stats: data.stats, augment: { crop: 'none' }, seed: 1, epoch: 0 });
 * ```
 */
export function hostBatch(
  ds: ImageDataset,
  rows: readonly number[],
  opts: { stats: ChannelStats; augment: AugmentOptions; seed: number; epoch: number },
): { x: Float32Array; labels: Int32Array } {
  const per = ds.height * ds.width * ds.channels;
  const x = new Float32Array(rows.length * per);
  const labels = new Int32Array(rows.length);
  const shape = { height: ds.height, width: ds.width, channels: ds.channels };
  rows.forEach((row, i) => {
    labels[i] = ds.labels[row]!;
    augmentImage(ds.images, row * per, shape, x, i * per, opts.augment, opts.stats, createRng(mixSeed(opts.seed, opts.epoch, row)));
  });
  return { x, labels };
}
