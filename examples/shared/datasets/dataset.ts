import { HyperscheduleError } from 'hyperschedule';
import { permutation } from '../rng.js';

/**
 * A labelled image dataset held in memory as bytes: `images` is `count x height x width x channels`
 * in channels-last (HWC) order, one `uint8` per pixel channel; `labels[i]` is the class of image i.
 * Everything downstream (split, statistics, augmentation, batches) works on this shape.
 *
 * @example
 * ```ts
 * import type { ImageDataset } from './dataset.js';
 * const ds: ImageDataset = { name: 'demo', height: 1, width: 1, channels: 3, count: 1,
 *   images: new Uint8Array([255, 0, 0]), labels: new Uint8Array([0]), classNames: ['red'] };
 * ```
 */
export interface ImageDataset {
  readonly name: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly count: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly classNames: readonly string[];
}

/**
 * A new dataset made of the given rows, in the given order (copies the bytes).
 *
 * @example
 * ```ts
 * import { selectRows } from './dataset.js';
 * // const firstTen = selectRows(train, Int32Array.from({ length: 10 }, (_, i) => i), 'train[:10]');
 * ```
 */
export function selectRows(ds: ImageDataset, rows: ArrayLike<number>, name = ds.name): ImageDataset {
  const per = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(rows.length * per);
  const labels = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= ds.count) {
      throw new HyperscheduleError(`${name}.rows[${i}]`, r, `an integer in [0, ${ds.count})`);
    }
    images.set(ds.images.subarray(r * per, (r + 1) * per), i * per);
    labels[i] = ds.labels[r]!;
  }
  return { ...ds, name, count: rows.length, images, labels };
}

/**
 * A seeded random subset of `n` images (without replacement), e.g. to run the study on a slice.
 *
 * @example
 * ```ts
 * import { sampleRows } from './dataset.js';
 * // const small = sampleRows(train, 2000, 42);
 * ```
 */
export function sampleRows(ds: ImageDataset, n: number, seed: number): ImageDataset {
  if (!Number.isInteger(n) || n < 0 || n > ds.count) {
    throw new HyperscheduleError(`${ds.name}.sample.n`, n, `an integer in [0, ${ds.count}]`);
  }
  if (n === ds.count) return ds;
  return selectRows(ds, permutation(ds.count, seed).subarray(0, n), `${ds.name}[${n}]`);
}

/**
 * Images per class, indexed by label.
 *
 * @example
 * ```ts
 * import { classCounts } from './dataset.js';
 * // classCounts(cifarTrain); // [1000, 1000, ...] for the CIFAR-10 subset
 * ```
 */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]!]! += 1;
  return counts;
}
