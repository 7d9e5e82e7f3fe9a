/**
 * What the queue executor and its workers say before touching Redis: bad options name the option,
 * the value and what is allowed; a missing `bullmq` or `redis-server` says how to install it; the
 * default queue name follows the sweep folder; job data from another version is refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import { parseTrialJobData, trialJobData, workerCommand } from '../../../src/node/queue/job.js';
import { loadBullMQ } from '../../../src/node/queue/load-bullmq.js';
import { backoffDelay } from '../../../src/node/queue/process-job.js';
import { queueExecutor } from '../../../src/node/queue/queue-executor.js';
import { defaultQueueName } from '../../../src/node/queue/queue-name.js';
import { findRedisServer, requireRedisServer } from '../../../src/node/queue/redis-server.js';
import { redactRedisUrl } from '../../../src/node/queue/redis-url.js';
import { startQueueWorker } from '../../../src/node/queue/worker.js';
import { runSweep } from '../../../src/node/sweep/runner.js';

describe('queue options', () => {
  it('are checked when the executor is made', () => {
    expect(() => queueExecutor({ redis: 'localhost:6379' })).toThrow(/^redis: got "localhost:6379", expected redis:\/\/HOST:PORT .*, or auto \(start a private redis-server here\)$/);
    expect(() => queueExecutor({ redis: 'http://x:1' })).toThrow(HyperscheduleError);
    expect(() => queueExecutor({ redis: 'auto', attempts: 0 })).toThrow('attempts: got 0, expected an integer >= 1');
    expect(() => queueExecutor({ redis: 'auto', backoffMs: -1 })).toThrow('backoffMs: got -1, expected a number of milliseconds >= 0');
    expect(() => queueExecutor({ redis: 'auto', queue: 'a:b' })).toThrow('queue: got "a:b", expected a queue name of letters, digits, _ . - (no ":")');
    expect(queueExecutor({ redis: 'redis://10.0.0.5:6379' }).name).toBe('queue');
  });

  it('a worker takes no "auto" and no fractional concurrency', async () => {
    await expect(startQueueWorker({ redis: 'auto' })).rejects.toThrow(/^redis: got "auto", expected redis:\/\/HOST:PORT/);
    await expect(startQueueWorker({ redis: 'redis://h:1', concurrency: 1.5 })).rejects.toThrow('concurrency: got 1.5, expected an integer >= 1');
  });

  it('trial ids that are plain integers are refused (BullMQ keeps those), before any connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-queue-ids-'));
    await expect(runSweep({ dir, trials: [{ id: '42', params: {} }], command: () => ({ command: 'true', args: [] }), executor: queueExecutor({ redis: 'redis://127.0.0.1:1' }) }))
      .rejects.toThrow('sweep.trials.id: got "42", expected an id that is not a plain integer');
  });

  it('with nothing to run, no Redis is needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-queue-none-'));
    const outcome = await runSweep({ dir, trials: [], command: () => ({ command: 'true', args: [] }), executor: queueExecutor({ redis: 'redis://127.0.0.1:1' }) });
    expect(outcome.records).toEqual([]);
  });

  it('a missing bullmq says to install it; other load errors pass through', async () => {
    const missing = Object.assign(new Error("Cannot find package 'bullmq' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadBullMQ(() => Promise.reject(missing))).rejects.toThrow('executor: got "queue", expected the bullmq package, an optional peer dependency of hyperschedule: npm install bullmq');
    await expect(loadBullMQ(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('a missing redis-server names the option and says how to install it', () => {
    expect(findRedisServer('', [])).toBeUndefined();
    expect(() => requireRedisServer(findRedisServer('', []), '--redis')).toThrow(
      '--redis: got "auto", expected redis-server installed to start a private Redis (Debian/Ubuntu: apt-get install redis-server), or redis://HOST:PORT of a running one',
    );
  });

  it('the default queue follows the sweep folder; URLs are logged without their password', () => {
    expect(defaultQueueName('/runs/study sweep')).toMatch(/^hyperschedule-study-sweep-[0-9a-f]{8}$/);
    expect(defaultQueueName('/runs/a/../study sweep')).toBe(defaultQueueName('/runs/study sweep'));
    expect(defaultQueueName('/other/study sweep')).not.toBe(defaultQueueName('/runs/study sweep'));
    expect(redactRedisUrl('redis://:secret@db:6379/0')).toBe('redis://:***@db:6379/0');
  });

  it('job data round-trips; a worker runs its own node; data from another version is refused', () => {
    const data = trialJobData({ id: 't', params: { lr: 0.1 } }, '/runs/s', { command: process.execPath, args: ['trial.mjs'], cwd: '/app' }, { graceMs: 1000, errorLines: 20, retryFailed: true });
    expect(parseTrialJobData(JSON.parse(JSON.stringify(data)))).toEqual(data);
    expect(workerCommand({ ...data, command: { ...data.command, command: '/opt/other/node' } })).toMatchObject({ command: process.execPath, args: ['trial.mjs'], cwd: '/app' });
    expect(workerCommand({ command: { command: '/bin/sh', args: [] }, node: false }).command).toBe('/bin/sh');
    expect(() => parseTrialJobData({ ...data, version: 2 })).toThrow('job.version: got 2, expected 1');
  });

  it('backoff: fixed, or doubling from the first delay', () => {
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'exponential', delay: 1000 }, n))).toEqual([1000, 2000, 4000]);
    expect(backoffDelay({ type: 'fixed', delay: 500 }, 3)).toBe(500);
    expect(backoffDelay(undefined, 2)).toBe(0);
  });
});
