/**
 * A save killed at a random point (SIGKILL: no handler, no cleanup) never leaves a checkpoint
 * that loads wrong. A child process saves numbered 256 KB checkpoints in a loop with
 * writeCheckpointFile and is killed at a seeded random point of a save (after 1-3 completed saves,
 * 0-1.2 save durations later, so the kill lands anywhere in encode, write, fsync, verify or the
 * renames whatever the machine's speed); 20 kills, on 4 files side by side. After each kill
 * readCheckpointFile must return a complete, checksum-valid checkpoint equal byte for byte to one
 * that was fully written: the last one the child reported, or the one whose final rename had
 * happened when it died. Never a partial one, never nothing.
 *
 * The child runs the same TypeScript sources, bundled once by esbuild: `node --import tsx` costs
 * ~0.7 s per start on the 2-core test machine, which 20 starts cannot afford.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeCheckpoint } from '../../src/integrations/checkpoint-binary.js';
import { readCheckpointFile } from '../../src/node/checkpoint-file.js';
import { numberedCheckpoint } from './fixtures/numbered-checkpoint.js';

const ROUNDS = 20;
/** Independent files saved and killed side by side, to fit 20 kills in a few seconds. */
const CHAINS = 4;
const dir = mkdtempSync(join(tmpdir(), 'hs-faults-kill-'));
const child = join(dir, 'save-loop.mjs');

beforeAll(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/save-loop.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    logLevel: 'silent',
  });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** When to kill: after the child reported `after + 1` saves, `fraction` of its last save's duration later. */
interface KillPoint {
  readonly after: number;
  readonly fraction: number;
}

/**
 * Runs the save loop on `path` from checkpoint `first` and SIGKILLs it at `point` (timed by the
 * child's own pace, so the kills spread over the save whatever the machine's load); returns the
 * numbers it reported.
 */
function saveUntilKilled(path: string, first: number, point: KillPoint): Promise<{ reported: number[]; stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, path, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lastEvent = 0;
    let reports = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').slice(0, -1)) {
        // (a line split across chunks would be counted late, never early: the kill only comes later)
        const now = performance.now();
        if (/^\d+$/.test(line) && ++reports === point.after + 1) setTimeout(() => proc.kill('SIGKILL'), point.fraction * (now - lastEvent));
        lastEvent = now;
      }
      stdout += chunk.toString();
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      const reported = stdout.split('\n').filter((line) => /^\d+$/.test(line)).map(Number);
      resolve({ reported, stderr, signal });
    });
  });
}

interface Outcomes {
  /** The reader returned the last save the child reported. */
  last: number;
  /** ... the save in flight, whose rename had happened. */
  inFlight: number;
  /** ... the previous file, the newest being missing (killed between the two renames). */
  fromPrevious: number;
}

/** Saves and kills on one file, one round per delay, checking the file after every kill. */
async function killChain(chain: number, points: readonly KillPoint[]): Promise<Outcomes> {
  const path = join(dir, `run-${chain}`, 'checkpoint.bin');
  const outcomes: Outcomes = { last: 0, inFlight: 0, fromPrevious: 0 };
  let onDisk: number | undefined;
  for (const [round, point] of points.entries()) {
    const where = `chain ${chain} round ${round} (kill ${point.fraction.toFixed(2)} save durations after save ${point.after})`;
    const first = (chain * 100 + round) * 1000;
    const { reported, stderr, signal } = await saveUntilKilled(path, first, point);
    expect(stderr, where).toBe('');
    expect(signal, where).toBe('SIGKILL');
    const last = reported.at(-1);
    const read = await readCheckpointFile(path);
    expect(read, `${where}: nothing readable`).toBeDefined();
    const k = (read!.checkpoint.session.clock as { step: number }).step;
    // On disk: the last reported save, or the next one if its rename happened before the kill.
    expect([last, last! + 1], `${where}: read checkpoint ${k}`).toContain(k);
    // Byte equality of the encodings (vitest's deep equality of 64K-element arrays takes seconds).
    const same = Buffer.from(await encodeCheckpoint(read!.checkpoint)).equals(await encodeCheckpoint(numberedCheckpoint(k)));
    expect(same, `${where}: checkpoint ${k} differs from what was saved as ${k}`).toBe(true);
    if (read!.refused) outcomes.fromPrevious += 1;
    if (k === last) outcomes.last += 1;
    else outcomes.inFlight += 1;
    onDisk = k;
  }
  // Killed writers leave their temporary files beside; the reader never looks at them.
  if (onDisk !== undefined) {
    const files = readdirSync(dirname(path)).filter((f) => !f.endsWith('.tmp'));
    expect(['checkpoint.bin', 'checkpoint.bin.prev']).toEqual(expect.arrayContaining(files));
  }
  return outcomes;
}

describe('a save killed at a random point', () => {
  test(`${ROUNDS} SIGKILLs: the reader returns a whole checkpoint that was written, never a partial one`, async () => {
    const points = fc.sample(fc.record({ after: fc.integer({ min: 0, max: 2 }), fraction: fc.double({ min: 0, max: 1.2, noNaN: true }) }), ROUNDS);
    const chains = await Promise.all(Array.from({ length: CHAINS }, (_, c) => killChain(c, points.filter((_, i) => i % CHAINS === c))));
    const total = chains.reduce((a, o) => ({ last: a.last + o.last, inFlight: a.inFlight + o.inFlight, fromPrevious: a.fromPrevious + o.fromPrevious }));
    expect(total.last + total.inFlight).toBe(ROUNDS);
    if (process.env.HS_FAULTS_VERBOSE) console.log(`kill-during-save: ${JSON.stringify(total)}`);
  });
});
