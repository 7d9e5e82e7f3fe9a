import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CIFAR_DIR, loadFlatImages } from '../../../examples/shared/data.js';
import { loadCifar10Dir } from '../../../examples/shared/datasets/cifar10.js';
import { needCifarSubset } from '../helpers.js';

const HAVE_CIFAR_SUBSET = needCifarSubset();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Per-channel mean and std of an [n, side*side*c] HWC-flattened matrix. */
function channelMoments(values: Float32Array, channels: number): { mean: number[]; std: number[] } {
  const mean = Array.from({ length: channels }, (_, k) => {
    let s = 0;
    for (let i = k; i < values.length; i += channels) s += values[i]!;
    return s / (values.length / channels);
  });
  const std = mean.map((m, k) => {
    let s = 0;
    for (let i = k; i < values.length; i += channels) s += (values[i]! - m) ** 2;
    return Math.sqrt(s / (values.length / channels));
  });
  return { mean, std };
}

describe('examples/shared/data', () => {
  // The CIFAR-10 subset lives next to the repository (../shared); without it there is nothing to compare.
  it.skipIf(!HAVE_CIFAR_SUBSET)('pools CIFAR-10 to side x side by block averages, standardised with the training statistics', async () => {
    const data = await loadFlatImages({ dataset: 'cifar10', side: 8, trainSize: 300, testSize: 50, seed: 3 });
    expect(data.dataset).toBe('cifar10');
    expect(data.train.xs.shape).toEqual([300, 192]);
    expect(data.test.xs.shape).toEqual([50, 192]);
    expect(data.train.ys.shape).toEqual([300, 10]);
    const xs = data.train.xs.dataSync() as Float32Array;
    const { mean, std } = channelMoments(xs, 3);
    mean.forEach((m) => expect(m).toBeCloseTo(0, 4));
    std.forEach((s) => expect(s).toBeCloseTo(1, 3));
    const raw = await loadCifar10Dir(DEFAULT_CIFAR_DIR);
    const labels = Array.from(data.train.ys.argMax(1).dataSync());
    expect(labels).toEqual(Array.from(data.train.labels));
    // Undo the standardisation of image 0 and compare every 4x4 block average with some raw image's.
    const stats = data.channelStats;
    const row = Array.from(xs.subarray(0, 192)).map((v, i) => v * stats.std[i % 3]! + stats.mean[i % 3]!);
    const blockMeans = (img: number): number[] => {
      const out: number[] = [];
      for (let by = 0; by < 8; by++) for (let bx = 0; bx < 8; bx++) for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) s += raw.train.images[img * 3072 + ((by * 4 + y) * 32 + bx * 4 + x) * 3 + c]!;
        out.push(s / 16 / 255);
      }
      return out;
    };
    let found = false;
    for (let img = 0; img < raw.train.count && !found; img++) {
      if (raw.train.labels[img] !== data.train.labels[0]) continue;
      const b = blockMeans(img);
      if (b.every((v, i) => Math.abs(v - row[i]!) < 1e-3)) found = true;
    }
    expect(found).toBe(true);
    data.dispose();
  });

  it('uses the bundled MNIST when asked, and refuses a named folder without CIFAR-10 instead of falling back', async () => {
    const data = await loadFlatImages({ dataset: 'mnist', side: 4, trainSize: 100, testSize: 20 });
    expect(data.dataset).toBe('mnist');
    expect(data.description).toMatch(/^data: MNIST/);
    expect(data.train.xs.shape).toEqual([100, 48]);
    data.dispose();
    await expect(loadFlatImages({ dataDir: '/nonexistent-cifar-folder' })).rejects.toThrow(/nonexistent-cifar-folder/);
    await expect(loadFlatImages({ side: 5 })).rejects.toThrow(/side/);
  });
});
