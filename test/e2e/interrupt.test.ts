/**
 * Interrupts lose nothing, for real: the documented long-running commands are started as a user
 * starts them, signalled mid-epoch once their first progress line is out, and must write their
 * checkpoint and exit with 130 (SIGINT) / 143 (SIGTERM); `--resume` then continues from that
 * update and finishes the run.
 *
 * - `npx tsx examples/main.ts train`, Ctrl-C (SIGINT to the whole process group, as a terminal
 *   sends it): tsx's CLI used to SIGKILL the run 60 ms later, before it could save (issue 10);
 * - `tsx examples/main.ts train`, SIGTERM to tsx's CLI alone (it relays it);
 * - `node --import tsx examples/main.ts train` (the documented form), SIGTERM to it;
 * - `npm run example -- train`, SIGTERM to npm alone (npm's `sh -c` dies without passing it on);
 * - `npm run example -- --quick` (the comparison, in worker processes), Ctrl-C; then one worker's
 *   checkpoint corrupted (4 KB of 0xFF): that run refuses to resume (✗ with the checksum error),
 *   the other resumes and finishes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../examples/helpers.js';

/** A tiny run: 900 training images, batch 32 -> 28 updates per epoch, 2 epochs. */
const TINY = ['--dataset', 'mnist', '--epochs', '2', '--train-size', '1000', '--test-size', '100', '--batch-size', '32', '--backend', 'wasm'];
const STEPS_PER_EPOCH = 28;

interface Ended {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
}

/**
 * Runs `command` in a process group of its own; once `ready(output)` holds (checked on output and
 * every 100 ms), sends `signal` to the whole group (a terminal's Ctrl-C) or to the started process
 * alone. Resolves when every process holding its output has exited.
 */
function run(command: string, args: readonly string[], stop?: { ready: (out: string) => boolean; signal: NodeJS.Signals; to: 'group' | 'process' }): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    let sent = false;
    const check = () => {
      if (stop && !sent && stop.ready(out)) {
        sent = true;
        if (stop.to === 'group') process.kill(-child.pid!, stop.signal);
        else child.kill(stop.signal);
      }
    };
    const poll = setInterval(check, 100);
    const onData = (d: Buffer) => {
      out += String(d);
      check();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    // 'close': after the started process exits and every process sharing its pipes has closed them.
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, out });
    });
  });
}

function interruptedAt(out: string): number {
  const m = /interrupted at epoch (\d+), update (\d+); checkpoint: (.+checkpoint\.bin)/.exec(out);
  if (!m) throw new Error(`no "interrupted at" line in:\n${out}`);
  return Number(m[2]);
}

/** The interrupted run stopped mid-epoch 2 with its checkpoint; --resume continues there and finishes. */
async function expectResumable(dir: string, ended: Ended): Promise<void> {
  const update = interruptedAt(ended.out);
  expect(update, ended.out).toBeGreaterThan(STEPS_PER_EPOCH);
  expect(update, ended.out).toBeLessThan(2 * STEPS_PER_EPOCH);
  expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
  expect(existsSync(join(dir, 'result.json'))).toBe(false);
  expect(ended.out).toContain(`continue with: node --import tsx examples/main.ts train --variant constant ${TINY.join(' ')} --out ${dir} --resume`);
  const resumed = await run(process.execPath, ['--import', 'tsx', 'examples/main.ts', 'train', '--variant', 'constant', ...TINY, '--out', dir, '--resume']);
  expect(resumed.code, resumed.out).toBe(0);
  expect(resumed.out).toContain(`resuming at epoch 2, update ${update}`);
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { updates: number; epochs: unknown[] };
  expect(result.updates).toBe(2 * STEPS_PER_EPOCH);
  expect(result.epochs).toHaveLength(2);
  expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);
}

const trainArgs = (dir: string) => ['train', '--variant', 'constant', ...TINY, '--out', dir];
const afterFirstEpoch = (out: string) => /epoch 1: train loss/.test(out);

describe('train: a signal mid-epoch writes the checkpoint, --resume continues it', () => {
  it('npx tsx examples/main.ts train, Ctrl-C (SIGINT to the process group)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-int-npx-'));
    const ended = await run('npx', ['tsx', 'examples/main.ts', ...trainArgs(dir)], { ready: afterFirstEpoch, signal: 'SIGINT', to: 'group' });
    // npx re-raises the signal on itself once its child has exited; the run itself exits 130.
    expect(ended.code === 130 || ended.signal === 'SIGINT', ended.out).toBe(true);
    expect(ended.out).toContain('Ctrl-C: stopping; writing a checkpoint after this update');
    await expectResumable(dir, ended);
  });

  it('tsx examples/main.ts train, SIGTERM to tsx\'s CLI alone (relayed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-int-tsx-'));
    const ended = await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['examples/main.ts', ...trainArgs(dir)], { ready: afterFirstEpoch, signal: 'SIGTERM', to: 'process' });
    expect(ended.code, ended.out).toBe(143);
    expect(ended.out).toContain('SIGTERM: stopping; writing a checkpoint after this update');
    await expectResumable(dir, ended);
  });

  it('node --import tsx examples/main.ts train, SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-int-node-'));
    const ended = await run(process.execPath, ['--import', 'tsx', 'examples/main.ts', ...trainArgs(dir)], { ready: afterFirstEpoch, signal: 'SIGTERM', to: 'process' });
    expect(ended.code, ended.out).toBe(143);
    await expectResumable(dir, ended);
  });

  it('npm run example -- train, SIGTERM to npm alone (its shell dies without passing it on)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-int-npm-'));
    const ended = await run('npm', ['run', '--silent', 'example', '--', ...trainArgs(dir)], { ready: afterFirstEpoch, signal: 'SIGTERM', to: 'process' });
    expect(ended.out).toContain('SIGHUP (terminal or parent gone): stopping; writing a checkpoint after this update');
    await expectResumable(dir, ended);
  });
});

describe('the comparison (npm run example): Ctrl-C lets every worker checkpoint, --resume continues them', () => {
  it('npm run example -- --quick, Ctrl-C once the workers are training; a corrupted checkpoint is refused on --resume', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hs-int-compare-'));
    const args = ['run', '--silent', 'example', '--', '--quick', '--dataset', 'mnist', '--variants', 'constant,one-cycle', '--workers', '2', '--epochs', '1', '--train-size', '800', '--test-size', '100', '--no-report', '--out', out];
    // Once both workers have said which backend they use: their stop handlers are installed by then.
    const workersReady = () => {
      const dir = join(out, 'trials');
      const logs = existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.json') && !f.endsWith('.lock')).map((id) => join(dir, id, 'log.txt')) : [];
      return logs.length === 2 && logs.every((log) => existsSync(log) && readFileSync(log, 'utf8').includes('backend:'));
    };
    const ended = await run('npm', args, { ready: workersReady, signal: 'SIGINT', to: 'group' });
    expect(ended.out).toContain('interrupted — continue with: npm run example -- --resume --out');
    const trials = readdirSync(join(out, 'trials')).filter((f) => f.endsWith('.json'));
    expect(trials).toHaveLength(2);
    for (const f of trials) {
      const record = JSON.parse(readFileSync(join(out, 'trials', f), 'utf8')) as { id: string; status: string; exitCode: number };
      expect(record).toMatchObject({ status: 'interrupted', exitCode: 130 });
      expect(existsSync(join(out, 'trials', record.id, 'checkpoint.bin')), record.id).toBe(true);
    }
    // The fault: 4 KB of 0xFF written into one trial's checkpoint (its weights loaded as
    // NaN and the table said "✓"). That trial must refuse to resume; the other resumes and finishes.
    const ids = trials.map((f) => f.replace(/\.json$/, ''));
    const corrupted = ids.find((id) => id.includes('one-cycle'))!;
    const intact = ids.find((id) => id !== corrupted)!;
    const checkpoint = join(out, 'trials', corrupted, 'checkpoint.bin');
    const bytes = readFileSync(checkpoint);
    bytes.fill(0xff, 2000, 2000 + 4096);
    writeFileSync(checkpoint, bytes);
    const resumed = await run('npm', ['run', '--silent', 'example', '--', ...args.slice(4), '--resume']);
    expect(resumed.code, resumed.out).toBe(1);
    expect(readFileSync(join(out, 'trials', intact, 'log.txt'), 'utf8')).toMatch(/resuming at epoch \d+, update [1-9]\d*/);
    expect(JSON.parse(readFileSync(join(out, 'trials', `${intact}.json`), 'utf8'))).toMatchObject({ status: 'ok', attempt: 2 });
    expect(resumed.out).toMatch(/✗ one-cycle[^\n]*: failed — HyperscheduleError: resume: got "/);
    expect(resumed.out).not.toMatch(/✓ one-cycle/);
    expect(readFileSync(join(out, 'trials', corrupted, 'log.txt'), 'utf8')).toMatch(/checkpoint\.sha256: got "[0-9a-f]+…", expected [0-9a-f]+…, the SHA-256 of the file's other bytes \(the file is corrupted\)/);
    expect(JSON.parse(readFileSync(join(out, 'trials', `${corrupted}.json`), 'utf8'))).toMatchObject({ status: 'failed', attempt: 2 });
    expect(existsSync(join(out, 'trials', corrupted, 'result.json'))).toBe(false);
  });
});
