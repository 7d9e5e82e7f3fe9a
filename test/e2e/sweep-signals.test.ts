/**
 * The sweep runner killed in every way a runner dies, as a real process
 * (test/node/sweep/fixtures/runner-process.ts) with real trial processes: SIGKILL and an unhandled
 * SIGTERM end it at once, and its trials see their IPC channel close; SIGTERM and SIGINT handled as
 * the study's command line does are forwarded. Every trial stops (a training trial checkpoints
 * there), the runner leaves no live process behind, and a rerun finishes the sweep. A trial that
 * does not watch its runner outlives a SIGKILL; its lock keeps a rerun from running it twice.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandSweep, type SweepTrial } from '../../src/node/sweep/config.js';
import { runSweep } from '../../src/node/sweep/runner.js';
import { trialPaths } from '../../src/node/sweep/trial-paths.js';
import { type SweepEvent } from '../../src/node/sweep/events.js';
import { type TrialCommand } from '../../src/node/sweep/trial-process.js';
import { processAlive } from '../../src/node/sweep/trial-lock.js';

const FIXTURES = new URL('../node/sweep/fixtures/', import.meta.url);
const FAKE = fileURLToPath(new URL('fake-trial.mjs', FIXTURES));
const RUNNER = fileURLToPath(new URL('runner-process.ts', FIXTURES));

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pidFile = (dir: string, t: SweepTrial) => join(trialPaths(dir, t.id).dir, 'pid');
const stoppedBy = (dir: string, t: SweepTrial) =>
  readdirSync(trialPaths(dir, t.id).dir).filter((f) => f.startsWith('stopped-by-')).map((f) => f.slice('stopped-by-'.length));

describe('a sweep runner that dies takes its trials with it', () => {
  for (const [how, signals, expected] of [
    ['SIGKILL', 'default', 'disconnect'],
    ['SIGTERM', 'default', 'disconnect'],
    ['SIGTERM', 'forward', 'SIGTERM'],
    ['SIGINT', 'forward', 'SIGINT'],
  ] as const) {
    it(`${how} to the runner (${signals === 'forward' ? 'forwarded to its trials' : 'no handler: it dies'}): every trial stops (${expected})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hs-sweep-kill-'));
      const launches = join(dir, 'launches.txt');
      writeFileSync(launches, '');
      const trials = expandSweep({ name: 'kill', base: { mode: 'cooperative', sleepMs: 60_000 }, grids: [{ x: [1, 2, 3] }], seeds: 1 });
      const runner = spawn(process.execPath, ['--import', 'tsx', RUNNER, dir, JSON.stringify(trials), launches, signals], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      runner.stdout.on('data', (d) => { output += String(d); });
      runner.stderr.on('data', (d) => { output += String(d); });
      const exited = new Promise<void>((r) => runner.on('exit', () => r()));
      await waitFor('every trial to start', () => trials.every((t) => existsSync(pidFile(dir, t))));
      const pids = trials.map((t) => Number(readFileSync(pidFile(dir, t), 'utf8')));
      runner.kill(how);
      await exited;
      await waitFor('every trial to stop', () => pids.every((p) => !processAlive(p)));
      for (const t of trials) expect(stoppedBy(dir, t), output).toEqual([expected]);
      if (signals === 'forward') expect(output).toContain('done interrupted,interrupted,interrupted');

      const again = await runSweep({
        dir, trials,
        command: (t, p) => ({ command: process.execPath, args: [FAKE, JSON.stringify(t.params), p.result, launches], env: { FAKE_SLEEP_MS: '0' } }),
      });
      expect(again.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(again.locked).toBe(0);
    }, 60_000);
  }
});

it('SIGKILL to the runner: a trial that watches its runner stops (checkpoints); one that does not keeps its lock, so a rerun leaves it alone until it ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-sweep-orphan-'));
  const launches = join(dir, 'launches.txt');
  writeFileSync(launches, '');
  const launched = () => readFileSync(launches, 'utf8').split('\n').filter(Boolean).map(Number);
  const trials = expandSweep({ name: 'kill', base: { sleepMs: 60_000 }, grids: [{ x: [1], mode: ['cooperative'] }, { x: [2], mode: ['stubborn'] }], seeds: 1 });
  const runner = spawn(process.execPath, ['--import', 'tsx', RUNNER, dir, JSON.stringify(trials), launches, 'default'], { stdio: 'ignore' });
  const exited = new Promise((r) => runner.on('exit', r));
  await waitFor('both trials to start', () => trials.every((t) => existsSync(pidFile(dir, t))));
  const [watcher, orphan] = trials.map((t) => Number(readFileSync(pidFile(dir, t), 'utf8'))) as [number, number];
  runner.kill('SIGKILL');
  await exited;
  await waitFor('the trial that watches its runner to stop', () => !processAlive(watcher));
  expect(stoppedBy(dir, trials[0]!)).toEqual(['disconnect']);
  // The other keeps running, and its lock names it.
  expect(processAlive(orphan)).toBe(true);
  await waitFor('the lock to name the trial pid', () => readFileSync(trialPaths(dir, trials[1]!.id).lock, 'utf8').includes(`"trialPid":${orphan}`));

  const events: SweepEvent[] = [];
  const command = (t: SweepTrial, p: { result: string }): TrialCommand => ({ command: process.execPath, args: [FAKE, JSON.stringify(t.params), p.result, launches], env: { FAKE_SLEEP_MS: '0' } });
  const rerun = await runSweep({ dir, trials, command, onEvent: (e) => events.push(e) });
  // The stopped trial's lock is stale (runner and trial dead): it runs again; the orphan does not.
  expect(rerun).toMatchObject({ ran: 1, locked: 1 });
  expect(rerun.records.map((r) => [r.params.x, r.status])).toEqual([[1, 'ok']]);
  const locked = events.find((e) => e.type === 'locked');
  expect(locked?.type === 'locked' && locked.message).toContain(`trial pid ${orphan} on ${hostname()}`);
  expect(launched().sort()).toEqual([1, 1, 2]);

  process.kill(orphan, 'SIGKILL');
  await waitFor('the orphan to die', () => !processAlive(orphan));
  const after = await runSweep({ dir, trials, command });
  expect(after.records.map((r) => r.status)).toEqual(['ok', 'ok']);
  expect(launched().sort()).toEqual([1, 1, 2, 2]);
  expect(readdirSync(join(dir, 'trials')).filter((f) => f.endsWith('.lock'))).toEqual([]);
}, 30_000);
