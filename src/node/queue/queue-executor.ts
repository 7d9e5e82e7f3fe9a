import type { Queue, QueueEvents } from 'bullmq';
import { HyperscheduleError } from '../../errors.js';
import { writeJsonAtomic } from '../sweep/atomic.js';
import type { SweepTrial } from '../sweep/config.js';
import type { SweepExecutor, SweepPlan } from '../sweep/executor.js';
import { trialPaths } from '../sweep/trial-paths.js';
import { readTrialRecord } from '../sweep/trial-record.js';
import { throttledErrors, whenConnected } from './connection.js';
import { trialJobData, type TrialJobData, type TrialJobResult } from './job.js';
import { loadBullMQ } from './load-bullmq.js';
import { workerName } from './process-job.js';
import { checkQueueName, defaultQueueName } from './queue-name.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { registerQueue, unregisterQueue, type RegistryClient } from './registry.js';
import { JobTracker, standInRecord, type TrackedJob } from './tracker.js';
import { startQueueWorker, type QueueWorker } from './worker.js';

/**
 * Options of {@link queueExecutor}.
 *
 * @example
 * ```ts
 * import type { QueueExecutorOptions } from 'hyperschedule/node';
 * const o: QueueExecutorOptions = { redis: 'redis://10.0.0.5:6379', attempts: 3, backoffMs: 10_000 };
 * ```
 */
export interface QueueExecutorOptions {
  /**
   * `redis://HOST:PORT` of the Redis the workers use, or `'auto'`: start a private `redis-server`
   * on a free loopback port and `workers` workers in this process, all stopped at the end (also on
   * an abort or an error) — for trying the queue on one machine.
   */
  readonly redis: string;
  /** The queue (default: {@link defaultQueueName} of the sweep folder). */
  readonly queue?: string;
  /** Runs per trial before it is recorded as failed, each resuming from its checkpoint (default 3). */
  readonly attempts?: number;
  /** Delay before the first retry, doubled for each next one, in ms (default 10 000). */
  readonly backoffMs?: number;
  /** With `redis: 'auto'`: the local workers, one trial each (default: the sweep's `concurrency`). */
  readonly workers?: number;
  /** With `redis: 'auto'`: the local workers' `lockDurationMs` (default 30 000). */
  readonly lockDurationMs?: number;
  /** How often the jobs' states are read besides listening to their events, in ms (default 2000). */
  readonly pollMs?: number;
  /** How the workers are started, for the line that says so (default `npx hyperschedule worker`). */
  readonly workerCommand?: string;
  /** Lines about the queue: where it is, what was queued, how to start workers. */
  readonly log?: (line: string) => void;
}

interface Checked {
  readonly redis: string;
  readonly queue?: string;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly workers?: number;
  readonly lockDurationMs?: number;
  readonly pollMs: number;
  readonly workerCommand: string;
  readonly log: (line: string) => void;
}

function positiveInteger(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new HyperscheduleError(field, value, 'an integer >= 1');
  return value;
}

function milliseconds(field: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 2 ** 31 - 1)) {
    throw new HyperscheduleError(field, value, `a number of milliseconds >= ${min}`);
  }
  return value;
}

function check(options: QueueExecutorOptions): Checked {
  const workers = positiveInteger('workers', options.workers);
  const lockDurationMs = milliseconds('lockDurationMs', options.lockDurationMs, 100);
  return {
    redis: checkRedisUrl(options.redis, 'redis', true),
    ...(options.queue !== undefined ? { queue: checkQueueName(options.queue, 'queue') } : {}),
    attempts: positiveInteger('attempts', options.attempts) ?? 3,
    backoffMs: milliseconds('backoffMs', options.backoffMs, 0) ?? 10_000,
    ...(workers !== undefined ? { workers } : {}),
    ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
    pollMs: milliseconds('pollMs', options.pollMs, 10) ?? 2_000,
    workerCommand: options.workerCommand ?? 'npx hyperschedule worker',
    log: options.log ?? (() => {}),
  };
}

/**
 * Runs a sweep's trials as jobs on a BullMQ queue (Redis), for workers on any number of machines
 * (`npx hyperschedule worker --redis redis://HOST:PORT`, or {@link startQueueWorker}). Each trial is
 * one job whose id is the trial id, carrying what a worker needs: the trial's parameters, the sweep
 * folder and the command the local executor would start. Workers reach the folder through shared
 * storage at the same path, and have the project at the command's paths (same image or checkout).
 *
 * The submitter (this process) waits for every job and reports the same events as the local
 * executor, so a caller prints the same progress, table and report. Submitting the same sweep again
 * skips finished trials (a record in the folder, or a completed job), waits for those still queued
 * or running, and queues the rest (a job that failed for good is queued afresh). A failed attempt
 * is retried after `backoffMs`, doubled each time, up to `attempts` runs, each resuming from its
 * checkpoint; `trialTimeoutMs` works per attempt as in the local executor. A worker that dies
 * mid-trial leaves a stalled job that BullMQ hands to another worker, which resumes the trial.
 * Aborting the sweep stops waiting: with `redis: 'auto'` the local workers stop their trials (they
 * checkpoint, as locally); with a shared Redis the trials go on on the workers, and submitting
 * again waits for them. `parseResult` runs here, on the records the workers return.
 *
 * BullMQ is an optional peer dependency (`npm install bullmq`), loaded only when the executor runs.
 *
 * @example
 * ```ts
 * import { expandSweep, queueExecutor, runSweep } from 'hyperschedule/node';
 * const trials = expandSweep({ name: 'lr', grids: [{ lr: [1e-3, 1e-2] }], seeds: 2 });
 * const executor = queueExecutor({ redis: 'redis://10.0.0.5:6379', attempts: 3 });
 * executor.name; // 'queue'
 * // await runSweep({ dir: '/shared/runs/lr', trials, command, executor });
 * ```
 */
export function queueExecutor(options: QueueExecutorOptions): SweepExecutor {
  const checked = check(options);
  return { name: 'queue', run: (plan) => runOnQueue(checked, plan) };
}

function checkJobIds(trials: readonly SweepTrial[]): void {
  for (const t of trials) {
    // BullMQ keeps plain integers for its own job ids.
    if (`${Number.parseInt(t.id, 10)}` === t.id) throw new HyperscheduleError('sweep.trials.id', t.id, 'an id that is not a plain integer with the queue executor (BullMQ keeps those for its own jobs)');
  }
}

async function runOnQueue<R>(o: Checked, plan: SweepPlan<R>): Promise<void> {
  if (plan.trials.length === 0) return;
  checkJobIds(plan.trials);
  const bull = await loadBullMQ();
  const closers: (() => Promise<unknown>)[] = [];
  let server: RedisServer | undefined;
  try {
    if (o.redis === 'auto') {
      server = await startRedisServer();
      closers.push(server.stop);
    }
    const url = server?.url ?? o.redis;
    const name = o.queue ?? defaultQueueName(plan.dir);
    const queue: Queue<TrialJobData, TrialJobResult> = new bull.Queue<TrialJobData, TrialJobResult>(name, { connection: { url } });
    await whenConnected(queue, url, 'redis', throttledErrors(o.log, `queue ${name}`));
    closers.unshift(() => queue.close());
    const events: QueueEvents = new bull.QueueEvents(name, { connection: { url } });
    await whenConnected(events, url, 'redis', throttledErrors(o.log, `queue events ${name}`));
    closers.unshift(() => events.close());

    const tracker = new JobTracker<R>(plan, {
      state: (id) => queue.getJobState(id),
      job: async (id) => (await queue.getJob(id)) as TrackedJob | undefined,
    });
    const ended = (jobId: string): void => void tracker.ended(jobId).catch((error: unknown) => o.log(`reading job ${jobId}: ${(error as Error).message}`));
    events.on('progress', ({ jobId, data }) => tracker.progress(jobId, data));
    events.on('completed', ({ jobId }) => ended(jobId));
    events.on('failed', ({ jobId }) => ended(jobId));
    events.on('removed', ({ jobId }) => ended(jobId));
    events.on('stalled', ({ jobId }) => tracker.stalled(jobId));

    const workers: QueueWorker[] = [];
    if (server) {
      const count = o.workers ?? plan.concurrency;
      for (let i = 0; i < count; i++) {
        const worker = await startQueueWorker({
          redis: url, queue: name, concurrency: 1, index: i + 1,
          ...(o.lockDurationMs !== undefined ? { lockDurationMs: o.lockDurationMs } : {}),
          ...(plan.signal ? { signal: plan.signal } : {}),
        });
        workers.push(worker);
        closers.unshift(() => worker.stop());
      }
    }
    const client = (await queue.client) as unknown as RegistryClient;
    await registerQueue(client, { queue: name, dir: plan.dir, submittedBy: workerName(), submittedAt: new Date().toISOString() });

    const counts = await enqueue(o, plan, queue, tracker);
    const waiting = tracker.waitingFor.length;
    o.log(`queue ${name} on ${redactRedisUrl(url)}: ${counts.added} trial(s) queued, ${counts.attached} already queued or running, ${counts.done} finished before`);
    if (waiting > 0 && !server) o.log(`waiting for workers: ${o.workerCommand} --redis ${redactRedisUrl(url)} [--concurrency N]`);
    if (server) o.log(`${workers.length} local worker(s) on a private redis-server (${url}), stopped at the end`);

    await tracker.settled(plan.signal, o.pollMs);
    if (plan.signal?.aborted) {
      if (workers.length > 0) {
        // The local workers stop with the sweep's signal; their trials checkpoint and record it.
        await Promise.all(workers.map((w) => w.stopped));
        await tracker.collectInterrupted();
      } else if (tracker.waitingFor.length > 0) {
        o.log(`${tracker.waitingFor.length} trial(s) stay queued or running on the workers; submit the same sweep again to wait for them`);
      }
    }
    if (tracker.waitingFor.length === 0 || server) await unregisterQueue(client, name).catch(() => undefined);
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

/** Queues the plan's trials, or finds their jobs: returns how many were added, found queued, found done. */
async function enqueue<R>(o: Checked, plan: SweepPlan<R>, queue: Queue<TrialJobData, TrialJobResult>, tracker: JobTracker<R>): Promise<{ added: number; attached: number; done: number }> {
  let added = 0;
  let attached = 0;
  let done = 0;
  for (const trial of plan.trials) {
    const state = await queue.getJobState(trial.id);
    if (state === 'completed' || (state === 'failed' && !plan.retryFailed)) {
      tracker.expect(trial);
      if (await tracker.ended(trial.id, true)) {
        done += 1;
        continue;
      }
    }
    if (['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
      tracker.expect(trial);
      if (state === 'active') tracker.running(trial, ((await readTrialRecord(plan.dir, trial.id))?.attempt ?? 0) + 1);
      attached += 1;
      continue;
    }
    // Failed for good before (or completed with a result parseResult now rejects): run it afresh.
    if (state === 'completed' || state === 'failed') await queue.remove(trial.id);
    const paths = trialPaths(plan.dir, trial.id);
    let command;
    try {
      command = plan.command(trial, paths);
    } catch (error) {
      const why = `could not build the trial command: ${(error as Error).message}`;
      const record = standInRecord(plan.dir, trial, 'failed', why, 1);
      await writeJsonAtomic(paths.record, record);
      plan.emit({ type: 'started', trial, attempt: 1 });
      plan.emit({ type: 'finished', trial, record: record as typeof record & { result?: R } });
      continue;
    }
    tracker.expect(trial);
    await queue.add('trial', trialJobData(trial, plan.dir, command, plan), {
      jobId: trial.id,
      attempts: o.attempts,
      backoff: { type: 'exponential', delay: o.backoffMs },
      removeOnComplete: false,
      removeOnFail: false,
    });
    added += 1;
  }
  return { added, attached, done };
}
