import { join } from 'node:path';

/**
 * Where one trial keeps its files: `dir` (its working folder: checkpoints, logs), `result` (the
 * JSON the trial process writes when it succeeds), `log` (its stdout and stderr), `record`
 * (what the runner writes when the process ends) and `lock` (present while a runner runs it).
 *
 * @example
 * ```ts
 * import { trialPaths } from 'hyperschedule/node';
 * trialPaths('/tmp/sweep', 'abc').result; // '/tmp/sweep/trials/abc/result.json'
 * ```
 */
export interface TrialPaths {
  readonly dir: string;
  readonly result: string;
  readonly log: string;
  readonly record: string;
  readonly lock: string;
}

/**
 * The files of trial `id` in sweep folder `sweepDir`.
 *
 * @example
 * ```ts
 * import { trialPaths } from 'hyperschedule/node';
 * trialPaths('/tmp/sweep', 'abc').record; // '/tmp/sweep/trials/abc.json'
 * ```
 */
export function trialPaths(sweepDir: string, id: string): TrialPaths {
  const dir = join(sweepDir, 'trials', id);
  return {
    dir,
    result: join(dir, 'result.json'),
    log: join(dir, 'log.txt'),
    record: join(sweepDir, 'trials', `${id}.json`),
    lock: join(sweepDir, 'trials', `${id}.lock`),
  };
}
