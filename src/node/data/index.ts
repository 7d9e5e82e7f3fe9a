/**
 * Datasets for the ViT study: CIFAR-10 (official binary format; from a folder, the cache, or a
 * resumable, checksum-verified download), the bundled MNIST fallback, and the pipeline (seeded
 * split, channel statistics, augmentation, batches of any size).
 *
 * @example
 * ```ts
 * import { loadImageDataset, splitTrainVal, channelStats, BatchIterator, REFERENCE_AUGMENT } from 'hyperschedule/node';
 * const data = await loadImageDataset({ dataset: 'auto' });
 * const { train, val } = splitTrainVal(data.train, { valFraction: 0.1, seed: 42 });
 * const it = new BatchIterator(train, { stats: channelStats(train), seed: 42, augment: REFERENCE_AUGMENT });
 * ```
 * @packageDocumentation
 */
export * from './errors.js';
export * from './rng.js';
export * from './dataset.js';
export * from './cifar10.js';
export * from './tar.js';
export * from './archive.js';
export * from './cache.js';
export * from './download.js';
export * from './obtain.js';
export * from './mnist.js';
export * from './load.js';
export * from './split.js';
export * from './normalize.js';
export * from './augment.js';
export * from './batches.js';
