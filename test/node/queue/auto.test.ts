/**
 * `redis: 'auto'` (the example's `--redis auto`): a private redis-server on a free loopback port and
 * local workers, all stopped at the end — also when the sweep is aborted (Ctrl-C), whose trials
 * checkpoint and are recorded `interrupted` as with the local executor, so a rerun resumes them.
 */
import { createConnection } from 'node:net';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queueExecutor } from '../../../src/node/queue/queue-executor.js';
import { runSweep } from '../../../src/node/sweep/runner.js';
import { type SweepEvent } from '../../../src/node/sweep/events.js';
import { trialPaths } from '../../../src/node/sweep/trial-paths.js';
import { REDIS_SERVER, completions, fixtureCommand, fixtureSweep, launches, requireRedisInCi } from './helpers.js';

/** Whether something accepts connections on 127.0.0.1:`port`. */
async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

/** The private Redis's port, from the executor's log line naming it. */
function portOf(lines: readonly string[]): number {
  const match = lines.join('\n').match(/private redis-server \(redis:\/\/127\.0\.0\.1:(\d+)\)/);
  if (!match) throw new Error(`no redis line in:\n${lines.join('\n')}`);
  return Number(match[1]);
}

requireRedisInCi();

describe.skipIf(REDIS_SERVER === undefined)("queueExecutor({ redis: 'auto' })", () => {
  it('starts redis-server and local workers, runs the sweep through them, and stops them all', async () => {
    const { dir, trials } = fixtureSweep([1, 2, 3], { steps: 3, stepMs: 50 });
    const log: string[] = [];
    const outcome = await runSweep({
      dir, trials, command: fixtureCommand, concurrency: 2,
      executor: queueExecutor({ redis: 'auto', pollMs: 250, log: (l) => log.push(l) }),
    });
    expect(outcome.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(completions(dir).sort()).toEqual([1, 2, 3]);
    expect(log.join('\n')).toContain('2 local worker(s) on a private redis-server');
    // Two workers (one trial each) in this process: the trials' parent is this process.
    expect(new Set(launches(dir).map((l) => l.ppid))).toEqual(new Set([process.pid]));
    expect(await listening(portOf(log))).toBe(false);
  });

  it('on an abort stops the trials (they checkpoint: interrupted), the workers and redis; a rerun resumes them', async () => {
    const { dir, trials } = fixtureSweep([4, 5], { steps: 40, stepMs: 50 });
    const controller = new AbortController();
    const log: string[] = [];
    const events: SweepEvent[] = [];
    const outcome = await runSweep({
      dir, trials, command: fixtureCommand, concurrency: 2, signal: controller.signal,
      executor: queueExecutor({ redis: 'auto', pollMs: 250, log: (l) => log.push(l) }),
      onEvent: (e) => {
        events.push(e);
        // Both trials past their third step: Ctrl-C.
        const steps = events.filter((x) => x.type === 'message' && (x.data as { step: number }).step >= 3);
        if (new Set(steps.map((x) => x.trial.id)).size === 2) controller.abort();
      },
    });
    expect(outcome.aborted).toBe(true);
    expect(outcome.records.map((r) => r.status)).toEqual(['interrupted', 'interrupted']);
    for (const t of trials) expect(readdirSync(trialPaths(dir, t.id).dir).filter((f) => f.endsWith('-by-SIGINT'))).toHaveLength(1);
    expect(await listening(portOf(log))).toBe(false);

    const again = await runSweep({ dir, trials, command: fixtureCommand, concurrency: 2, executor: queueExecutor({ redis: 'auto', pollMs: 250 }) });
    expect(again.records.map((r) => [r.status, r.attempt])).toEqual([['ok', 2], ['ok', 2]]);
    expect(launches(dir).filter((l) => l.start >= 3).map((l) => l.x).sort()).toEqual([4, 5]);
    expect(completions(dir).sort()).toEqual([4, 5]);
  });
});
