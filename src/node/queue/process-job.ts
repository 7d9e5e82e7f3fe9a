import { hostname } from 'node:os';
import { trialPaths } from '../sweep/trial-paths.js';
import { describeTrialLock, holdsTrialLock } from '../sweep/trial-lock.js';
import { runLockedTrial } from '../sweep/locked-trial.js';
import { runTrialProcess } from '../sweep/trial-process.js';
import type { TrialRecord } from '../sweep/trial-record.js';
import { firstAbort } from './abort.js';
import { parseTrialJobData, workerCommand, type TrialJobData, type TrialJobProgress, type TrialJobResult } from './job.js';
import { jobOwner, takeOverTrialLock } from './take-over.js';

/**
 * The parts of a BullMQ job a worker uses.
 *
 * @example
 * ```ts
 * import type { QueueJob } from './process-job.js';
 * const tries = (job: QueueJob) => job.opts.attempts ?? 1;
 * ```
 */
export interface QueueJob {
  readonly id?: string | undefined;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number | undefined; readonly backoff?: number | { readonly type?: string; readonly delay?: number | undefined } | undefined };
  updateProgress(progress: object): Promise<void>;
  moveToWait(token?: string): Promise<unknown>;
}

/**
 * What {@link processTrialJob} needs besides the job: the queue it came from, who runs it, the
 * worker's stop signal, BullMQ's control-flow errors and where to log.
 *
 * @example
 * ```ts
 * import type { JobContext } from './process-job.js';
 * type Log = JobContext['log'];
 * ```
 */
export interface JobContext {
  readonly queue: string;
  /** `host:pid` (and `/n` for the n-th worker of a process). */
  readonly worker: string;
  /** Aborts (with `'SIGINT'` or `'SIGTERM'`) when the worker stops: running trials checkpoint and go back to the queue. */
  readonly stop: AbortSignal;
  readonly errors: { readonly WaitingError: new (message?: string) => Error; readonly UnrecoverableError: new (message?: string) => Error };
  readonly log: (line: string) => void;
}

/**
 * The delay before the next attempt after `attemptsMade` failures (BullMQ's fixed and exponential
 * backoffs: `delay`, or `delay * 2^(attemptsMade - 1)`).
 *
 * @example
 * ```ts
 * import { backoffDelay } from './process-job.js';
 * backoffDelay({ type: 'exponential', delay: 1000 }, 3); // 4000
 * ```
 */
export function backoffDelay(backoff: QueueJob['opts']['backoff'], attemptsMade: number): number {
  if (backoff === undefined) return 0;
  if (typeof backoff === 'number') return backoff;
  const delay = backoff.delay ?? 0;
  return backoff.type === 'exponential' ? Math.round(2 ** (attemptsMade - 1) * delay) : delay;
}

/** Job progress reports in order, one at a time; a failed report is logged, never thrown. */
function progressReporter(job: QueueJob, log: (line: string) => void): { report: (p: TrialJobProgress) => void; flush: () => Promise<void> } {
  let chain = Promise.resolve();
  let warned = false;
  return {
    report: (p) => {
      chain = chain.then(() => job.updateProgress(p as object)).catch((error: unknown) => {
        if (!warned) log(`could not report progress of job ${job.id}: ${(error as Error).message}`);
        warned = true;
      });
    },
    flush: () => chain,
  };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(2))} s`;
}

/**
 * Runs the trial of one queue job on this worker, the way the local executor runs a trial: under
 * its lock (taken over from a worker that lost the job), skipped when already finished, with the
 * job's command, timeout and grace period, its messages and its record reported as job progress.
 * Returns the job's result when the trial succeeded (or was already done); otherwise throws:
 * a failed attempt (BullMQ retries it with backoff while attempts remain), a lock held by a live
 * runner (retried too), the worker stopping (the job goes back to the queue without using an
 * attempt), or the job's BullMQ lock lost (another worker has it; nothing is written).
 *
 * @example
 * ```ts
 * import { processTrialJob } from './process-job.js';
 * // new Worker(queue, (job, token, signal) => processTrialJob(job, token!, signal, context), options)
 * ```
 */
export async function processTrialJob(job: QueueJob, token: string, jobSignal: AbortSignal | undefined, context: JobContext): Promise<TrialJobResult> {
  let data: TrialJobData;
  try {
    data = parseTrialJobData(job.data);
  } catch (error) {
    throw new context.errors.UnrecoverableError(`not a hyperschedule trial job: ${(error as Error).message}`);
  }
  const { trial, dir } = data;
  const paths = trialPaths(dir, trial.id);
  const progress = progressReporter(job, context.log);
  const lockLost = (): boolean => jobSignal?.aborted === true;
  // Lost the job: SIGTERM (the trial checkpoints); the worker stopping: its reason.
  const signal = firstAbort([context.stop, jobSignal]);
  const outcome = await runLockedTrial(trial, {
    dir,
    acquire: () => takeOverTrialLock(paths.lock, jobOwner(context.queue, job.id ?? trial.id, token), data.graceMs),
    isDone: (r) => r.status === 'ok' || (r.status === 'failed' && !data.retryFailed),
    signal,
    onStarted: (attempt) => {
      progress.report({ kind: 'started', attempt, worker: context.worker });
      context.log(`▶ ${trial.id}: attempt ${attempt} (queue ${context.queue})`);
    },
    run: (attempt, lock) => runTrialProcess(trial, attempt, lock, {
      dir,
      command: () => workerCommand(data),
      onMessage: (message) => progress.report({ kind: 'message', data: message }),
      signal,
      errorLines: data.errorLines,
      ...(data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {}),
      graceMs: data.graceMs,
      abortKillMs: data.graceMs,
      worker: context.worker,
    }),
    // Written while this worker still holds the trial's lock, even when it has lost the job: the
    // worker the job went to waits for that lock, then finds the record (a finished trial is not
    // run again). Once that worker has taken the lock over, nothing is written here.
    mayWrite: (lock) => holdsTrialLock(lock),
  });
  await progress.flush();
  if (lockLost()) throw new Error(`${trial.id}: this worker lost the job's lock (BullMQ hands the job to another worker)`);
  switch (outcome.kind) {
    case 'done':
      context.log(`↷ ${trial.id}: already finished (${outcome.record.status})`);
      return { record: outcome.record, skipped: true };
    case 'locked': {
      const message = describeTrialLock(outcome.holder);
      progress.report({ kind: 'locked', lock: outcome.holder, message });
      await progress.flush();
      context.log(`⧗ ${trial.id}: ${message}`);
      throw new Error(`locked: ${message}`);
    }
    case 'aborted':
      return requeue(job, token, context, trial.id);
    case 'ran':
      return settle(job, token, context, outcome.record, progress);
  }
}

/** The worker is stopping: the job goes back to the queue, its attempt not used. */
async function requeue(job: QueueJob, token: string, context: JobContext, id: string): Promise<never> {
  await job.moveToWait(token);
  context.log(`↺ ${id}: back in the queue (worker stopping)`);
  throw new context.errors.WaitingError();
}

async function settle(job: QueueJob, token: string, context: JobContext, record: TrialRecord, progress: ReturnType<typeof progressReporter>): Promise<TrialJobResult> {
  if (record.status === 'ok') {
    context.log(`✓ ${record.id}: ok in ${seconds(record.durationMs)}`);
    return { record, skipped: false };
  }
  if (record.status === 'interrupted') return requeue(job, token, context, record.id);
  const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const delayMs = final ? 0 : backoffDelay(job.opts.backoff, job.attemptsMade + 1);
  progress.report({ kind: 'attempt-failed', record, delayMs, final });
  await progress.flush();
  context.log(`✗ ${record.id}: ${record.summary ?? 'failed'}${final ? '' : ` (retry in ${seconds(delayMs)})`}`);
  throw new Error(record.summary ?? `trial ${record.id} failed`);
}

/**
 * `host:pid` of this process, with `/n` for the n-th worker it runs.
 *
 * @example
 * ```ts
 * import { workerName } from './process-job.js';
 * workerName(2).endsWith(`:${process.pid}/2`); // true
 * ```
 */
export function workerName(index?: number): string {
  return `${hostname()}:${process.pid}${index !== undefined ? `/${index}` : ''}`;
}
