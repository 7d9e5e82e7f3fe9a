import { HyperscheduleError } from 'hyperschedule';
import type { ImageDataset } from './dataset.js';

/** Per-channel mean and standard deviation in `[0, 1]` pixel units (torchvision's `Normalize` convention). */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/**
 * Per-channel mean and (population) standard deviation of a dataset's pixels, scaled to `[0, 1]`.
 * Compute it on the training split only. A constant channel gets std 1 so normalising never
 * divides by zero.
 *
 * @example
 * ```ts
 * import { channelStats } from './normalize.js';
 * // channelStats(train); // e.g. { mean: [0.491, 0.482, 0.447], std: [0.247, 0.243, 0.261] } on CIFAR-10
 * ```
 */
export function channelStats(ds: ImageDataset): ChannelStats {
  const c = ds.channels;
  if (ds.count === 0) throw new HyperscheduleError(`${ds.name}.count`, 0, 'at least one image');
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const img = ds.images;
  for (let i = 0; i < img.length; i += c) {
    for (let ch = 0; ch < c; ch++) {
      const v = img[i + ch]!;
      sum[ch]! += v;
      sumSq[ch]! += v * v;
    }
  }
  const n = img.length / c;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const m = sum[ch]! / n;
    const variance = Math.max(0, sumSq[ch]! / n - m * m);
    mean.push(m / 255);
    const s = Math.sqrt(variance) / 255;
    std.push(s > 1e-8 ? s : 1);
  }
  return { mean, std };
}
