import { relative } from 'node:path';
import { writeJsonAtomic } from '../sweep/atomic.js';
import type { SweepTrial } from '../sweep/config.js';
import type { SweepPlan } from '../sweep/executor.js';
import { trialPaths } from '../sweep/trial-paths.js';
import { checkTrialRecord, readTrialRecord, type TrialRecord, type TrialStatus } from '../sweep/trial-record.js';
import type { TrialJobProgress, TrialJobResult } from './job.js';

/**
 * A job as the submitter reads it back from the queue.
 *
 * @example
 * ```ts
 * import type { TrackedJob } from './tracker.js';
 * const why = (j: TrackedJob) => j.failedReason ?? 'unknown';
 * ```
 */
export interface TrackedJob {
  readonly returnvalue: unknown;
  readonly failedReason?: string;
  readonly progress: unknown;
}

/**
 * How the tracker reads the queue: a job's state (`completed`, `failed`, `active`, ...;
 * `unknown` when there is none) and the job itself.
 *
 * @example
 * ```ts
 * import type { JobReader } from './tracker.js';
 * // const reader: JobReader = { state: (id) => queue.getJobState(id), job: (id) => queue.getJob(id) };
 * ```
 */
export interface JobReader {
  state(id: string): Promise<string>;
  job(id: string): Promise<TrackedJob | undefined>;
}

/**
 * A record the submitter makes up for a trial whose worker could not write one (it died, the job
 * failed before the trial started, the job vanished).
 *
 * @example
 * ```ts
 * import { standInRecord } from './tracker.js';
 * standInRecord('/runs/s', { id: 'a', params: {} }, 'failed', 'job stalled more than allowable limit', 2).summary;
 * // 'job stalled more than allowable limit'
 * ```
 */
export function standInRecord(dir: string, trial: SweepTrial, status: TrialStatus, error: string, attempt: number): TrialRecord {
  const now = new Date().toISOString();
  return {
    id: trial.id,
    params: trial.params,
    status,
    error,
    summary: error,
    exitCode: null,
    signal: null,
    attempt,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    log: relative(dir, trialPaths(dir, trial.id).log),
  };
}

/**
 * Follows a sweep's jobs for the submitter and reports them as the local executor would: job
 * progress becomes `started` and `message` events, a failed attempt that the queue retries and a
 * job handed on after its worker died become `requeued`, a completed job `finished` (or `skipped`
 * when its worker found the trial already done), a job that failed for good `finished` with its
 * last attempt's record (or `locked` when a live runner held the trial throughout). Every trial is
 * finished exactly once, whether the news came as an event or from polling the job's state.
 *
 * @example
 * ```ts
 * import { JobTracker } from './tracker.js';
 * // const tracker = new JobTracker(plan, { state: (id) => queue.getJobState(id), job: (id) => queue.getJob(id) });
 * // events.on('progress', ({ jobId, data }) => tracker.progress(jobId, data));
 * ```
 */
export class JobTracker<R> {
  private readonly pending = new Map<string, SweepTrial>();
  private readonly closing = new Set<string>();
  private readonly finishing = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly failedAttempts = new Map<string, TrialRecord>();
  /** Jobs a poll found ended: the next poll reports them if their events have not by then. */
  private readonly seenEnded = new Set<string>();
  private wake: (() => void) | undefined;

  constructor(private readonly plan: SweepPlan<R>, private readonly reader: JobReader) {}

  /** Trials whose job has not ended yet. */
  get waitingFor(): readonly SweepTrial[] {
    return [...this.pending.values()];
  }

  /** Follows `trial`'s job from now on. */
  expect(trial: SweepTrial): void {
    this.pending.set(trial.id, trial);
  }

  /** The job is running already (found so when submitting again): its trial has started. */
  running(trial: SweepTrial, attempt: number): void {
    this.attempts.set(trial.id, attempt);
    this.plan.emit({ type: 'started', trial, attempt });
  }

  /** A job progress event. */
  progress(jobId: string, data: unknown): void {
    const trial = this.pending.get(jobId);
    const p = data as TrialJobProgress | null;
    if (!trial || !p || typeof p !== 'object') return;
    if (p.kind === 'started') {
      this.attempts.set(jobId, p.attempt);
      this.plan.emit({ type: 'started', trial, attempt: p.attempt });
    } else if (p.kind === 'message') {
      this.plan.emit({ type: 'message', trial, data: p.data });
    } else if (p.kind === 'attempt-failed') {
      this.failedAttempts.set(jobId, p.record);
      if (!p.final) this.plan.emit({ type: 'requeued', trial, record: this.parsed(p.record), delayMs: p.delayMs });
    }
  }

  /** A job stalled: its worker stopped renewing it, and BullMQ hands it to another worker. */
  stalled(jobId: string): void {
    const trial = this.pending.get(jobId);
    if (!trial) return;
    const why = 'its worker stopped answering (died or lost Redis): the job goes to another worker, which resumes the trial from its last checkpoint';
    this.plan.emit({ type: 'requeued', trial, record: standInRecord(this.plan.dir, trial, 'interrupted', why, this.attempts.get(jobId) ?? 1) as TrialRecord<R>, delayMs: 0 });
  }

  /**
   * A job ended (an event said so, or a poll found it): reads its state and reports the trial
   * once. `found` marks a job that had ended before this submission (a finished trial: `skipped`).
   * Returns false when the ended job cannot stand (a result `parseResult` rejects, found so).
   */
  async ended(jobId: string, found = false, polled = false): Promise<boolean> {
    const trial = this.pending.get(jobId);
    if (!trial || this.closing.has(jobId)) return true;
    this.closing.add(jobId);
    try {
      // The state first: a job read before it completed would lack its return value.
      const state = await this.reader.state(jobId);
      // A poll leaves a job that has just ended to its events (its last messages come first).
      if (polled && ['completed', 'failed', 'unknown'].includes(state) && !this.seenEnded.has(jobId)) {
        this.seenEnded.add(jobId);
        return true;
      }
      const job = state === 'completed' || state === 'failed' ? await this.reader.job(jobId) : undefined;
      if (state === 'completed' && job) return await this.completed(trial, job.returnvalue, found);
      if (state === 'failed' && job) await this.failed(trial, job, found);
      else if (!job && (state === 'completed' || state === 'failed' || state === 'unknown')) {
        await this.finish(trial, this.standIn(trial, 'failed', 'its job is no longer in the queue (removed while the sweep waited)'), false, true);
      }
      // Otherwise still queued or running: an event that was not the end after all.
      return true;
    } finally {
      this.closing.delete(jobId);
    }
  }

  /** Checks every job still followed (events can be missed: a reconnect, a submitter started late). */
  async poll(): Promise<void> {
    for (const id of [...this.pending.keys()]) await this.ended(id, false, true);
  }

  /** Resolves when every followed job has ended or `signal` aborts, polling every `pollMs`. */
  async settled(signal: AbortSignal | undefined, pollMs: number): Promise<void> {
    while (this.pending.size > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
      this.wake = undefined;
      if (this.pending.size > 0 && !signal?.aborted) await this.poll();
    }
  }

  /**
   * After an abort with local workers: the trials they stopped wrote `interrupted` records;
   * those are reported as the local executor reports them.
   */
  async collectInterrupted(): Promise<void> {
    for (const trial of this.waitingFor) {
      if (!this.attempts.has(trial.id)) continue;
      const record = await readTrialRecord(this.plan.dir, trial.id, this.plan.parseResult);
      if (record?.status === 'interrupted' && record.attempt === this.attempts.get(trial.id)) await this.finish(trial, record, false, false);
    }
  }

  private standIn(trial: SweepTrial, status: TrialStatus, why: string): TrialRecord<R> {
    return standInRecord(this.plan.dir, trial, status, why, this.attempts.get(trial.id) ?? 1) as TrialRecord<R>;
  }

  /** A record from a worker with `parseResult` applied (a rejected result makes it `failed`, as locally). */
  private parsed(raw: unknown): TrialRecord<R> {
    const record = raw as TrialRecord<R>;
    if (record.status !== 'ok' || !this.plan.parseResult) return record;
    try {
      return { ...record, result: this.plan.parseResult(record.result) };
    } catch (error) {
      const why = `invalid result: ${(error as Error).message}`;
      const { result: _dropped, ...rest } = record;
      return { ...rest, status: 'failed', error: why, summary: why };
    }
  }

  private async completed(trial: SweepTrial, value: unknown, found: boolean): Promise<boolean> {
    const raw = checkTrialRecord((value as Partial<TrialJobResult> | null)?.record, trial.id);
    if (!raw) {
      await this.finish(trial, this.standIn(trial, 'failed', 'its job completed without a trial record'), false, true);
      return true;
    }
    const record = this.parsed(raw);
    if (found && record.status !== raw.status) {
      this.closing.delete(trial.id);
      return false;
    }
    // A worker finding the record that an earlier run of this same submission wrote (its worker
    // lost the job just as the trial ended): finished here, not skipped.
    const skipped = found || ((value as TrialJobResult).skipped === true && !this.attempts.has(trial.id));
    await this.finish(trial, record, skipped, record.status !== raw.status);
    return true;
  }

  private async failed(trial: SweepTrial, job: TrackedJob, found: boolean): Promise<void> {
    const p = job.progress as TrialJobProgress | null;
    if (p && typeof p === 'object' && p.kind === 'locked') {
      this.pending.delete(trial.id);
      this.plan.emit({ type: 'locked', trial, lock: p.lock, message: p.message });
      if (this.pending.size === 0) this.wake?.();
      return;
    }
    const last = this.failedAttempts.get(trial.id) ?? (p && typeof p === 'object' && p.kind === 'attempt-failed' ? p.record : undefined);
    const record = last ? this.parsed(last) : this.standIn(trial, 'failed', job.failedReason ?? 'its job failed');
    await this.finish(trial, record, found, last === undefined);
  }

  /**
   * Reports the trial's end once. Its record is written unless the folder holds that very record
   * already (its worker wrote it there: shared storage), or `write` (a record made or changed here).
   */
  private async finish(trial: SweepTrial, record: TrialRecord<R>, skipped: boolean, write: boolean): Promise<void> {
    if (!this.pending.has(trial.id) || this.finishing.has(trial.id)) return;
    this.finishing.add(trial.id);
    try {
      const there = await readTrialRecord(this.plan.dir, trial.id);
      if (write || there?.finishedAt !== record.finishedAt || there.attempt !== record.attempt) {
        await writeJsonAtomic(trialPaths(this.plan.dir, trial.id).record, record);
      }
    } finally {
      this.finishing.delete(trial.id);
    }
    // Left pending until reported: `settled` must not return between the two.
    this.pending.delete(trial.id);
    this.plan.emit(skipped ? { type: 'skipped', trial, record } : { type: 'finished', trial, record });
    if (this.pending.size === 0) this.wake?.();
  }
}
