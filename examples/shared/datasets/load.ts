import { HyperscheduleError } from 'hyperschedule';
import { loadCifar10Dir } from './cifar10.js';
import type { ImageDataset } from './dataset.js';
import { describeNetworkError } from './download.js';
import { DatasetError } from './errors.js';
import { loadMnistFallback, type MnistFallbackOptions } from './mnist.js';
import { obtainCifar10, type ObtainCifar10Options } from './obtain.js';

/** Which dataset to load: `auto` = CIFAR-10 when present or downloadable, else the bundled MNIST. */
export type DatasetChoice = 'auto' | 'cifar10' | 'mnist';

/** Options of {@link loadImageDataset}. */
export interface LoadImageDatasetOptions extends ObtainCifar10Options {
  dataset?: DatasetChoice;
  mnist?: MnistFallbackOptions;
}

/** A loaded train/test pair and a one-line description of where it came from. */
export interface LoadedDataset {
  name: 'cifar10' | 'mnist';
  train: ImageDataset;
  test: ImageDataset;
  /** One line for the console, e.g. `dataset: CIFAR-10 from /data/cifar-10-batches-bin (10000 train, 10000 test)`. */
  description: string;
  /** Set when `auto` fell back to MNIST: why CIFAR-10 was not used. */
  fallbackReason?: string;
}

/** Codes for which `auto` falls back instead of failing: the data is absent, not broken. */
const FALLBACK_CODES = new Set(['offline', 'http', 'interrupted', 'missing']);

/**
 * Loads the study's dataset. `cifar10` finds or downloads CIFAR-10 ({@link obtainCifar10}) and
 * fails with a message saying how to supply it; `mnist` loads the bundled digits; `auto` (default)
 * tries CIFAR-10 and, when it is absent or unreachable, uses MNIST and says so in
 * `description`. A CIFAR-10 that is present but broken (checksum, truncated, corrupt) or an
 * explicit `dataDir`/`CIFAR10_DIR` that holds none is always an error, never a silent fallback.
 *
 * @example
 * ```ts
 * import { loadImageDataset } from './load.js';
 * const data = await loadImageDataset({ dataset: 'auto', dataDir: process.env.DATA_DIR });
 * console.log(data.description);
 * ```
 */
export async function loadImageDataset(opts: LoadImageDatasetOptions = {}): Promise<LoadedDataset> {
  const choice = opts.dataset ?? 'auto';
  if (choice !== 'auto' && choice !== 'cifar10' && choice !== 'mnist') {
    throw new HyperscheduleError('dataset', choice, "'auto', 'cifar10' or 'mnist'");
  }
  if (choice === 'mnist') return mnist(opts, undefined);
  const env = opts.env ?? process.env;
  const explicit = Boolean(opts.dataDir || env.CIFAR10_DIR);
  try {
    const where = await obtainCifar10(opts);
    const { train, test, dir } = await loadCifar10Dir(where.dir, opts.recordsPerFile !== undefined ? { recordsPerFile: opts.recordsPerFile } : {});
    return {
      name: 'cifar10',
      train,
      test,
      description: `dataset: CIFAR-10 from ${dir} (${train.count} train, ${test.count} test; ${where.source})`,
    };
  } catch (err) {
    const absent = err instanceof DatasetError && FALLBACK_CODES.has(err.code) && !(explicit && err.code === 'missing');
    if (choice === 'cifar10' || !absent) throw err;
    return mnist(opts, shortReason(err));
  }
}

async function mnist(opts: LoadImageDatasetOptions, reason: string | undefined): Promise<LoadedDataset> {
  const { train, test } = await loadMnistFallback(opts.mnist);
  const shape = `${train.height}x${train.width}x${train.channels}`;
  const base = `dataset: MNIST digits bundled with the install (${train.count} train, ${test.count} test, padded to ${shape})`;
  return {
    name: 'mnist',
    train,
    test,
    description: reason
      ? `${base} because CIFAR-10 is not available (${reason}); for CIFAR-10 pass --data-dir <dir> or set CIFAR10_DIR`
      : base,
    ...(reason !== undefined && { fallbackReason: reason }),
  };
}

function shortReason(err: DatasetError): string {
  const cause = (err as Error & { cause?: unknown }).cause;
  if (err.code === 'offline' && cause instanceof DatasetError) return cause.message;
  if (err.code === 'offline' && cause) return describeNetworkError(cause);
  // First sentence only: the hint is given once, at the end of the line.
  return err.message.split(/\.\s/)[0] ?? err.message;
}
