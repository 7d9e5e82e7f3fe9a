import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { augmentImage, PADDED_CROP_AUGMENT, randomResizedCropBox, REFERENCE_AUGMENT, type AugmentOptions } from '../../../../examples/shared/datasets/augment.js';
import { classCounts, sampleRows, type ImageDataset } from '../../../../examples/shared/datasets/dataset.js';
import { channelStats } from '../../../../examples/shared/datasets/normalize.js';
import { createRng, permutation } from '../../../../examples/shared/rng.js';
import { splitTrainVal } from '../../../../examples/shared/datasets/split.js';
import { HyperscheduleError } from '../../../../src/errors.js';

/** A small dataset whose image i has every byte derived from (i, position) so rows are traceable. */
function toyDataset(count: number, side = 8, channels = 3): ImageDataset {
  const per = side * side * channels;
  const images = new Uint8Array(count * per);
  const rng = createRng(99);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'toy', height: side, width: side, channels, count, images, labels, classNames: [...'0123456789'] };
}

const UNIT: { mean: number[]; std: number[] } = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }; // output = raw byte value

describe('seeded PRNG and permutations', () => {
  it('permutation(n, seed) is a permutation of 0..n-1 and depends only on the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -1e9, max: 1e9 }), (n, seed) => {
        const p = permutation(n, seed);
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect([...permutation(n, seed)]).toEqual([...p]);
      }),
      { numRuns: 60 },
    );
  });

  it('different seeds give different streams; uniform draws stay in [0, 1)', () => {
    const a = createRng(1);
    const b = createRng(2);
    const xs = Array.from({ length: 1000 }, () => a.next());
    const ys = Array.from({ length: 1000 }, () => b.next());
    expect(xs).not.toEqual(ys);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('rejects a non-integer seed', () => {
    expect(() => createRng(1.5)).toThrowError(HyperscheduleError);
  });
});

describe('splitTrainVal', () => {
  const ds = toyDataset(1000);

  it('splits 90/10, disjoint and covering, identical for the same seed', () => {
    const a = splitTrainVal(ds, { valFraction: 0.1, seed: 42 });
    const b = splitTrainVal(ds, { valFraction: 0.1, seed: 42 });
    expect([a.train.count, a.val.count]).toEqual([900, 100]);
    expect(Buffer.from(a.train.images).equals(Buffer.from(b.train.images))).toBe(true);
    expect(Buffer.from(a.val.images).equals(Buffer.from(b.val.images))).toBe(true);
    // Rows are traceable by their first bytes: together they are exactly the original rows.
    const per = 8 * 8 * 3;
    const key = (d: ImageDataset, i: number) => Buffer.from(d.images.subarray(i * per, (i + 1) * per)).toString('hex');
    const original = new Set(Array.from({ length: ds.count }, (_, i) => key(ds, i)));
    const got = [...Array.from({ length: 900 }, (_, i) => key(a.train, i)), ...Array.from({ length: 100 }, (_, i) => key(a.val, i))];
    expect(new Set(got).size).toBe(1000);
    for (const k of got) expect(original.has(k)).toBe(true);
    expect(classCounts(a.train).reduce((s, c) => s + c, 0) + classCounts(a.val).reduce((s, c) => s + c, 0)).toBe(1000);
  });

  it('a different seed gives a different split', () => {
    const a = splitTrainVal(ds, { seed: 1 });
    const b = splitTrainVal(ds, { seed: 2 });
    expect(Buffer.from(a.val.images).equals(Buffer.from(b.val.images))).toBe(false);
  });

  it('rejects fractions outside (0, 1)', () => {
    for (const f of [0, 1, -0.1, Number.NaN]) expect(() => splitTrainVal(ds, { valFraction: f, seed: 1 })).toThrowError(HyperscheduleError);
  });
});

describe('channelStats', () => {
  it('matches a direct per-channel mean and population std', () => {
    const ds = toyDataset(50, 4);
    const stats = channelStats(ds);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (let i = c; i < ds.images.length; i += 3) values.push(ds.images[i]! / 255);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      expect(stats.mean[c]).toBeCloseTo(mean, 10);
      expect(stats.std[c]).toBeCloseTo(std, 10);
    }
  });

  it('gives a constant channel std 1 instead of 0 (no division by zero later)', () => {
    const ds = { ...toyDataset(3, 2, 1), images: new Uint8Array(12).fill(9) };
    expect(channelStats(ds)).toEqual({ mean: [9 / 255], std: [1] });
  });
});

describe('augmentation', () => {
  const side = 8;
  const one = toyDataset(1, side).images;
  const run = (aug: AugmentOptions, seed: number, src = one, shape = { height: side, width: side, channels: 3 }) => {
    const out = new Float32Array(shape.height * shape.width * shape.channels);
    augmentImage(src, 0, shape, out, 0, aug, UNIT, createRng(seed));
    return out;
  };
  const mirror = (img: Float32Array | Uint8Array) => {
    const out = new Float32Array(img.length);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = img[(y * side + side - 1 - x) * 3 + c]!;
    return out;
  };

  it('normalises as (pixel/255 - mean) / std', () => {
    const out = new Float32Array(side * side * 3);
    augmentImage(one, 0, { height: side, width: side, channels: 3 }, out, 0, { crop: 'none' }, { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }, createRng(0));
    for (let i = 0; i < 12; i++) {
      const c = i % 3;
      const expected = (one[i]! / 255 - [0.5, 0.25, 0][c]!) / [0.5, 0.25, 2][c]!;
      expect(out[i]).toBeCloseTo(expected, 5);
    }
  });

  it('flip alone gives the image or its mirror, both seen over seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const out = run({ crop: 'none', flip: true }, seed);
      const same = out.every((v, i) => v === one[i]);
      const mirrored = out.every((v, i) => v === mirror(one)[i]);
      expect(same || mirrored).toBe(true);
      seen.add(same ? 'same' : 'mirror');
    }
    expect(seen).toEqual(new Set(['same', 'mirror']));
  });

  it('a random-resized crop of scale 1 and ratio 1 is the identity (bilinear at the same size is exact)', () => {
    const out = run({ crop: 'random-resized', scale: [1, 1], ratio: [1, 1] }, 5);
    expect([...out]).toEqual([...one]);
  });

  it('a padded crop of pad 0 is the identity; with pad, every output pixel is a source pixel or black', () => {
    expect([...run({ crop: 'padded', pad: 0 }, 3)]).toEqual([...one]);
    const values = new Set(one);
    for (let seed = 0; seed < 10; seed++) {
      for (const v of run({ crop: 'padded', pad: 2 }, seed)) expect(v === 0 || values.has(v)).toBe(true);
    }
  });

  it('RandomResizedCrop boxes stay inside the image with area and aspect in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 8, max: 64 }), (seed, size) => {
        const box = randomResizedCropBox(size, size, [0.8, 1], [0.9, 1.1], createRng(seed));
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.top + box.height).toBeLessThanOrEqual(size);
        expect(box.left + box.width).toBeLessThanOrEqual(size);
        // Rounding w and h to integers moves area and ratio by at most about one pixel per side.
        const area = (box.width * box.height) / (size * size);
        expect(area).toBeGreaterThanOrEqual(0.8 * (1 - 2 / size) ** 2 - 1e-9);
        const ratio = box.width / box.height;
        expect(ratio).toBeGreaterThanOrEqual(0.9 * (1 - 1 / size) / (1 + 1 / size) - 1e-9);
        expect(ratio).toBeLessThanOrEqual((1.1 * (1 + 1 / size)) / (1 - 1 / size) + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('is determined by the seed and varies with it', () => {
    for (const aug of [REFERENCE_AUGMENT, PADDED_CROP_AUGMENT]) {
      expect([...run(aug, 11)]).toEqual([...run(aug, 11)]);
      const distinct = new Set(Array.from({ length: 8 }, (_, s) => run(aug, s).join(',')));
      expect(distinct.size).toBeGreaterThan(1);
    }
  });

  it('stays within the source value range (bilinear mixes, never extrapolates)', () => {
    const lo = Math.min(...one);
    const hi = Math.max(...one);
    for (let seed = 0; seed < 20; seed++) {
      for (const v of run(REFERENCE_AUGMENT, seed)) {
        expect(v).toBeGreaterThanOrEqual(lo - 1e-4);
        expect(v).toBeLessThanOrEqual(hi + 1e-4);
      }
    }
  });
});

describe('sampleRows', () => {
  const ds = toyDataset(103);

  it('sampleRows takes a seeded subset without repeats', () => {
    const a = sampleRows(ds, 20, 5);
    expect(a.count).toBe(20);
    expect(Buffer.from(a.images).equals(Buffer.from(sampleRows(ds, 20, 5).images))).toBe(true);
  });
});
