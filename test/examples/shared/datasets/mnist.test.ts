import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classCounts } from '../../../../examples/shared/datasets/dataset.js';
import { loadImageDataset } from '../../../../examples/shared/datasets/load.js';
import { DatasetError } from '../../../../examples/shared/datasets/errors.js';
import { loadMnistFallback } from '../../../../examples/shared/datasets/mnist.js';
import { CIFAR_SUBSET, needCifarSubset } from '../../helpers.js';

const mnistDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
const digits = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data);

const made: string[] = [];
const tempCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-c-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the MNIST reader never yields fewer digits than the package holds', () => {
  /** A copy of the package folder whose digit files link to the real ones, except those given. */
  const packageWith = (replaced: Record<number, string>): string => {
    const dir = tempCache();
    mkdirSync(join(dir, 'src', 'digits'), { recursive: true });
    for (let d = 0; d < 10; d++) {
      const path = join(dir, 'src', 'digits', `${d}.json`);
      if (replaced[d] !== undefined) writeFileSync(path, replaced[d]!);
      else symlinkSync(join(mnistDir, 'src', 'digits', `${d}.json`), path);
    }
    return dir;
  };

  it('refuses a digit file cut at a digit boundary, naming it with the expected and found counts', async () => {
    const fives = digits[5]!.length / 784;
    const dir = packageWith({ 5: JSON.stringify({ data: digits[5]!.slice(0, (fives - 1) * 784) }) });
    const error = await loadMnistFallback({ packageDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('truncated');
    expect((error as Error).message).toContain(`${join(dir, 'src', 'digits', '5.json')}: holds ${fives - 1} digits, expected ${fives}`);
  });

  it('refuses values that are not numbers in [0, 1], naming the file and the index', async () => {
    const data = digits[2]!.slice();
    data[1000] = 'x' as unknown as number;
    const error = await loadMnistFallback({ packageDir: packageWith({ 2: JSON.stringify({ data }) }) }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('corrupt');
    expect((error as Error).message).toMatch(/2\.json: value 1000 is "x", expected a number in \[0, 1\]/);
  });
});

describe('bundled MNIST fallback', () => {
  let loaded: Awaited<ReturnType<typeof loadMnistFallback>>;
  beforeAll(async () => {
    loaded = await loadMnistFallback();
  });

  it('holds all 10,000 digits of the package, 8,000/2,000, shaped like CIFAR-10', () => {
    const { train, test } = loaded;
    expect(train.count + test.count).toBe(digits.reduce((n, d) => n + d.length / 784, 0));
    expect([train.count, test.count]).toEqual([8000, 2000]);
    expect([train.height, train.width, train.channels]).toEqual([32, 32, 3]);
    const total = classCounts(train).map((c, i) => c + classCounts(test)[i]!);
    expect(total).toEqual(digits.map((d) => d.length / 784));
  });

  it('pads each 28x28 digit with a 2-pixel black border and copies grey to R, G, B', () => {
    const { train } = loaded;
    const per = 32 * 32 * 3;
    let greyMismatch = 0;
    let borderInk = 0;
    let innerInk = 0;
    for (let n = 0; n < train.count; n++) {
      const img = train.images.subarray(n * per, (n + 1) * per);
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const o = (y * 32 + x) * 3;
          if (img[o] !== img[o + 1] || img[o] !== img[o + 2]) greyMismatch++;
          if (y < 2 || y >= 30 || x < 2 || x >= 30) borderInk += img[o]!;
          else innerInk += img[o]!;
        }
      }
    }
    expect(greyMismatch).toBe(0);
    expect(borderInk).toBe(0);
    expect(innerInk).toBeGreaterThan(0);
  });

  it('keeps the pixel values of the source digits (found among that class in the package)', async () => {
    const { train } = await loadMnistFallback({ channels: 1, size: 28 });
    const per = 784;
    for (const n of [0, 1, 2, 3, 4]) {
      const label = train.labels[n]!;
      const img = train.images.subarray(n * per, (n + 1) * per);
      const source = digits[label]!;
      let found = false;
      for (let s = 0; s < source.length && !found; s += per) {
        found = img.every((v, i) => v === Math.round(source[s + i]! * 255));
      }
      expect(found).toBe(true);
    }
  });

  it('auto falls back to it offline and says so in one line with how to supply CIFAR-10', async () => {
    const offlineFetch = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND www.cs.toronto.edu' } });
    }) as unknown as typeof fetch;
    const data = await loadImageDataset({ dataset: 'auto', env: {}, cacheDir: tempCache(), fetch: offlineFetch, progress: false });
    expect(data.name).toBe('mnist');
    expect(data.description.split('\n')).toHaveLength(1);
    expect(data.description).toMatch(/MNIST/);
    expect(data.description).toMatch(/ENOTFOUND/);
    expect(data.description).toMatch(/--data-dir/);
    expect(data.description).toMatch(/CIFAR10_DIR/);
  });

  it('cifar10 explicitly requested offline fails with the offline message instead', async () => {
    const offlineFetch = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(
      loadImageDataset({ dataset: 'cifar10', env: {}, cacheDir: tempCache(), fetch: offlineFetch, progress: false }),
    ).rejects.toMatchObject({ code: 'offline' });
  });

  it.skipIf(!needCifarSubset())('auto uses CIFAR-10 when --data-dir has it', async () => {
    const data = await loadImageDataset({ dataset: 'auto', dataDir: CIFAR_SUBSET, env: {} });
    expect(data.name).toBe('cifar10');
    expect(data.description).toMatch(/CIFAR-10 from .*cifar-10-batches-bin/);
  });
});
