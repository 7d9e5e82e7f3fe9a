import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { HyperscheduleError } from 'hyperschedule';
import type { ImageDataset } from './dataset.js';
import { DatasetError } from './errors.js';

/**
 * Side of a CIFAR-10 image in pixels.
 *
 * @example
 * ```ts
 * import { CIFAR10_SIZE } from './cifar10.js';
 * CIFAR10_SIZE; // 32
 * ```
 */
export const CIFAR10_SIZE = 32;
/**
 * Bytes per record of the binary format: one label byte, then 1024 R, 1024 G, 1024 B bytes.
 *
 * @example
 * ```ts
 * import { CIFAR10_RECORD_BYTES } from './cifar10.js';
 * CIFAR10_RECORD_BYTES; // 3073
 * ```
 */
export const CIFAR10_RECORD_BYTES = 1 + 3 * CIFAR10_SIZE * CIFAR10_SIZE;
/**
 * Records in each `.bin` file of the official format (five training batches and the test batch).
 *
 * @example
 * ```ts
 * import { CIFAR10_RECORDS_PER_FILE } from './cifar10.js';
 * CIFAR10_RECORDS_PER_FILE; // 10000
 * ```
 */
export const CIFAR10_RECORDS_PER_FILE = 10_000;
/**
 * Class names in label order (as in `batches.meta.txt`).
 *
 * @example
 * ```ts
 * import { CIFAR10_CLASSES } from './cifar10.js';
 * CIFAR10_CLASSES[3]; // 'cat'
 * ```
 */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];
/**
 * The official binary archive and its published size and MD5.
 *
 * @example
 * ```ts
 * import { CIFAR10_ARCHIVE } from './cifar10.js';
 * CIFAR10_ARCHIVE.md5; // 'c32a1d4ab5d03f1284b67883e8d87530'
 * ```
 */
export const CIFAR10_ARCHIVE = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  fileName: 'cifar-10-binary.tar.gz',
  bytes: 170_052_171,
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  /** The folder the archive unpacks to. */
  folder: 'cifar-10-batches-bin',
} as const;
/**
 * Training batch file names of the official format, in order.
 *
 * @example
 * ```ts
 * import { CIFAR10_TRAIN_FILES } from './cifar10.js';
 * CIFAR10_TRAIN_FILES[0]; // 'data_batch_1.bin'
 * ```
 */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
/**
 * Test batch file name.
 *
 * @example
 * ```ts
 * import { CIFAR10_TEST_FILE } from './cifar10.js';
 * CIFAR10_TEST_FILE; // 'test_batch.bin'
 * ```
 */
export const CIFAR10_TEST_FILE = 'test_batch.bin';

/**
 * Decodes one file of the CIFAR-10 binary format into labels and channels-last pixels.
 * Refuses a length that is not a whole number of records (truncated), a record count other than
 * `expectedRecords` when given (a file cut at a record boundary: `truncated`; longer: `corrupt`),
 * and label bytes above 9 (corrupt, or not a CIFAR-10 file).
 *
 * @example
 * ```ts
 * import { parseCifar10Batch, CIFAR10_RECORD_BYTES } from './cifar10.js';
 * const { count } = parseCifar10Batch(new Uint8Array(2 * CIFAR10_RECORD_BYTES), 'two-black-planes');
 * count; // 2
 * ```
 */
export function parseCifar10Batch(
  bytes: Uint8Array,
  source: string,
  expectedRecords?: number,
): { count: number; images: Uint8Array; labels: Uint8Array } {
  if (expectedRecords !== undefined && !(Number.isInteger(expectedRecords) && expectedRecords >= 1)) {
    throw new HyperscheduleError('recordsPerFile', expectedRecords, 'an integer >= 1');
  }
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
    throw new DatasetError(
      'truncated',
      `${source}: ${bytes.length} bytes is not a whole number of CIFAR-10 records ` +
        `(${CIFAR10_RECORD_BYTES} bytes each; ${whole} whole + ${bytes.length - whole * CIFAR10_RECORD_BYTES} extra). ` +
        'The file is truncated or not in the CIFAR-10 binary format: replace it with a fresh copy.',
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  if (expectedRecords !== undefined && count !== expectedRecords) {
    throw new DatasetError(
      count < expectedRecords ? 'truncated' : 'corrupt',
      `${source}: holds ${count} CIFAR-10 records, expected ${expectedRecords} ` +
        `(the official files hold ${CIFAR10_RECORDS_PER_FILE} each). The file is ${count < expectedRecords ? 'truncated' : 'not the one expected'}: ` +
        'replace it with a fresh copy.',
    );
  }
  const plane = CIFAR10_SIZE * CIFAR10_SIZE;
  const images = new Uint8Array(count * plane * 3);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const rec = n * CIFAR10_RECORD_BYTES;
    const label = bytes[rec]!;
    if (label >= CIFAR10_CLASSES.length) {
      throw new DatasetError(
        'corrupt',
        `${source}: record ${n} has label byte ${label}, expected 0-9. The file is corrupt or not ` +
          'in the CIFAR-10 binary format: replace it with a fresh copy.',
      );
    }
    labels[n] = label;
    // Planar (all R, all G, all B) -> interleaved HWC, so tensors come out [B, 32, 32, 3].
    const out = n * plane * 3;
    for (let p = 0; p < plane; p++) {
      images[out + 3 * p] = bytes[rec + 1 + p]!;
      images[out + 3 * p + 1] = bytes[rec + 1 + plane + p]!;
      images[out + 3 * p + 2] = bytes[rec + 1 + 2 * plane + p]!;
    }
  }
  return { count, images, labels };
}

/**
 * Finds the folder holding the `.bin` files: `dir` itself, or `dir/cifar-10-batches-bin`.
 * Returns undefined when neither holds `test_batch.bin` and at least one `data_batch_N.bin`
 * (of any kind: {@link loadCifar10Dir} says which one is not a regular file).
 *
 * @example
 * ```ts
 * import { findCifar10Dir } from './cifar10.js';
 * findCifar10Dir('../shared/data/cifar10-subset'); // '.../cifar10-subset/cifar-10-batches-bin'
 * ```
 */
export function findCifar10Dir(dir: string): string | undefined {
  for (const candidate of [join(dir, CIFAR10_ARCHIVE.folder), dir]) {
    const hasTest = existsSync(join(candidate, CIFAR10_TEST_FILE));
    const hasTrain = CIFAR10_TRAIN_FILES.some((f) => existsSync(join(candidate, f)));
    if (hasTest && hasTrain) return resolve(candidate);
  }
  return undefined;
}

/**
 * Refuses a batch path that is not a regular file (a directory in place of `data_batch_2.bin`
 * would otherwise be skipped, leaving fewer images).
 */
function checkRegularFile(path: string): void {
  const stats = statSync(path);
  if (stats.isFile()) return;
  throw new DatasetError(
    'corrupt',
    `${path} is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}, not a CIFAR-10 batch file. ` +
      `Replace it with the file from ${CIFAR10_ARCHIVE.fileName}.`,
  );
}

/**
 * The training files present, which must be `data_batch_1.bin` up to some `data_batch_N.bin`
 * without a gap: a missing middle batch would silently leave a fifth of the images out.
 */
function trainFilesIn(dir: string): string[] {
  const present = CIFAR10_TRAIN_FILES.filter((f) => existsSync(join(dir, f)));
  const gap = CIFAR10_TRAIN_FILES.findIndex((f) => !present.includes(f));
  if (gap !== -1 && gap < present.length) {
    const later = present.find((f) => CIFAR10_TRAIN_FILES.indexOf(f) > gap)!;
    throw new DatasetError(
      'missing',
      `${join(dir, CIFAR10_TRAIN_FILES[gap]!)} is missing but ${later} is present: the training batches must be ` +
        'data_batch_1.bin up to data_batch_N.bin without gaps. Copy the missing file, or remove the later ones.',
    );
  }
  return present;
}

/** Options of {@link loadCifar10Dir} and the archive and download steps that check the files. */
export interface Cifar10ReadOptions {
  /**
   * Records each `.bin` file must hold (default {@link CIFAR10_RECORDS_PER_FILE}, the official
   * 10,000): a file cut at a record boundary is refused, not read as fewer images. Tests with small
   * synthetic files set it.
   */
  recordsPerFile?: number;
}

/** The train and test sets of a CIFAR-10 folder. */
export interface Cifar10Data {
  train: ImageDataset;
  test: ImageDataset;
  /** The folder the `.bin` files were read from. */
  dir: string;
  /** Training files that were present and read (the subset here has only `data_batch_1.bin`). */
  trainFiles: string[];
}

/**
 * Reads CIFAR-10 from a folder in the official binary format (`dir` or `dir/cifar-10-batches-bin`):
 * the `data_batch_N.bin` present become the training set (in order; `data_batch_1.bin` up to some
 * N, no gaps), `test_batch.bin` the test set. Every file must be a regular file holding
 * `recordsPerFile` records (default 10,000): nothing is silently read as fewer images. Class
 * names come from `batches.meta.txt` when present.
 *
 * @example
 * ```ts
 * import { loadCifar10Dir } from './cifar10.js';
 * const { train, test } = await loadCifar10Dir('../shared/data/cifar10-subset');
 * train.count; // 10000 (one batch file in the subset)
 * ```
 */
export async function loadCifar10Dir(dir: string, options: Cifar10ReadOptions = {}): Promise<Cifar10Data> {
  const records = options.recordsPerFile ?? CIFAR10_RECORDS_PER_FILE;
  const found = findCifar10Dir(dir);
  if (!found) {
    throw new DatasetError(
      'missing',
      `No CIFAR-10 binary files in ${resolve(dir)} (looked for ${CIFAR10_TEST_FILE} and data_batch_1..5.bin ` +
        `there and in ${CIFAR10_ARCHIVE.folder}/). Point --data-dir or CIFAR10_DIR at the folder that ` +
        `${CIFAR10_ARCHIVE.fileName} unpacks to.`,
    );
  }
  const trainFiles = trainFilesIn(found);
  for (const file of [...trainFiles, CIFAR10_TEST_FILE]) checkRegularFile(join(found, file));
  const classNames = readClassNames(found);
  const read = async (file: string) => parseCifar10Batch(new Uint8Array(await readFile(join(found, file))), join(found, file), records);
  const parts = await Promise.all(trainFiles.map(read));
  const test = await read(CIFAR10_TEST_FILE);
  const trainCount = parts.reduce((n, p) => n + p.count, 0);
  const per = CIFAR10_SIZE * CIFAR10_SIZE * 3;
  const images = new Uint8Array(trainCount * per);
  const labels = new Uint8Array(trainCount);
  let offset = 0;
  for (const p of parts) {
    images.set(p.images, offset * per);
    labels.set(p.labels, offset);
    offset += p.count;
  }
  const base = { height: CIFAR10_SIZE, width: CIFAR10_SIZE, channels: 3, classNames };
  return {
    dir: found,
    trainFiles,
    train: { ...base, name: 'cifar10-train', count: trainCount, images, labels },
    test: { ...base, name: 'cifar10-test', count: test.count, images: test.images, labels: test.labels },
  };
}

function readClassNames(dir: string): readonly string[] {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return CIFAR10_CLASSES;
  const names = readFileSync(meta, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return names.length === CIFAR10_CLASSES.length ? names : CIFAR10_CLASSES;
}

/**
 * True when `name` is one of the official CIFAR-10 `.bin` file names.
 *
 * @example
 * ```ts
 * import { isCifar10BinName } from './cifar10.js';
 * isCifar10BinName('cifar-10-batches-bin/test_batch.bin'); // true
 * ```
 */
export function isCifar10BinName(name: string): boolean {
  const b = basename(name);
  return b === CIFAR10_TEST_FILE || CIFAR10_TRAIN_FILES.includes(b);
}
