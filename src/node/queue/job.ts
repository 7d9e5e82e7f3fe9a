import { checkArray, checkLiteral, checkNumber, checkObject, checkOptional, checkRecord, checkString, checkBoolean, checkUnknown } from '../../check.js';
import type { SweepTrial, TrialParams } from '../sweep/config.js';
import type { TrialCommand } from '../sweep/trial-process.js';
import type { TrialLock } from '../sweep/trial-lock.js';
import type { TrialRecord } from '../sweep/trial-record.js';

/**
 * What a queue job carries: everything a worker needs to run the trial the way the local executor
 * would (the trial, the sweep folder, the command to start and the limits), as JSON. The worker
 * reaches the folder at the same path (shared storage) and has the project at the command's paths.
 *
 * @example
 * ```ts
 * import type { TrialJobData } from './job.js';
 * const id = (d: TrialJobData) => d.trial.id;
 * ```
 */
export interface TrialJobData {
  readonly version: 1;
  readonly trial: SweepTrial;
  /** The sweep folder. */
  readonly dir: string;
  readonly command: TrialCommand;
  /** The command is the submitter's Node binary: a worker starts its own (`process.execPath`) instead. */
  readonly node: boolean;
  readonly timeoutMs?: number;
  readonly graceMs: number;
  readonly errorLines: number;
  readonly retryFailed: boolean;
}

/**
 * What a worker reports on a job as it runs (BullMQ job progress): the attempt starting, each
 * message of the trial, an attempt that failed (and whether the queue retries it), or a trial whose
 * lock another live runner holds.
 *
 * @example
 * ```ts
 * import type { TrialJobProgress } from './job.js';
 * const p: TrialJobProgress = { kind: 'started', attempt: 1, worker: 'gpu1:4242' };
 * ```
 */
export type TrialJobProgress =
  | { readonly kind: 'started'; readonly attempt: number; readonly worker: string }
  | { readonly kind: 'message'; readonly data: unknown }
  | { readonly kind: 'attempt-failed'; readonly record: TrialRecord; readonly delayMs: number; readonly final: boolean }
  | { readonly kind: 'locked'; readonly lock: TrialLock; readonly message: string };

/**
 * What a job returns when it completes: the trial's record, and whether the worker found it
 * already finished (by another runner) instead of running it.
 *
 * @example
 * ```ts
 * import type { TrialJobResult } from './job.js';
 * const ok = (r: TrialJobResult) => r.record.status === 'ok';
 * ```
 */
export interface TrialJobResult {
  readonly record: TrialRecord;
  readonly skipped: boolean;
}

/**
 * The job of `trial`: its command built now (a worker cannot call the submitter's function).
 *
 * @example
 * ```ts
 * import { trialJobData } from './job.js';
 * trialJobData({ id: 'a', params: { x: 1 } }, '/runs/s', { command: process.execPath, args: ['t.mjs'] }, { graceMs: 30_000, errorLines: 20, retryFailed: true }).node; // true
 * ```
 */
export function trialJobData(
  trial: SweepTrial,
  dir: string,
  command: TrialCommand,
  limits: { readonly timeoutMs?: number; readonly graceMs: number; readonly errorLines: number; readonly retryFailed: boolean },
): TrialJobData {
  return {
    version: 1,
    trial: { id: trial.id, params: trial.params },
    dir,
    command: { command: command.command, args: [...command.args], ...(command.env ? { env: { ...command.env } } : {}), ...(command.cwd !== undefined ? { cwd: command.cwd } : {}) },
    node: command.command === process.execPath,
    ...(limits.timeoutMs !== undefined ? { timeoutMs: limits.timeoutMs } : {}),
    graceMs: limits.graceMs,
    errorLines: limits.errorLines,
    retryFailed: limits.retryFailed,
  };
}

const readJob = checkObject({
  version: checkLiteral(1),
  trial: checkObject({ id: checkString(), params: checkRecord(checkUnknown()) }),
  dir: checkString(),
  command: checkObject({
    command: checkString(),
    args: checkArray(checkString()),
    env: checkOptional(checkRecord(checkString())),
    cwd: checkOptional(checkString()),
  }),
  node: checkBoolean(),
  timeoutMs: checkOptional(checkNumber({ gt: 0 })),
  graceMs: checkNumber({ ge: 0 }),
  errorLines: checkNumber({ ge: 0, integer: true }),
  retryFailed: checkBoolean(),
});

/**
 * Checks a job's data (it crossed Redis: another version of hyperschedule may have written it).
 *
 * @example
 * ```ts
 * import { parseTrialJobData } from './job.js';
 * parseTrialJobData({ version: 2 }); // throws: job.version: got 2, expected 1
 * ```
 */
export function parseTrialJobData(value: unknown): TrialJobData {
  const job = readJob(value, 'job');
  return { ...job, trial: { id: job.trial.id, params: job.trial.params as TrialParams } };
}

/**
 * The command a worker starts for a job: the job's, with the worker's own Node binary when the
 * submitter's was given.
 *
 * @example
 * ```ts
 * import { workerCommand } from './job.js';
 * workerCommand({ command: { command: '/usr/bin/node', args: ['t.mjs'] }, node: true }).command === process.execPath; // true
 * ```
 */
export function workerCommand(job: Pick<TrialJobData, 'command' | 'node'>): TrialCommand {
  return job.node ? { ...job.command, command: process.execPath } : job.command;
}
