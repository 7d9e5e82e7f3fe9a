/**
 * The sweep runner with a fake trial process (test/node/sweep/fixtures/fake-trial.mjs): parallel
 * launches, results recorded atomically, crashes recorded without losing other trials, and reruns
 * that skip finished trials — after a crash, after an abort (Ctrl-C) and after a torn record file.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandSweep, type SweepTrial } from '../../../src/node/sweep/config.js';
import { runSweep, trialPaths, type SweepEvent, type TrialCommand } from '../../../src/node/sweep/runner.js';

const FAKE = fileURLToPath(new URL('./fixtures/fake-trial.mjs', import.meta.url));

function setup(grid: Record<string, number[]>, seeds = 1, base: Record<string, number> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hs-sweep-'));
  const launches = join(dir, 'launches.txt');
  writeFileSync(launches, '');
  const trials = expandSweep({ name: 'fake', base, grids: [grid], seeds });
  const command = (env: Record<string, string> = {}) => (t: SweepTrial, paths: { result: string }): TrialCommand => ({
    command: process.execPath,
    args: [FAKE, JSON.stringify(t.params), paths.result, launches],
    env,
  });
  const launched = () => readFileSync(launches, 'utf8').split('\n').filter(Boolean).map(Number);
  return { dir, trials, command, launched };
}

const parse = (v: unknown) => {
  const y = (v as { y?: unknown }).y;
  if (typeof y !== 'number') throw new Error('no y');
  return { y };
};

describe('runSweep', () => {
  it('runs every trial, records results, and a crash loses nothing else; a rerun reruns only the crashed one', async () => {
    const { dir, trials, command, launched } = setup({ x: [1, 2, 3, 4] });
    const messages: unknown[] = [];
    const first = await runSweep({
      dir, trials, command: command({ FAKE_CRASH: '3' }), concurrency: 2, parseResult: parse,
      onEvent: (e) => { if (e.type === 'message') messages.push(e.data); },
    });
    expect(first.ran).toBe(4);
    expect(first.records.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
    expect(first.records.map((r) => r.result?.y)).toEqual([10, 20, undefined, 40]);
    const crashed = first.records[2]!;
    expect(crashed.exitCode).toBe(3);
    expect(crashed.error).toContain('fake crash of x=3');
    expect(messages).toHaveLength(4);
    // Plain lines go to the trial's log, message lines do not.
    const log = readFileSync(trialPaths(dir, trials[0]!.id).log, 'utf8');
    expect(log).toContain('plain log line from x=1');
    expect(log).not.toContain('@@hyperschedule');
    // Every record exists on disk; no temporary files are left.
    const files = readdirSync(join(dir, 'trials'));
    expect(files.filter((f) => f.endsWith('.json')).sort()).toEqual(trials.map((t) => `${t.id}.json`).sort());
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);

    // With retryFailed: false a failed trial stays failed and is not relaunched.
    const kept = await runSweep({ dir, trials, command: command(), parseResult: parse, retryFailed: false });
    expect(kept.ran).toBe(0);
    expect(kept.failed).toBe(1);

    const second = await runSweep({ dir, trials, command: command(), concurrency: 2, parseResult: parse });
    expect(second.skipped).toBe(3);
    expect(second.ran).toBe(1);
    expect(second.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(second.records[2]!.attempt).toBe(2);
    expect(launched().sort()).toEqual([1, 2, 3, 3, 4]);

    const third = await runSweep({ dir, trials, command: command(), parseResult: parse });
    expect(third.ran).toBe(0);
  });

  it('keeps at most `concurrency` trials running at once', async () => {
    const { dir, trials, command } = setup({ x: [1, 2, 3, 4, 5] }, 1, { sleepMs: 150 });
    let live = 0;
    let peak = 0;
    const onEvent = (e: SweepEvent) => {
      if (e.type === 'started') peak = Math.max(peak, ++live);
      if (e.type === 'finished') live -= 1;
    };
    const outcome = await runSweep({ dir, trials, command: command(), concurrency: 2, onEvent });
    expect(outcome.failed).toBe(0);
    expect(peak).toBe(2);
  });

  it('an abort interrupts running trials and launches no more; the rerun finishes only what is missing', async () => {
    const { dir, trials, command, launched } = setup({ x: [1, 2, 3, 4] }, 1, { sleepMs: 0 });
    // x=1 finishes at once; the others sleep long enough to be interrupted.
    const slow: SweepTrial[] = trials.map((t) => (t.params.x === 1 ? t : { ...t, params: { ...t.params, sleepMs: 20_000 } }));
    const controller = new AbortController();
    const first = await runSweep({
      dir, trials: slow, command: command(), concurrency: 2, parseResult: parse, signal: controller.signal,
      // Abort as soon as x=1 is recorded: x=2 is mid-run, x=3 and x=4 have not started.
      onEvent: (e) => {
        if (e.type === 'finished' && e.trial.params.x === 1) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    const status = Object.fromEntries(first.records.map((r) => [r.params.x, r.status]));
    expect(status[1]).toBe('ok');
    expect(status[2]).toBe('interrupted');
    expect(first.records.map((r) => r.params.x)).toEqual([1, 2]); // 3 and 4 never started
    expect(first.records[1]!.signal).toBe('SIGINT');
    const before = launched().length;

    const fast: SweepTrial[] = slow.map((t) => ({ ...t, params: { ...t.params, sleepMs: 0 } }));
    // Same ids: the parameters changed only in this test's fake; a real sweep reuses its trials.
    const second = await runSweep({ dir, trials: fast, command: command(), concurrency: 2, parseResult: parse });
    expect(second.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(launched().slice(before).sort()).toEqual(fast.filter((t) => t.params.x !== 1).map((t) => t.params.x as number).sort());
  });

  it('treats a torn (half-written) record as missing and reruns that trial', async () => {
    const { dir, trials, command, launched } = setup({ x: [7, 8] });
    await runSweep({ dir, trials, command: command(), parseResult: parse });
    writeFileSync(trialPaths(dir, trials[1]!.id).record, '{"id": "trunc');
    const again = await runSweep({ dir, trials, command: command(), parseResult: parse });
    expect(again.ran).toBe(1);
    expect(launched()).toEqual(expect.arrayContaining([7, 8, 8]));
    expect(launched()).toHaveLength(3);
  });

  it('records a trial that exits 0 without a valid result as failed', async () => {
    const { dir, trials } = setup({ x: [1] });
    const outcome = await runSweep({
      dir, trials, parseResult: parse,
      command: () => ({ command: process.execPath, args: ['-e', 'process.exit(0)'] }),
    });
    expect(outcome.records[0]!.status).toBe('failed');
    expect(outcome.records[0]!.error).toContain('was not written');
    expect(existsSync(trialPaths(dir, trials[0]!.id).record)).toBe(true);
  });
});
