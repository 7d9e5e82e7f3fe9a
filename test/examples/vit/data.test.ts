/**
 * The study's host-side batches: each epoch a fresh seeded order of every image, an image
 * augmented the same way wherever it falls in a batch (so a batch-size schedule does not change
 * what the model sees), and batches normalised with the training statistics.
 */
import { describe, expect, it } from 'vitest';
import { PADDED_CROP_AUGMENT, REFERENCE_AUGMENT } from '../../../examples/shared/datasets/augment.js';
import type { ImageDataset } from '../../../examples/shared/datasets/dataset.js';
import { channelStats } from '../../../examples/shared/datasets/normalize.js';
import { createRng } from '../../../examples/shared/rng.js';
import { epochOrder, hostBatch } from '../../../examples/vit/data.js';

function toyDataset(count: number, side = 8, channels = 3): ImageDataset {
  const images = new Uint8Array(count * side * side * channels);
  const rng = createRng(99);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'toy', height: side, width: side, channels, count, images, labels, classNames: [...'0123456789'] };
}

describe('epochOrder', () => {
  it('is a permutation of every image, the same for the same seed and epoch, new each epoch', () => {
    const first = epochOrder(103, 1, 0);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(epochOrder(103, 1, 0)).toEqual(first);
    expect(epochOrder(103, 1, 1)).not.toEqual(first);
    expect(epochOrder(103, 2, 0)).not.toEqual(first);
  });
});

describe('hostBatch', () => {
  const ds = toyDataset(103);
  const stats = channelStats(ds);
  const per = 8 * 8 * 3;

  it('augments an image the same way whatever batch it is in and wherever it sits there', () => {
    const order = epochOrder(ds.count, 7, 3);
    const opts = { stats, augment: REFERENCE_AUGMENT, seed: 7, epoch: 3 };
    const whole = hostBatch(ds, order, opts).x;
    const pieces: number[] = [];
    for (let start = 0, k = 0; start < order.length; k++) {
      const rows = order.slice(start, start + [7, 13, 1][k % 3]!);
      start += rows.length;
      pieces.push(...hostBatch(ds, rows, opts).x);
    }
    expect(pieces).toEqual([...whole]);
    const reversed = hostBatch(ds, [...order].reverse(), opts).x;
    expect([...reversed.subarray(0, per)]).toEqual([...whole.subarray((order.length - 1) * per)]);
    // Another epoch draws other crops.
    expect([...hostBatch(ds, order, { ...opts, epoch: 4 }).x]).not.toEqual([...whole]);
  });

  it('returns the rows\' labels, and without augmentation about zero mean and unit std per channel', () => {
    const big = toyDataset(400);
    const rows = epochOrder(big.count, 1, 0);
    const { x, labels } = hostBatch(big, rows, { stats: channelStats(big), augment: { crop: 'none' }, seed: 1, epoch: 0 });
    expect([...labels]).toEqual(rows.map((r) => big.labels[r]!));
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let s2 = 0;
      let n = 0;
      for (let i = c; i < x.length; i += 3, n++) {
        s += x[i]!;
        s2 += x[i]! * x[i]!;
      }
      expect(Math.abs(s / n)).toBeLessThan(1e-3);
      expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 3);
    }
  });

  it('padded crops keep the batch shape', () => {
    const { x, labels } = hostBatch(ds, [0, 1, 2], { stats, augment: PADDED_CROP_AUGMENT, seed: 1, epoch: 0 });
    expect(x.length).toBe(3 * per);
    expect(labels.length).toBe(3);
  });
});
