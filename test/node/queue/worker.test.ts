/**
 * A worker started without a queue serves every sweep submitted to its Redis, found as they are
 * submitted, and its concurrency bounds its trials over all of them. Its command line
 * (`hyperschedule worker`) names what is wrong with its options before touching anything.
 */
import { describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../../../src/node/cli/run.js';
import { queueExecutor } from '../../../src/node/queue/queue-executor.js';
import { startQueueWorker } from '../../../src/node/queue/worker.js';
import { runSweep } from '../../../src/node/sweep/runner.js';
import { REDIS_SERVER, completionTimes, fixtureCommand, fixtureSweep, launches, requireRedisInCi, useRedis } from './helpers.js';

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readFile: () => '' };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('hyperschedule worker: bad options', () => {
  it('needs --redis, a redis:// URL, and a decimal --concurrency', async () => {
    expect(await cli(['worker'])).toMatchObject({ code: 1, stderr: expect.stringContaining("required option '--redis <url>' not specified") });
    expect(await cli(['worker', '--redis', 'localhost:6379'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^hyperschedule: redis: got "localhost:6379", expected redis:\/\/HOST:PORT/) });
    expect(await cli(['worker', '--redis', 'redis://127.0.0.1:6379', '--concurrency', '0x2'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--concurrency') });
    expect(await cli(['worker', '--redis', 'redis://127.0.0.1:6379', '--queue', 'a:b'])).toMatchObject({ code: 1, stderr: expect.stringContaining('queue: got "a:b"') });
  });
});

requireRedisInCi();

describe.skipIf(REDIS_SERVER === undefined)('a worker without --queue', () => {
  const redis = useRedis();

  it('says so in one line when Redis does not answer', async () => {
    const url = redis.url().replace(/:\d+$/, ':1');
    const { code, stderr } = await cli(['worker', '--redis', url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^hyperschedule: redis: got "redis:\/\/127\.0\.0\.1:1", expected a Redis server that answers \(redis:\/\/HOST:PORT; .*ECONNREFUSED.*\)\n$/);
  });

  it('serves two sweeps submitted at once, one trial at a time with --concurrency 1', async () => {
    const worker = await startQueueWorker({ redis: redis.url(), concurrency: 1, discoveryIntervalMs: 200, lockDurationMs: 4000 });
    try {
      const one = fixtureSweep([1, 2], { steps: 3, stepMs: 100 });
      const two = fixtureSweep([3, 4], { steps: 3, stepMs: 100 });
      const seen: string[] = [];
      const run = (s: typeof one) => runSweep({
        ...s, command: fixtureCommand,
        executor: queueExecutor({ redis: redis.url(), pollMs: 250, log: (l) => seen.push(l) }),
        onEvent: (e) => seen.push(`${e.type} ${e.trial.id}${e.type === 'finished' ? ` ${e.record.status}` : ''}`),
      });
      const [a, b] = await Promise.all([run(one), run(two)]);
      expect([...a.records, ...b.records].map((r) => r.status), seen.join('\n')).toEqual(['ok', 'ok', 'ok', 'ok']);
      // Never two trials at once: each started after the previous one wrote its result.
      const spans = [one, two].flatMap(({ dir }) => {
        const ends = completionTimes(dir);
        return launches(dir).map((l) => [l.at, ends.get(l.x)!] as const);
      }).sort((p, q) => p[0] - q[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      expect(spans).toHaveLength(4);
      // Finished sweeps leave the list of queues, and the worker stops serving them.
      await new Promise((r) => setTimeout(r, 600));
      expect(worker.queues()).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});
