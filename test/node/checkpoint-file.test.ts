/**
 * Checkpoint files (`hyperschedule/node`): written beside, fsync'd, renamed, the previous good
 * file kept as `path.prev`; read back newest-good-first, saying which file was refused and why.
 * Every state a crash can leave on disk is set up here by hand; test/faults/kill-during-save
 * produces them for real with SIGKILL.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import type { Checkpoint } from '../../src/integrations/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/integrations/checkpoint-binary.js';
import { readCheckpointFile, writeCheckpointFile } from '../../src/node/checkpoint-file.js';
import { writeFileAtomic } from '../../src/node/sweep/atomic.js';

/** A checkpoint that differs by `step` (in the clock and in a tensor), as two saves of one run do. */
function checkpointAt(step: number): Checkpoint {
  return {
    version: 1,
    session: { version: 1, clock: { step }, params: {}, batches: { queued: [] } },
    variables: [{ name: 'w', shape: [2, 2], dtype: 'float32', values: [step, -step, 0.5, Math.fround(1 / (step + 1))] }],
    optimizer: [{ name: 'iter', shape: [], dtype: 'int32', values: [step] }],
  } as unknown as Checkpoint;
}

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-checkpoint-file-'));
  path = join(dir, 'run', 'checkpoint.bin');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const files = () => readdirSync(join(dir, 'run')).sort();
const flipByte = (file: string, at: number) => {
  const bytes = readFileSync(file);
  bytes[at]! ^= 0x10;
  writeFileSync(file, bytes);
};

describe('writeCheckpointFile', () => {
  test('writes the binary format (creating the folder) and reads back equal', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    expect(files()).toEqual(['checkpoint.bin']);
    expect(new Uint8Array(readFileSync(path))).toEqual(await encodeCheckpoint(checkpointAt(1)));
    expect(await readCheckpointFile(path)).toEqual({ checkpoint: checkpointAt(1), file: path });
  });

  test('keeps the previous good checkpoint as path.prev, and only it (no temporary files)', async () => {
    for (const step of [1, 2, 3]) await writeCheckpointFile(path, checkpointAt(step));
    expect(files()).toEqual(['checkpoint.bin', 'checkpoint.bin.prev']);
    expect(await decodeCheckpoint(readFileSync(path))).toEqual(checkpointAt(3));
    expect(await decodeCheckpoint(readFileSync(`${path}.prev`))).toEqual(checkpointAt(2));
  });

  test('a current file that does not verify is overwritten, never rotated over the good .prev', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    flipByte(path, 40);
    await writeCheckpointFile(path, checkpointAt(3));
    expect(await decodeCheckpoint(readFileSync(`${path}.prev`))).toEqual(checkpointAt(1));
    expect(await decodeCheckpoint(readFileSync(path))).toEqual(checkpointAt(3));
  });

  test('an invalid checkpoint is refused before any file is touched', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    const before = [readFileSync(path), readFileSync(`${path}.prev`)];
    const bad = { ...checkpointAt(3), variables: [{ name: 'w', shape: [1], dtype: 'float32', values: [Number.NaN] }] } as unknown as Checkpoint;
    await expect(writeCheckpointFile(path, bad)).rejects.toThrow('checkpoint.variables[0].values[0]: got NaN');
    expect(files()).toEqual(['checkpoint.bin', 'checkpoint.bin.prev']);
    expect([readFileSync(path), readFileSync(`${path}.prev`)]).toEqual(before);
  });

  test('fsyncs the new file and the folder (so are writeFileAtomic and writeJsonAtomic)', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const handleClass = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const sync = vi.spyOn(handleClass, 'sync');
    await writeCheckpointFile(path, checkpointAt(1));
    expect(sync).toHaveBeenCalledTimes(2);
    await writeFileAtomic(join(dir, 'run', 'result.json'), '{}\n');
    expect(sync).toHaveBeenCalledTimes(4);
  });
});

describe('readCheckpointFile', () => {
  test('undefined when there is nothing to resume', async () => {
    expect(await readCheckpointFile(path)).toBeUndefined();
  });

  const damages: [string, () => void, RegExp][] = [
    ['a flipped byte', () => flipByte(path, 100), /^is refused \(checkpoint\.sha256: got/],
    ['cut short', () => truncateSync(path, 57), /^is refused \(checkpoint\.byteLength: got 57, .*truncated\)$/],
    ['empty', () => truncateSync(path, 0), /^is refused \(checkpoint\.byteLength: got 0/],
    ['trailing garbage', () => writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.alloc(16, 0xff)])), /16 trailing bytes/],
    ['missing (a crash between the two renames)', () => rmSync(path), /^is missing$/],
    ['a folder in its place', () => { rmSync(path); mkdirSync(path); }, /^cannot be read \(EISDIR/],
  ];

  test.each(damages)('newest %s: the previous checkpoint is returned, with the reason', async (_name, damage, reason) => {
    await writeCheckpointFile(path, checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    damage();
    const read = await readCheckpointFile(path);
    expect(read?.checkpoint).toEqual(checkpointAt(1));
    expect(read?.file).toBe(`${path}.prev`);
    expect(read?.refused?.file).toBe(path);
    expect(read?.refused?.reason).toMatch(reason);
  });

  test('a previous file that is damaged is never read while the newest is good', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    flipByte(`${path}.prev`, 30);
    expect(await readCheckpointFile(path)).toEqual({ checkpoint: checkpointAt(2), file: path });
  });

  test('both damaged, or one damaged and the other missing: one error naming both files and why', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    flipByte(path, 60);
    truncateSync(`${path}.prev`, 10);
    const error = await readCheckpointFile(path).then(() => undefined, (e: unknown) => e as HyperscheduleError);
    expect(error).toBeInstanceOf(HyperscheduleError);
    expect(error!.message).toMatch(/^checkpoint file: got ".*checkpoint\.bin", expected a checkpoint that decodes, here or in .*checkpoint\.bin\.prev: .*checkpoint\.bin is refused \(checkpoint\.sha256: .*\); .*checkpoint\.bin\.prev is refused \(checkpoint\.byteLength: got 10/);
    expect(error!.message).not.toContain('\n');
    rmSync(`${path}.prev`);
    await expect(readCheckpointFile(path)).rejects.toThrow(/checkpoint\.bin\.prev is missing$/);
  });

  test('a temporary file left by a killed writer is ignored, and the next write goes on', async () => {
    await writeCheckpointFile(path, checkpointAt(1));
    const bytes = await encodeCheckpoint(checkpointAt(2));
    writeFileSync(`${path}.99999.0badf00d.tmp`, bytes.subarray(0, 100));
    expect((await readCheckpointFile(path))?.checkpoint).toEqual(checkpointAt(1));
    await writeCheckpointFile(path, checkpointAt(2));
    expect(await readCheckpointFile(path)).toEqual({ checkpoint: checkpointAt(2), file: path });
  });
});
