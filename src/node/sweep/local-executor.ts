import type { SweepExecutor, SweepPlan } from './executor.js';
import { runLockedTrial } from './locked-trial.js';
import { trialPaths } from './trial-paths.js';
import { acquireTrialLock, describeTrialLock } from './trial-lock.js';
import { runTrialProcess } from './trial-process.js';

/**
 * Runs a sweep's trials as child processes of this process, up to `concurrency` at a time: the
 * default executor of `runSweep`, needing no service. Each trial runs under its lock
 * (`trials/<id>.lock`), so two runners on one folder never run the same trial.
 *
 * @example
 * ```ts
 * import { localExecutor, runSweep } from 'hyperschedule/node';
 * // await runSweep({ dir, trials, command, executor: localExecutor() }); // the same as leaving executor out
 * localExecutor().name; // 'local'
 * ```
 */
export function localExecutor(): SweepExecutor {
  return { name: 'local', run: runLocally };
}

async function runLocally<R>(plan: SweepPlan<R>): Promise<void> {
  const { dir, signal, emit } = plan;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.trials.length && !signal?.aborted) {
      const trial = plan.trials[next++]!;
      const paths = trialPaths(dir, trial.id);
      const outcome = await runLockedTrial<R>(trial, {
        dir,
        acquire: () => acquireTrialLock(paths.lock),
        isDone: plan.isDone,
        ...(plan.parseResult ? { parseResult: plan.parseResult } : {}),
        ...(signal ? { signal } : {}),
        onStarted: (attempt) => emit({ type: 'started', trial, attempt }),
        run: (attempt, lock) => runTrialProcess(trial, attempt, lock, {
          dir,
          command: () => plan.command(trial, paths),
          ...(plan.parseResult ? { parseResult: plan.parseResult } : {}),
          onMessage: (data) => emit({ type: 'message', trial, data }),
          ...(signal ? { signal } : {}),
          errorLines: plan.errorLines,
          ...(plan.timeoutMs !== undefined ? { timeoutMs: plan.timeoutMs } : {}),
          graceMs: plan.graceMs,
        }),
        onFinished: (record) => emit({ type: 'finished', trial, record }),
      });
      if (outcome.kind === 'locked') emit({ type: 'locked', trial, lock: outcome.holder, message: describeTrialLock(outcome.holder) });
      if (outcome.kind === 'done') emit({ type: 'skipped', trial, record: outcome.record });
      if (outcome.kind === 'aborted') break;
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, Math.max(1, plan.trials.length)) }, worker));
}
