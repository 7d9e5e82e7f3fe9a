/**
 * The per-trial lock: O_EXCL creation (one holder), the holder named, stale locks (dead processes on
 * this host) taken over by exactly one of several runners, locks from other hosts and locks being written respected, and release only
 * of one's own lock. (runner.test.ts runs it with real runners.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireTrialLock, describeTrialLock, processAlive, recordTrialPid, releaseTrialLock } from '../../../src/node/sweep/trial-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'hs-lock-')), 't.lock');
const exitedPid = () => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());

describe('trial locks', () => {
  it('one holder at a time: the second attempt gets the holder, release frees it', async () => {
    const path = lockPath();
    const first = await acquireTrialLock(path);
    expect(first.acquired).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    const [a, b] = await Promise.all([acquireTrialLock(path), acquireTrialLock(path)]);
    expect(a.acquired || b.acquired).toBe(false);
    if (!a.acquired) expect(a.holder).toMatchObject({ pid: process.pid, hostname: hostname(), path });
    if (first.acquired) {
      const withPid = await recordTrialPid(first.lock, 4321);
      expect(describeTrialLock(withPid)).toMatch(/^running in pid \d+, trial pid 4321 on .* since .*; delete it if that runner is gone\)$/);
      await releaseTrialLock(withPid);
    }
    expect(existsSync(path)).toBe(false);
    expect((await acquireTrialLock(path)).acquired).toBe(true);
  });

  it('a lock whose runner and trial are dead is taken over; one with a live trial pid is not', async () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ pid: exitedPid(), hostname: hostname(), startedAt: 'then', trialPid: process.pid }));
    expect((await acquireTrialLock(path)).acquired).toBe(false);
    writeFileSync(path, JSON.stringify({ pid: exitedPid(), hostname: hostname(), startedAt: 'then', trialPid: exitedPid() }));
    expect((await acquireTrialLock(path)).acquired).toBe(true);
  });

  it('runners taking over one stale lock at the same time: exactly one gets it (no fresh lock deleted by another)', async () => {
    const dead = exitedPid();
    // A plain read-compare-remove let two or three of eight get it in about one round in six.
    for (let round = 0; round < 40; round++) {
      const path = lockPath();
      writeFileSync(path, JSON.stringify({ pid: dead, hostname: hostname(), startedAt: 'then' }));
      const got = await Promise.all(Array.from({ length: 8 }, () => acquireTrialLock(path)));
      expect(got.filter((g) => g.acquired), `round ${round}`).toHaveLength(1);
      expect(existsSync(`${path}.takeover`)).toBe(false);
    }
  });

  it('a .takeover file left by a runner that died taking over a lock is removed once 10 s old', async () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ pid: exitedPid(), hostname: hostname(), startedAt: 'then' }));
    writeFileSync(`${path}.takeover`, '999999\n');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(`${path}.takeover`, old, old);
    expect((await acquireTrialLock(path)).acquired).toBe(true);
    expect(existsSync(`${path}.takeover`)).toBe(false);
  });

  it('an unreadable lock is being written (respected) until it is 10 s old (then a leftover)', async () => {
    const path = lockPath();
    writeFileSync(path, '{"pid": 12');
    expect((await acquireTrialLock(path)).acquired).toBe(false);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    expect((await acquireTrialLock(path)).acquired).toBe(true);
  });

  it('release leaves another holder\'s lock alone', async () => {
    const path = lockPath();
    const mine = await acquireTrialLock(path);
    if (!mine.acquired) throw new Error('not acquired');
    writeFileSync(path, JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: 'now' }));
    await releaseTrialLock(mine.lock);
    expect(existsSync(path)).toBe(true);
  });

  it('processAlive: this process yes, an exited one no, nonsense no', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(exitedPid())).toBe(false);
    expect(processAlive(0)).toBe(false);
    expect(processAlive(-5)).toBe(false);
  });
});
