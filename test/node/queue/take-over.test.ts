/**
 * Trial locks under the queue: a lock written by a worker that has since lost the job (another
 * token of the same job) is taken over — at once from another host, on this host once the trial it
 * started has ended — while a local runner's live lock, or another job's, is respected.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobOwner, takeOverTrialLock } from '../../../src/node/queue/take-over.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'hs-take-over-')), 't.lock');
const exitedPid = () => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
const lock = (fields: Record<string, unknown>) => JSON.stringify({ startedAt: '2025-01-01T00:00:00.000Z', ...fields });

describe('takeOverTrialLock', () => {
  const mine = jobOwner('q', 'trial-a', 'token-2');

  it('takes over a lock from another host whose worker lost this job, and writes its own owner', async () => {
    const path = lockPath();
    writeFileSync(path, lock({ pid: 4242, hostname: 'gpu-node-7', trialPid: 4343, owner: jobOwner('q', 'trial-a', 'token-1') }));
    const got = await takeOverTrialLock(path, mine, 1000);
    expect(got.acquired).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), owner: mine });
  });

  it('respects a live lock from another host that is not this job\'s (a local runner, another queue)', async () => {
    for (const owner of [undefined, jobOwner('other-queue', 'trial-a', 'token-1'), jobOwner('q', 'trial-b', 'token-1')]) {
      const path = lockPath();
      writeFileSync(path, lock({ pid: 4242, hostname: 'gpu-node-7', ...(owner ? { owner } : {}) }));
      const got = await takeOverTrialLock(path, mine, 100);
      expect(got.acquired).toBe(false);
    }
  });

  it('on this host waits for the lost worker\'s trial process to end, then takes over', async () => {
    const path = lockPath();
    const trial = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)']);
    writeFileSync(path, lock({ pid: exitedPid(), hostname: hostname(), trialPid: trial.pid, owner: jobOwner('q', 'trial-a', 'token-1') }));
    const started = Date.now();
    const got = await takeOverTrialLock(path, mine, 10_000);
    expect(got.acquired).toBe(true);
    expect(trial.exitCode ?? trial.signalCode).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('on this host gives up after the grace period when that trial does not end', async () => {
    const path = lockPath();
    const trial = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(path, lock({ pid: exitedPid(), hostname: hostname(), trialPid: trial.pid, owner: jobOwner('q', 'trial-a', 'token-1') }));
      const got = await takeOverTrialLock(path, mine, 300);
      expect(got).toMatchObject({ acquired: false, holder: { trialPid: trial.pid } });
    } finally {
      trial.kill('SIGKILL');
    }
  });
});
