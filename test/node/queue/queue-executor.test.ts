/**
 * The queue executor with a real redis-server and real trial processes (the checkpointing fixture):
 * a 6-trial sweep on two `hyperschedule worker` processes, one SIGKILLed mid-trial — its trial
 * process stops too, BullMQ hands the stalled job to the other worker, which takes over the trial's
 * lock and resumes it from its checkpoint — every trial completes exactly once, and submitting again
 * skips them all (from the folder's records, or from the completed jobs). Then retries with
 * backoff and the per-trial timeout.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queueExecutor } from '../../../src/node/queue/queue-executor.js';
import { startQueueWorker } from '../../../src/node/queue/worker.js';
import { runSweep } from '../../../src/node/sweep/runner.js';
import { type SweepEvent } from '../../../src/node/sweep/events.js';
import { type TrialCommand } from '../../../src/node/sweep/trial-process.js';
import { processAlive } from '../../../src/node/sweep/trial-lock.js';
import { trialPaths } from '../../../src/node/sweep/trial-paths.js';
import {
  REDIS_SERVER, checkpointStep, completions, fixtureCommand, fixtureSweep, launches, requireRedisInCi, useRedis, waitFor, workerProcess,
} from './helpers.js';

const parse = (v: unknown) => {
  const y = (v as { y?: unknown }).y;
  if (typeof y !== 'number') throw new Error('no y');
  return v as { y: number; resumedAt: number };
};

requireRedisInCi();

describe.skipIf(REDIS_SERVER === undefined)('queueExecutor', () => {
  const redis = useRedis();

  it('runs a sweep on two workers, one SIGKILLed mid-trial: every trial once, the killed one resumed; resubmitting skips all', async () => {
    const { dir, trials } = fixtureSweep([1, 2, 3, 4, 5, 6], { steps: 8, stepMs: 150 });
    const queue = 'hs-test-kill';
    const args = ['--redis', redis.url(), '--queue', queue, '--concurrency', '1', '--lock-duration', '4'];
    const a = workerProcess(args);
    const b = workerProcess(args);
    try {
      await waitFor('both workers to serve the queue', () => a.output().includes('serving queue') && b.output().includes('serving queue'), 60_000);
      const events: SweepEvent[] = [];
      const executor = queueExecutor({ redis: redis.url(), queue, backoffMs: 200, pollMs: 250 });
      const pending = runSweep({ dir, trials, command: fixtureCommand, parseResult: parse, executor, onEvent: (e) => events.push(e) });

      // Worker b is killed once one of its trials is past its second checkpoint.
      let victim: { x: number; pid: number } | undefined;
      await waitFor('a trial of worker b past step 2', () => {
        const mine = launches(dir).find((l) => l.ppid === b.child.pid);
        const trial = mine && trials.find((t) => t.params.x === mine.x)!;
        if (mine && checkpointStep(trialPaths(dir, trial!.id)) >= 2) victim = { x: mine.x, pid: mine.pid };
        return victim !== undefined;
      });
      b.child.kill('SIGKILL');
      // The trial it started watches its worker: it stops too, its checkpoint kept.
      await waitFor('the killed worker\'s trial to stop', () => !processAlive(victim!.pid), 10_000);
      const killedTrial = trials.find((t) => t.params.x === victim!.x)!;
      expect(readdirSync(trialPaths(dir, killedTrial.id).dir).filter((f) => f.startsWith(`stopped-${victim!.pid}-by-`))).toHaveLength(1);

      const outcome = await pending;
      expect(outcome.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      expect(outcome.records.map((r) => r.result?.y)).toEqual([10, 20, 30, 40, 50, 60]);
      // Exactly once: one result written per trial, one `finished` event per trial.
      expect(completions(dir).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events.filter((e) => e.type === 'finished').map((e) => e.trial.params.x).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      // The killed trial ran twice, the second time from its checkpoint, on the other worker.
      const runs = launches(dir).filter((l) => l.x === victim!.x);
      expect(runs).toHaveLength(2);
      expect(runs[1]!.start).toBeGreaterThanOrEqual(2);
      expect(runs[1]!.ppid).toBe(a.child.pid);
      expect(outcome.records[victim!.x - 1]!.result?.resumedAt).toBe(runs[1]!.start);
      expect(events.some((e) => e.type === 'requeued' && e.trial.id === killedTrial.id && e.record.status === 'interrupted')).toBe(true);
      // Progress crossed Redis as the local executor's events do (those of the resumed run all
      // arrive; the dead worker may have lost its last one).
      const steps = events.flatMap((e) => (e.type === 'message' && e.trial.id === killedTrial.id ? [(e.data as { step: number }).step] : []));
      expect(steps.filter((n) => n > runs[1]!.start)).toEqual(Array.from({ length: 8 - runs[1]!.start }, (_, i) => runs[1]!.start + i + 1));
      expect(readdirSync(join(dir, 'trials')).filter((f) => f.endsWith('.lock'))).toEqual([]);

      // Submitting again: every record is in the folder, nothing runs.
      const before = launches(dir).length;
      const again = await runSweep({ dir, trials, command: fixtureCommand, parseResult: parse, executor });
      expect(again).toMatchObject({ ran: 0, skipped: 6 });
      // A record lost from the folder: the completed job still counts, and its record comes back.
      rmSync(trialPaths(dir, trials[0]!.id).record);
      const third = await runSweep({ dir, trials, command: fixtureCommand, parseResult: parse, executor });
      expect(third).toMatchObject({ ran: 0, skipped: 6 });
      expect(third.records[0]!.result?.y).toBe(10);
      expect(existsSync(trialPaths(dir, trials[0]!.id).record)).toBe(true);
      expect(launches(dir)).toHaveLength(before);
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGKILL');
    }
    expect(await a.exited).toBe(0);
  });

  it('retries a failed attempt after the backoff; the retry resumes and succeeds', async () => {
    const { dir, trials } = fixtureSweep([7], { steps: 3, stepMs: 50, failOnce: true });
    const queue = 'hs-test-retry';
    const worker = await startQueueWorker({ redis: redis.url(), queue, concurrency: 1, lockDurationMs: 4000 });
    try {
      const events: { e: SweepEvent; at: number }[] = [];
      const log: string[] = [];
      const outcome = await runSweep({
        dir, trials, command: fixtureCommand, parseResult: parse,
        executor: queueExecutor({ redis: redis.url(), queue, attempts: 3, backoffMs: 400, pollMs: 250, log: (l) => log.push(l) }),
        onEvent: (e) => events.push({ e, at: Date.now() }),
      });
      const story = [...log, ...events.map(({ e }) => JSON.stringify(e).slice(0, 400))].join('\n');
      expect(outcome.records[0], story).toMatchObject({ status: 'ok', attempt: 2, result: { y: 70 } });
      const requeued = events.find(({ e }) => e.type === 'requeued');
      expect(requeued?.e).toMatchObject({ type: 'requeued', delayMs: 400, record: { status: 'failed', attempt: 1, summary: 'Error: planned failure of the first attempt' } });
      const starts = events.filter(({ e }) => e.type === 'started');
      expect(starts.map(({ e }) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
      expect(starts[1]!.at - requeued!.at).toBeGreaterThanOrEqual(350);
      expect(launches(dir).map((l) => l.x)).toEqual([7, 7]);
    } finally {
      await worker.stop();
    }
  });

  it('stops a trial running past trialTimeoutMs (SIGTERM, then SIGKILL after killGraceMs), for each attempt', async () => {
    const { dir, trials } = fixtureSweep([8]);
    const queue = 'hs-test-timeout';
    const worker = await startQueueWorker({ redis: redis.url(), queue, concurrency: 1, lockDurationMs: 4000 });
    try {
      const events: SweepEvent[] = [];
      // A shell that ignores SIGTERM (SIG_IGN survives exec): only the SIGKILL ends it.
      const stubborn = (): TrialCommand => ({ command: '/bin/sh', args: ['-c', `trap '' TERM; echo 'SIGTERM ignored' >&2; exec sleep 60`] });
      const outcome = await runSweep({
        dir, trials, command: stubborn, trialTimeoutMs: 1000, killGraceMs: 300,
        executor: queueExecutor({ redis: redis.url(), queue, attempts: 2, backoffMs: 100, pollMs: 250 }),
        onEvent: (e) => events.push(e),
      });
      expect(outcome.records[0]).toMatchObject({
        status: 'failed', timedOut: true, attempt: 2, signal: 'SIGKILL',
        summary: 'timed out after 1 s: stopped with SIGTERM, killed with SIGKILL after 0.3 s',
      });
      expect(outcome.records[0]!.error).toContain('SIGTERM ignored');
      expect(events.filter((e) => e.type === 'requeued').map((e) => (e as { record: { timedOut?: boolean } }).record.timedOut)).toEqual([true]);
      expect(events.filter((e) => e.type === 'started').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
      expect(outcome.failed).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
