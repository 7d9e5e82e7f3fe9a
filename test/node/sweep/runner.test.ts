/**
 * The sweep runner with a fake trial process (test/node/sweep/fixtures/fake-trial.mjs): parallel
 * launches, results recorded atomically, crashes recorded without losing other trials, and reruns
 * that skip finished trials — after a crash, after an abort (Ctrl-C) and after a torn record file.
 * Then its faults, with real processes: a second runner never runs a trial the first is running
 * (locks), per-trial timeouts, a failed attempt's result never counts for the next one, a failed
 * trial's one-line summary names its error, and an abort forwards SIGINT or SIGTERM. (A runner
 * killed by SIGKILL/SIGTERM/SIGINT as a real process: test/e2e/sweep-signals.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import { expandSweep, type SweepTrial } from '../../../src/node/sweep/config.js';
import { runSweep } from '../../../src/node/sweep/runner.js';
import { trialPaths } from '../../../src/node/sweep/trial-paths.js';
import { type SweepEvent } from '../../../src/node/sweep/events.js';
import { type TrialCommand } from '../../../src/node/sweep/trial-process.js';
import { processAlive } from '../../../src/node/sweep/trial-lock.js';

const FAKE = fileURLToPath(new URL('./fixtures/fake-trial.mjs', import.meta.url));

function setup(grid: Record<string, number[]>, seeds = 1, base: Record<string, number | string> = {}) {
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

/** Polls `check` every 20 ms until it holds (or fails after `ms`). */
async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const started = (dir: string, t: SweepTrial) => existsSync(join(trialPaths(dir, t.id).dir, 'pid'));
const stoppedBy = (dir: string, t: SweepTrial) =>
  readdirSync(trialPaths(dir, t.id).dir).filter((f) => f.startsWith('stopped-by-')).map((f) => f.slice('stopped-by-'.length));

/** A pid that no process has: one of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('runSweep under faults', () => {
  describe('a trial lock', () => {
    it('makes a second runner on the same folder skip the trial the first one is running, with a message naming it', async () => {
      const { dir, trials, command, launched } = setup({ x: [1, 2] });
      const release = join(dir, 'release');
      // The first runner's trials wait for `release`: x=1 is still running while the second runner works.
      const first = runSweep({ dir, trials, command: command({ FAKE_WAIT_FOR: release }), concurrency: 1 });
      await waitFor('x=1 to start', () => started(dir, trials[0]!));
      const messages: string[] = [];
      const second = await runSweep({ dir, trials, command: command(), onEvent: (e) => { if (e.type === 'locked') messages.push(e.message); } });
      expect(second.locked).toBe(1);
      expect(second.records.map((r) => r.params.x)).toEqual([2]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(new RegExp(`^running in pid ${process.pid}, trial pid \\d+ on ${hostname()} since \\d{4}-.*\\.lock; delete it if that runner is gone\\)$`));
      writeFileSync(release, '');
      const done = await first;
      // x=2 was recorded by the second runner: the first one skips it instead of running it again.
      expect(done.records.map((r) => r.status)).toEqual(['ok', 'ok']);
      expect(launched().sort()).toEqual([1, 2]);
      expect(readdirSync(join(dir, 'trials')).filter((f) => f.endsWith('.lock'))).toEqual([]);
    });

    it('left by a dead runner on this host is taken over; one from another host, or being written, is respected', async () => {
      const { dir, trials, command, launched } = setup({ x: [1] });
      const lock = trialPaths(dir, trials[0]!.id).lock;
      mkdirSync(join(dir, 'trials'), { recursive: true });
      writeFileSync(lock, JSON.stringify({ pid: 424242, hostname: 'other-machine', startedAt: '2025-01-01T00:00:00.000Z' }));
      const other = await runSweep({ dir, trials, command: command() });
      expect(other).toMatchObject({ ran: 0, locked: 1 });
      writeFileSync(lock, ''); // O_EXCL created it, its writer has not written yet
      expect((await runSweep({ dir, trials, command: command() })).locked).toBe(1);
      writeFileSync(lock, JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: new Date().toISOString() }));
      const taken = await runSweep({ dir, trials, command: command() });
      expect(taken.records.map((r) => r.status)).toEqual(['ok']);
      expect(launched()).toEqual([1]);
      expect(existsSync(lock)).toBe(false);
    });
  });

  describe('a per-trial timeout', () => {
    // Shell commands: their signal dispositions are in place within a millisecond of the spawn.
    const shell = (script: string) => (): TrialCommand => ({ command: '/bin/sh', args: ['-c', script] });

    it('stops a trial running too long with SIGTERM and records a timeout failure; the others go on', async () => {
      const { dir, trials } = setup({ x: [1, 2] });
      const outcome = await runSweep({
        dir, trials, trialTimeoutMs: 500, killGraceMs: 5_000, parseResult: parse,
        command: (t, p) => (t.params.x === 1 ? shell('exec sleep 60')() : { command: '/bin/sh', args: ['-c', 'echo \'{"y": 20}\' > "$0"', p.result] }),
      });
      const [hung, fine] = outcome.records;
      expect(hung).toMatchObject({ status: 'failed', timedOut: true, signal: 'SIGTERM', summary: 'timed out after 0.5 s: stopped with SIGTERM' });
      expect(hung!.durationMs).toBeGreaterThanOrEqual(500);
      expect(hung!.durationMs).toBeLessThan(5_000);
      expect(fine, fine!.error).toMatchObject({ status: 'ok', result: { y: 20 } });
      expect(fine!.timedOut).toBeUndefined();
    });

    it('kills one that ignores SIGTERM after the grace period', async () => {
      const { dir, trials } = setup({ x: [1] });
      // SIG_IGN survives exec: sleep ignores SIGTERM.
      const outcome = await runSweep({ dir, trials, command: shell(`trap '' TERM; echo 'SIGTERM ignored' >&2; exec sleep 60`), trialTimeoutMs: 500, killGraceMs: 300 });
      expect(outcome.records[0]).toMatchObject({
        status: 'failed', timedOut: true, signal: 'SIGKILL', summary: 'timed out after 0.5 s: stopped with SIGTERM, killed with SIGKILL after 0.3 s',
      });
      expect(outcome.records[0]!.error).toContain('SIGTERM ignored');
    });

    it('is validated', async () => {
      const { dir, trials, command } = setup({ x: [1] });
      for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
        await expect(runSweep({ dir, trials, command: command(), trialTimeoutMs: bad })).rejects.toThrow(HyperscheduleError);
      }
      await expect(runSweep({ dir, trials, command: command(), trialTimeoutMs: 0 })).rejects.toThrow(
        'sweep.trialTimeoutMs: got 0, expected a number of milliseconds > 0 and <= 2147483647 (about 24.8 days)',
      );
      await expect(runSweep({ dir, trials, command: command(), killGraceMs: -1 })).rejects.toThrow(/^sweep\.killGraceMs: got -1, expected a number of milliseconds >= 0/);
    });
  });

  it('clears a failed attempt\'s result before the retry, so the retry never counts it', async () => {
    const { dir, trials, launched } = setup({ x: [1] }, 1, { mode: 'result-then-crash' });
    const launches = join(dir, 'launches.txt');
    const as = (mode: string) => (t: SweepTrial, p: { result: string }): TrialCommand => ({ command: process.execPath, args: [FAKE, JSON.stringify({ ...t.params, mode }), p.result, launches] });
    const first = await runSweep({ dir, trials, command: as('result-then-crash'), parseResult: parse });
    expect(first.records[0]).toMatchObject({ status: 'failed', exitCode: 1, summary: 'Error: crashed after writing its result' });
    // The second attempt exits 0 without writing anything: the first attempt's result must not count.
    const second = await runSweep({ dir, trials, command: as('no-result'), parseResult: parse });
    expect(second.records[0]).toMatchObject({ status: 'failed', attempt: 2 });
    expect(second.records[0]!.error).toContain('was not written');
    expect(readdirSync(trialPaths(dir, trials[0]!.id).dir).filter((f) => f.startsWith('result.json'))).toEqual([]);
    expect(launched()).toEqual([1, 1]);
  });

  it('a failed trial\'s summary is its error line, not the last line of stderr (Node\'s version footer)', async () => {
    const { dir, trials, command } = setup({ x: [1, 2] }, 1, { mode: 'throw' });
    // x=2: a stack deeper than the 20 stderr lines kept; the error line is still found.
    const outcome = await runSweep({
      dir, trials: trials.slice(0, 1), command: command(), errorLines: 20,
    });
    const deep = await runSweep({ dir, trials: trials.slice(1), command: command({ FAKE_STACK: '40' }), errorLines: 20 });
    for (const r of [outcome.records[0]!, deep.records[0]!]) {
      expect(r.status).toBe('failed');
      expect(r.summary).toBe('HyperscheduleError: lr: got -1, expected a number > 0');
      expect(r.error!.split('\n').at(-1)).toMatch(/^Node\.js v\d+/); // what the summary used to show
    }
    expect(deep.records[0]!.error).not.toContain('HyperscheduleError: lr'); // beyond the kept tail
  });

  it('forwards the abort reason: abort(\'SIGTERM\') sends SIGTERM to running trials, anything else SIGINT', async () => {
    for (const [reason, expected] of [['SIGTERM', 'SIGTERM'], [undefined, 'SIGINT']] as const) {
      const { dir, trials, command } = setup({ x: [1] }, 1, { mode: 'cooperative', sleepMs: 60_000 });
      const controller = new AbortController();
      const pending = runSweep({ dir, trials, command: command(), signal: controller.signal });
      await waitFor('the trial to start', () => started(dir, trials[0]!));
      controller.abort(reason);
      const outcome = await pending;
      expect(outcome.records[0]!.status).toBe('interrupted');
      expect(stoppedBy(dir, trials[0]!)).toEqual([expected]);
    }
  });
});
