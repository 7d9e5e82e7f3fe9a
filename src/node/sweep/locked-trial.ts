import { writeJsonAtomic } from './atomic.js';
import type { SweepTrial } from './config.js';
import { trialPaths } from './trial-paths.js';
import { releaseTrialLock, type LockAttempt, type TrialLock } from './trial-lock.js';
import { readTrialRecord, type TrialRecord } from './trial-record.js';

/**
 * How {@link runLockedTrial} went: `locked` (another holder runs it), `done` (finished by someone
 * else meanwhile: its record), `aborted` (stopped before it started), `ran` (its new record, and
 * whether it was written: a holder that lost its lock meanwhile writes nothing).
 *
 * @example
 * ```ts
 * import type { LockedTrialOutcome } from './locked-trial.js';
 * const record = (o: LockedTrialOutcome) => (o.kind === 'ran' || o.kind === 'done' ? o.record : undefined);
 * ```
 */
export type LockedTrialOutcome<R = unknown> =
  | { readonly kind: 'locked'; readonly holder: TrialLock }
  | { readonly kind: 'done'; readonly record: TrialRecord<R> }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'ran'; readonly record: TrialRecord<R>; readonly written: boolean };

/**
 * What {@link runLockedTrial} needs: how to take the lock, what counts as done, and how to run
 * one attempt.
 *
 * @example
 * ```ts
 * import type { LockedTrialSteps } from './locked-trial.js';
 * type Steps = LockedTrialSteps<{ y: number }>;
 * ```
 */
export interface LockedTrialSteps<R> {
  readonly dir: string;
  readonly acquire: () => Promise<LockAttempt>;
  readonly isDone: (record: TrialRecord<R>) => boolean;
  readonly parseResult?: (value: unknown) => R;
  readonly signal?: AbortSignal;
  /** Called once the attempt is decided, before the process starts. */
  readonly onStarted: (attempt: number) => void | Promise<void>;
  readonly run: (attempt: number, lock: TrialLock) => Promise<TrialRecord<R>>;
  /** Whether the record may be written now (default: always); the queue checks it still holds the trial. */
  readonly mayWrite?: (lock: TrialLock) => Promise<boolean>;
  /** Called with the new record once it is written, still under the lock. */
  readonly onFinished?: (record: TrialRecord<R>) => void;
}

/**
 * Runs one trial under its lock: takes `trials/<id>.lock`, reads the record again (another runner
 * may have finished it since the sweep read the records), runs the next attempt, writes its record
 * atomically and releases the lock. Shared by the local executor and the queue workers.
 *
 * @example
 * ```ts
 * import { runLockedTrial } from './locked-trial.js';
 * // const outcome = await runLockedTrial(trial, { dir, acquire: () => acquireTrialLock(paths.lock), isDone, onStarted, run });
 * ```
 */
export async function runLockedTrial<R>(trial: SweepTrial, steps: LockedTrialSteps<R>): Promise<LockedTrialOutcome<R>> {
  const paths = trialPaths(steps.dir, trial.id);
  const got = await steps.acquire();
  if (!got.acquired) return { kind: 'locked', holder: got.holder };
  try {
    const previous = await readTrialRecord(steps.dir, trial.id, steps.parseResult);
    if (previous && steps.isDone(previous)) return { kind: 'done', record: previous };
    if (steps.signal?.aborted) return { kind: 'aborted' };
    const attempt = (previous?.attempt ?? 0) + 1;
    await steps.onStarted(attempt);
    const record = await steps.run(attempt, got.lock);
    const written = steps.mayWrite ? await steps.mayWrite(got.lock) : true;
    if (written) {
      await writeJsonAtomic(paths.record, record);
      steps.onFinished?.(record);
    }
    return { kind: 'ran', record, written };
  } finally {
    await releaseTrialLock(got.lock);
  }
}
