import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CIFAR10_CLASSES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
  findCifar10Dir,
  loadCifar10Dir,
  parseCifar10Batch,
} from '../../../../examples/shared/datasets/cifar10.js';
import { classCounts } from '../../../../examples/shared/datasets/dataset.js';
import { DatasetError } from '../../../../examples/shared/datasets/errors.js';
import { CIFAR_SUBSET, needCifarSubset } from '../../helpers.js';
import { syntheticCifarBytes } from './helpers.js';

const HAVE_CIFAR_SUBSET = needCifarSubset();

describe('parseCifar10Batch (format)', () => {
  it('turns the R, G, B planes of each record into interleaved HWC pixels', () => {
    const bytes = syntheticCifarBytes(3, 1);
    const { count, images, labels } = parseCifar10Batch(bytes, 'synthetic');
    expect(count).toBe(3);
    expect([...labels]).toEqual([0, 1, 2]);
    for (let n = 0; n < 3; n++) {
      for (const [row, col] of [[0, 0], [0, 31], [31, 0], [17, 5]] as const) {
        for (let ch = 0; ch < 3; ch++) {
          // Official layout: record n starts at n*3073; byte 0 is the label; channel planes of 1024.
          const raw = bytes[n * CIFAR10_RECORD_BYTES + 1 + ch * 1024 + row * 32 + col];
          expect(images[n * 3072 + (row * 32 + col) * 3 + ch]).toBe(raw);
        }
      }
    }
  });

  it('refuses a truncated file, naming it and the record size', () => {
    const bytes = syntheticCifarBytes(2, 2).subarray(0, 2 * CIFAR10_RECORD_BYTES - 100);
    expect(() => parseCifar10Batch(bytes, '/data/data_batch_1.bin')).toThrowError(DatasetError);
    try {
      parseCifar10Batch(bytes, '/data/data_batch_1.bin');
    } catch (e) {
      expect((e as DatasetError).code).toBe('truncated');
      expect((e as Error).message).toMatch(/data_batch_1\.bin/);
      expect((e as Error).message).toMatch(/3073/);
    }
  });

  it('refuses an empty file', () => {
    expect(() => parseCifar10Batch(new Uint8Array(0), 'empty.bin')).toThrowError(/not a whole number/);
  });

  it('refuses a label byte outside 0-9 as corrupt, naming the record', () => {
    const bytes = syntheticCifarBytes(4, 3);
    bytes[2 * CIFAR10_RECORD_BYTES] = 200;
    try {
      parseCifar10Batch(bytes, 'bad.bin');
      expect.unreachable();
    } catch (e) {
      expect((e as DatasetError).code).toBe('corrupt');
      expect((e as Error).message).toMatch(/record 2 has label byte 200/);
    }
  });
});

describe('loadCifar10Dir (folders)', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const makeDir = (files: Record<string, Uint8Array>, nested: boolean): string => {
    const root = mkdtempSync(join(tmpdir(), 'hs-cifar-'));
    made.push(root);
    const dir = nested ? join(root, 'cifar-10-batches-bin') : root;
    mkdirSync(dir, { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    return root;
  };

  it('accepts the folder itself or its parent, and concatenates data batches in order', async () => {
    const b1 = syntheticCifarBytes(20, 10);
    const b2 = syntheticCifarBytes(20, 11);
    const test = syntheticCifarBytes(20, 12);
    for (const nested of [true, false]) {
      const root = makeDir({ 'data_batch_1.bin': b1, 'data_batch_2.bin': b2, 'test_batch.bin': test }, nested);
      const data = await loadCifar10Dir(root, { recordsPerFile: 20 });
      expect(data.trainFiles).toEqual(['data_batch_1.bin', 'data_batch_2.bin']);
      expect(data.train.count).toBe(40);
      expect(data.test.count).toBe(20);
      // Record 0 of the second file is training image 20.
      expect(data.train.images[20 * 3072]).toBe(b2[1]);
      expect(data.train.classNames).toEqual(CIFAR10_CLASSES);
    }
  });

  it('says where it looked and how to point at the data when nothing is there', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(1, 1) }, true); // no test_batch.bin
    expect(findCifar10Dir(root)).toBeUndefined();
    await expect(loadCifar10Dir(root)).rejects.toThrowError(/test_batch\.bin.*--data-dir or CIFAR10_DIR/s);
  });

  it('refuses a truncated batch file in the folder', async () => {
    const root = makeDir(
      { 'data_batch_1.bin': syntheticCifarBytes(5, 1).subarray(0, 4000), 'test_batch.bin': syntheticCifarBytes(5, 2) },
      true,
    );
    await expect(loadCifar10Dir(root, { recordsPerFile: 5 })).rejects.toMatchObject({ code: 'truncated' });
  });
});

describe('loadCifar10Dir never yields fewer images than the folder should hold', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const makeDir = (files: Record<string, Uint8Array | 'dir'>): string => {
    const root = mkdtempSync(join(tmpdir(), 'hs-cifar-count-'));
    made.push(root);
    for (const [name, data] of Object.entries(files)) {
      if (data === 'dir') mkdirSync(join(root, name));
      else writeFileSync(join(root, name), data);
    }
    return root;
  };
  const error = async (promise: Promise<unknown>) => {
    const e = await promise.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  };

  it('holds the official 10,000 records per file unless told otherwise', () => {
    expect(CIFAR10_RECORDS_PER_FILE).toBe(10_000);
  });

  it('refuses a batch file cut at a record boundary, naming it with the expected and found counts', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(8, 1), 'data_batch_2.bin': syntheticCifarBytes(7, 2), 'test_batch.bin': syntheticCifarBytes(8, 3) });
    const e = await error(loadCifar10Dir(root, { recordsPerFile: 8 }));
    expect(e.code).toBe('truncated');
    expect(e.message).toContain(join(root, 'data_batch_2.bin'));
    expect(e.message).toMatch(/holds 7 CIFAR-10 records, expected 8/);
  });

  it('refuses a small file where the official format has 10,000 records (the default)', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(3, 1), 'test_batch.bin': syntheticCifarBytes(3, 2) });
    const e = await error(loadCifar10Dir(root));
    expect(e.message).toMatch(/data_batch_1\.bin: holds 3 CIFAR-10 records, expected 10000/);
  });

  it('refuses a file with more records than expected', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(4, 1), 'test_batch.bin': syntheticCifarBytes(5, 2) });
    const e = await error(loadCifar10Dir(root, { recordsPerFile: 4 }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/test_batch\.bin: holds 5 CIFAR-10 records, expected 4/);
  });

  it('refuses a directory in place of a batch file, naming it', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(2, 1), 'data_batch_2.bin': 'dir', 'test_batch.bin': syntheticCifarBytes(2, 3) });
    const e = await error(loadCifar10Dir(root, { recordsPerFile: 2 }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain(`${join(root, 'data_batch_2.bin')} is a directory, not a CIFAR-10 batch file`);
  });

  it('refuses a directory in place of test_batch.bin, naming it', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(2, 1), 'test_batch.bin': 'dir' });
    const e = await error(loadCifar10Dir(root, { recordsPerFile: 2 }));
    expect(e.message).toContain(`${join(root, 'test_batch.bin')} is a directory, not a CIFAR-10 batch file`);
  });

  it('refuses a gap in the training batches (data_batch_1 and _3 without _2)', async () => {
    const root = makeDir({ 'data_batch_1.bin': syntheticCifarBytes(2, 1), 'data_batch_3.bin': syntheticCifarBytes(2, 2), 'test_batch.bin': syntheticCifarBytes(2, 3) });
    const e = await error(loadCifar10Dir(root, { recordsPerFile: 2 }));
    expect(e.code).toBe('missing');
    expect(e.message).toMatch(/data_batch_2\.bin is missing but data_batch_3\.bin is present/);
  });
});

describe.skipIf(!HAVE_CIFAR_SUBSET)('loadCifar10Dir on the real CIFAR-10 subset', () => {
  it('reads 10,000 train and 10,000 test images, 1,000 per class, 32x32x3', async () => {
    const data = await loadCifar10Dir(CIFAR_SUBSET);
    for (const ds of [data.train, data.test]) {
      expect(ds.count).toBe(10_000);
      expect([ds.height, ds.width, ds.channels]).toEqual([32, 32, 3]);
      expect(ds.images.length).toBe(10_000 * 3072);
      expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
    }
    expect(data.train.classNames).toEqual(CIFAR10_CLASSES);
  });

  it('places pixels as the official layout says (checked against the raw bytes)', async () => {
    const data = await loadCifar10Dir(CIFAR_SUBSET);
    const raw = readFileSync(join(data.dir, 'test_batch.bin'));
    for (const n of [0, 1, 4999, 9999]) {
      expect(data.test.labels[n]).toBe(raw[n * CIFAR10_RECORD_BYTES]);
      for (const p of [0, 33, 1023]) {
        for (let ch = 0; ch < 3; ch++) {
          expect(data.test.images[n * 3072 + p * 3 + ch]).toBe(raw[n * CIFAR10_RECORD_BYTES + 1 + ch * 1024 + p]);
        }
      }
    }
  });

  it('decodes natural images: horizontally adjacent pixels are far more alike than random pairs', async () => {
    // A photo is smooth; a layout bug (planes read as interleaved, rows/columns swapped with
    // channels) destroys that, making neighbours no more alike than random pixels.
    const { train } = await loadCifar10Dir(CIFAR_SUBSET);
    let adjacent = 0;
    let random = 0;
    let k = 12345;
    for (let i = 0; i < 500; i++) {
      const img = train.images.subarray(i * 3072, (i + 1) * 3072);
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 31; x++) {
          for (let c = 0; c < 3; c++) {
            adjacent += Math.abs(img[(y * 32 + x) * 3 + c]! - img[(y * 32 + x + 1) * 3 + c]!);
            k = (k * 1103515245 + 12345) % 2147483648;
            random += Math.abs(img[(y * 32 + x) * 3 + c]! - img[(k % 1024) * 3 + c]!);
          }
        }
      }
    }
    expect(adjacent / random).toBeLessThan(0.5);
  });
});
