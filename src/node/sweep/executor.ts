import type { SweepTrial } from './config.js';
import type { SweepEvent } from './events.js';
import type { TrialCommand } from './trial-process.js';
import type { TrialPaths } from './trial-paths.js';
import type { TrialRecord } from './trial-record.js';

/**
 * What `runSweep` hands an executor: the trials still to run (finished ones are already skipped),
 * the checked options, and `emit`, through which the executor reports every event (`runSweep`
 * builds its outcome from them).
 *
 * @example
 * ```ts
 * import type { SweepPlan } from 'hyperschedule/node';
 * const count = (plan: SweepPlan) => plan.trials.length;
 * ```
 */
export interface SweepPlan<R = unknown> {
  readonly dir: string;
  readonly trials: readonly SweepTrial[];
  readonly command: (trial: SweepTrial, paths: TrialPaths) => TrialCommand;
  /** Trials run at once by the local executor (the queue's workers choose their own). */
  readonly concurrency: number;
  readonly retryFailed: boolean;
  readonly parseResult?: (value: unknown) => R;
  /** Whether a record means the trial needs no further run (`ok`, or `failed` without `retryFailed`). */
  readonly isDone: (record: TrialRecord<R>) => boolean;
  readonly signal?: AbortSignal;
  readonly errorLines: number;
  readonly timeoutMs?: number;
  readonly graceMs: number;
  readonly emit: (event: SweepEvent<R>) => void;
}

/**
 * Where a sweep's trials run: `localExecutor()` (child processes of this one; the default) or
 * `queueExecutor({ redis })` (jobs on a BullMQ queue, run by workers on any machine). `run`
 * resolves when every trial of the plan has finished, or when the plan's signal aborts.
 *
 * @example
 * ```ts
 * import { localExecutor, type SweepExecutor } from 'hyperschedule/node';
 * const executor: SweepExecutor = localExecutor();
 * executor.name; // 'local'
 * ```
 */
export interface SweepExecutor {
  readonly name: string;
  run<R>(plan: SweepPlan<R>): Promise<void>;
}
