import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../../errors.js';
import { augmentImage, validateAugment, type AugmentOptions } from './augment.js';
import type { ImageDataset } from './dataset.js';
import type { ChannelStats } from './normalize.js';
import { createRng, mixSeed, permutation } from './rng.js';

/** Options of a {@link BatchIterator}. */
export interface BatchIteratorOptions {
  /** Normalisation (from the training split: {@link channelStats}). */
  stats: ChannelStats;
  /** Seed of the per-epoch shuffles and of the augmentation. */
  seed: number;
  /** Reshuffle every epoch (default true; false for evaluation). */
  shuffle?: boolean;
  /** Augmentation (default none). */
  augment?: AugmentOptions;
  /** Skip an epoch's last batch when it is smaller than asked (PyTorch `drop_last`; default false). */
  dropLast?: boolean;
  /** Also return one-hot float32 labels (default false). */
  oneHot?: boolean;
}

/** A batch as host arrays: `x` is `[size, H, W, C]` float32 normalised, `labels` int32. */
export interface HostBatch {
  x: Float32Array;
  labels: Int32Array;
  size: number;
  /** Rows of the dataset in this batch. */
  indices: Int32Array;
  /** The epoch the batch belongs to (0-based). */
  epoch: number;
}

/** A batch as tensors; dispose it (or its tensors) after use. */
export interface Batch {
  /** `[size, H, W, C]` float32. */
  x: tf.Tensor4D;
  /** `[size]` int32 class indices. */
  labels: tf.Tensor1D;
  /** `[size, classes]` float32, when `oneHot` was asked for. */
  oneHot?: tf.Tensor2D;
  size: number;
  indices: Int32Array;
  epoch: number;
  dispose(): void;
}

/** Where an iterator stands: enough to resume it exactly (checkpoints). */
export interface BatchIteratorState {
  epoch: number;
  position: number;
  samplesSeen: number;
}

/**
 * Serves a dataset in batches whose size is chosen per call — so a batch-size schedule can drive
 * it — with a seeded shuffle per epoch and seeded augmentation.
 *
 * Randomness is keyed by (seed, epoch, position in the epoch), not by how many batches were drawn:
 * the image at a given place of a given epoch is augmented the same way whatever batch sizes led
 * there, and restoring `state()` resumes the exact stream.
 *
 * @example
 * ```ts
 * import { BatchIterator, channelStats, REFERENCE_AUGMENT } from 'hyperschedule/node';
 * // const it = new BatchIterator(train, { stats: channelStats(train), seed: 42, augment: REFERENCE_AUGMENT });
 * // for (let b = it.next(64); b; b = it.next(64)) { ...; b.dispose(); }
 * // it.nextEpoch();
 * ```
 */
export class BatchIterator {
  private order: Int32Array;
  private epochIndex = 0;
  private pos = 0;
  private seen = 0;
  private readonly opts: Required<Omit<BatchIteratorOptions, 'augment'>> & { augment: AugmentOptions };

  constructor(
    readonly dataset: ImageDataset,
    options: BatchIteratorOptions,
  ) {
    if (!Number.isInteger(options.seed)) throw new HyperscheduleError('batches.seed', options.seed, 'an integer');
    const { stats } = options;
    for (const key of ['mean', 'std'] as const) {
      const arr = stats[key];
      if (arr.length !== dataset.channels || arr.some((v) => !Number.isFinite(v) || (key === 'std' && v <= 0))) {
        throw new HyperscheduleError(
          `batches.stats.${key}`,
          arr,
          `${dataset.channels} finite numbers${key === 'std' ? ' > 0' : ''}`,
        );
      }
    }
    if (dataset.count === 0) throw new HyperscheduleError(`${dataset.name}.count`, 0, 'at least one image');
    this.opts = {
      stats,
      seed: options.seed,
      shuffle: options.shuffle ?? true,
      augment: validateAugment(options.augment ?? { crop: 'none' }),
      dropLast: options.dropLast ?? false,
      oneHot: options.oneHot ?? false,
    };
    this.order = this.orderFor(0);
  }

  /** Current epoch, 0-based. */
  get epoch(): number {
    return this.epochIndex;
  }

  /** Images already served in the current epoch. */
  get position(): number {
    return this.pos;
  }

  /** Images served since the start, over all epochs. */
  get samplesSeen(): number {
    return this.seen;
  }

  /** Images left in the current epoch. */
  get remaining(): number {
    return this.dataset.count - this.pos;
  }

  /** Batches of `batchSize` left in this epoch (counting a short last one unless `dropLast`). */
  batchesLeft(batchSize: number): number {
    const r = this.remaining;
    return this.opts.dropLast ? Math.floor(r / batchSize) : Math.ceil(r / batchSize);
  }

  /**
   * The next `batchSize` images of this epoch as host arrays, or undefined when the epoch is done
   * (nothing left, or with `dropLast` fewer than `batchSize`). The last batch may be smaller.
   */
  nextHost(batchSize: number): HostBatch | undefined {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new HyperscheduleError('batchSize', batchSize, 'an integer >= 1');
    }
    const left = this.remaining;
    if (left === 0 || (this.opts.dropLast && left < batchSize)) return undefined;
    const size = Math.min(batchSize, left);
    const ds = this.dataset;
    const per = ds.height * ds.width * ds.channels;
    const x = new Float32Array(size * per);
    const labels = new Int32Array(size);
    const indices = this.order.slice(this.pos, this.pos + size);
    const shape = { height: ds.height, width: ds.width, channels: ds.channels };
    for (let i = 0; i < size; i++) {
      const row = indices[i]!;
      labels[i] = ds.labels[row]!;
      const rng = createRng(mixSeed(this.opts.seed, this.epochIndex, this.pos + i));
      augmentImage(ds.images, row * per, shape, x, i * per, this.opts.augment, this.opts.stats, rng);
    }
    this.pos += size;
    this.seen += size;
    return { x, labels, size, indices, epoch: this.epochIndex };
  }

  /** {@link nextHost} as tensors (`x` `[B,H,W,C]` float32, `labels` int32, optional one-hot). */
  next(batchSize: number): Batch | undefined {
    const host = this.nextHost(batchSize);
    if (!host) return undefined;
    const ds = this.dataset;
    const x = tf.tensor4d(host.x, [host.size, ds.height, ds.width, ds.channels], 'float32');
    const labels = tf.tensor1d(host.labels, 'int32');
    let oneHot: tf.Tensor2D | undefined;
    if (this.opts.oneHot) {
      const k = ds.classNames.length;
      const hot = new Float32Array(host.size * k);
      host.labels.forEach((l, i) => {
        hot[i * k + l] = 1;
      });
      oneHot = tf.tensor2d(hot, [host.size, k], 'float32');
    }
    return {
      x,
      labels,
      ...(oneHot && { oneHot }),
      size: host.size,
      indices: host.indices,
      epoch: host.epoch,
      dispose: () => {
        x.dispose();
        labels.dispose();
        oneHot?.dispose();
      },
    };
  }

  /** Moves to the start of the next epoch (a fresh shuffle). */
  nextEpoch(): void {
    this.epochIndex += 1;
    this.pos = 0;
    this.order = this.orderFor(this.epochIndex);
  }

  /**
   * All remaining batches of the current epoch; `batchSize` may be a function, read before each
   * batch (a batch-size schedule). Does not advance the epoch.
   */
  *epochBatches(batchSize: number | (() => number)): Generator<Batch> {
    for (;;) {
      const b = this.next(typeof batchSize === 'function' ? batchSize() : batchSize);
      if (!b) return;
      yield b;
    }
  }

  /** Where the iterator stands (for checkpoints). */
  state(): BatchIteratorState {
    return { epoch: this.epochIndex, position: this.pos, samplesSeen: this.seen };
  }

  /** Returns to a state from {@link state} (same dataset, seed and options). */
  restore(state: BatchIteratorState): void {
    const { epoch, position, samplesSeen } = state;
    if (!Number.isInteger(epoch) || epoch < 0) throw new HyperscheduleError('batches.state.epoch', epoch, 'an integer >= 0');
    if (!Number.isInteger(position) || position < 0 || position > this.dataset.count) {
      throw new HyperscheduleError('batches.state.position', position, `an integer in [0, ${this.dataset.count}]`);
    }
    if (!Number.isInteger(samplesSeen) || samplesSeen < 0) {
      throw new HyperscheduleError('batches.state.samplesSeen', samplesSeen, 'an integer >= 0');
    }
    this.epochIndex = epoch;
    this.pos = position;
    this.seen = samplesSeen;
    this.order = this.orderFor(epoch);
  }

  private orderFor(epoch: number): Int32Array {
    const n = this.dataset.count;
    if (!this.opts.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return permutation(n, mixSeed(this.opts.seed, epoch, 0x5eed));
  }
}
