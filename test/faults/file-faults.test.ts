/**
 * Fault injection on checkpoint files of real runs: the newest file damaged on disk in many ways
 * (a flipped byte anywhere, cut at any length, emptied, deleted, trailing garbage, another format
 * in its place, a folder in its place). `readCheckpointFile` must return the previous good file
 * and say why the newest was not used, and restoring it must give exactly the state it was saved
 * from. With both files damaged nothing is returned, so nothing is restored.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { restoreCheckpoint, saveCheckpoint } from '../../src/integrations/checkpoint.js';
import { readCheckpointFile, writeCheckpointFile } from '../../src/node/checkpoint-file.js';
import { OPTIMIZERS, buildRun, snapshot, trainedRun } from './runs.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-faults-files-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(OPTIMIZERS)('%s: the newest checkpoint file damaged', (kind) => {
  const path = join(dir, kind, 'checkpoint.bin');
  let good: Buffer;
  let newest: Buffer;
  let stateOfGood: unknown;

  beforeAll(async () => {
    const run = trainedRun(kind, 5, 4);
    await writeCheckpointFile(path, await saveCheckpoint(run.targets));
    stateOfGood = await snapshot(run, { names: false });
    for (let i = 0; i < 3; i++) run.step();
    await writeCheckpointFile(path, await saveCheckpoint(run.targets));
    run.dispose();
    good = readFileSync(`${path}.prev`);
    newest = readFileSync(path);
  });

  /** Puts the damaged newest file in place; the reader must fall back to the previous one, which restores exactly. */
  const expectPreviousRestored = async (damage: () => void, reason: RegExp) => {
    writeFileSync(`${path}.prev`, good);
    rmSync(path, { recursive: true, force: true });
    writeFileSync(path, newest);
    damage();
    const read = await readCheckpointFile(path);
    expect(read?.file).toBe(`${path}.prev`);
    expect(read?.refused?.reason).toMatch(reason);
    const target = buildRun(kind, 9);
    await restoreCheckpoint(read!.checkpoint, target.targets);
    expect(await snapshot(target, { names: false })).toEqual(stateOfGood);
    target.dispose();
  };

  test('property: a byte flipped anywhere falls back to the previous checkpoint, restored exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(newest.length - 1), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const bad = Buffer.from(newest);
        bad[at]! ^= mask;
        await expectPreviousRestored(() => writeFileSync(path, bad), /^is refused \(checkpoint\.(magic|format|byteLength|sha256)/);
      }),
      { numRuns: 15 },
    );
  });

  test('property: cut at any length falls back to the previous checkpoint, restored exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(newest.length - 1), async (length) => {
        await expectPreviousRestored(() => writeFileSync(path, newest.subarray(0, length)), /truncated/);
      }),
      { numRuns: 10 },
    );
  });

  const damages: [string, () => void, RegExp][] = [
    ['emptied', () => writeFileSync(path, ''), /truncated/],
    ['deleted', () => rmSync(path), /^is missing$/],
    ['with trailing garbage', () => writeFileSync(path, Buffer.concat([newest, Buffer.from('garbage')])), /7 trailing bytes/],
    ['replaced by JSON', () => writeFileSync(path, JSON.stringify({ version: 1 })), /checkpoint\.magic/],
    ['replaced by a folder', () => { rmSync(path); mkdirSync(path); }, /^cannot be read/],
  ];
  test.each(damages)('%s: falls back to the previous checkpoint, restored exactly', async (_name, damage, reason) => {
    await expectPreviousRestored(damage, reason);
  });

  test('both files damaged: an error naming both, and nothing to restore', async () => {
    rmSync(path, { recursive: true, force: true });
    writeFileSync(path, newest.subarray(0, 100));
    const bad = Buffer.from(good);
    bad[good.length - 1]! ^= 1;
    writeFileSync(`${path}.prev`, bad);
    const error = await readCheckpointFile(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HyperscheduleError);
    expect((error as Error).message).toContain(`${path} is refused (checkpoint.byteLength`);
    expect((error as Error).message).toContain(`${path}.prev is refused (checkpoint.sha256`);
  });
});
