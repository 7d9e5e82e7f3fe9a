import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HyperscheduleError } from '../../errors.js';
import type { SweepTrial } from './config.js';
import type { SweepEvent } from './events.js';
import type { SweepExecutor, SweepPlan } from './executor.js';
import { localExecutor } from './local-executor.js';
import type { TrialCommand } from './trial-process.js';
import type { TrialPaths } from './trial-paths.js';
import { readTrialRecord, type TrialRecord } from './trial-record.js';

/**
 * Options of {@link runSweep}.
 *
 * @example
 * ```ts
 * import type { RunSweepOptions } from 'hyperschedule/node';
 * const o: RunSweepOptions = {
 *   dir: 'runs/demo',
 *   trials: [{ id: 'a', params: { x: 1 } }],
 *   command: (trial, paths) => ({ command: process.execPath, args: ['trial.mjs', JSON.stringify(trial.params), paths.result] }),
 *   trialTimeoutMs: 2 * 3600_000, // a trial running longer is stopped and recorded as failed
 * };
 * ```
 */
export interface RunSweepOptions<R = unknown> {
  /** The sweep folder (created if needed); a rerun on the same folder skips finished trials. */
  readonly dir: string;
  readonly trials: readonly SweepTrial[];
  /**
   * The process to start for a trial; it must write its result JSON to `paths.result` and exit 0.
   * Start the trial's own process (`node`, `python`), not a shell or `npx` around it: the runner
   * signals the process it started.
   */
  readonly command: (trial: SweepTrial, paths: TrialPaths) => TrialCommand;
  /**
   * Where trials run: `localExecutor()` (the default: child processes of this one) or
   * `queueExecutor({ redis })` (BullMQ jobs run by workers on any machine).
   */
  readonly executor?: SweepExecutor;
  /** Trials run at once by the local executor (default: the cores present, `os.availableParallelism()`). */
  readonly concurrency?: number;
  /** Run trials recorded as failed again (default true). Interrupted trials always rerun. */
  readonly retryFailed?: boolean;
  /** Validates / converts a trial's result JSON; a throw makes the trial `failed`. */
  readonly parseResult?: (value: unknown) => R;
  readonly onEvent?: (event: SweepEvent<R>) => void;
  /**
   * Aborting stops launching trials and signals running ones so they can checkpoint: SIGTERM when
   * aborted with the reason `'SIGTERM'` (`controller.abort('SIGTERM')`), else SIGINT.
   */
  readonly signal?: AbortSignal;
  /** Lines of a failed trial's stderr kept in its record's `error` (default 20). */
  readonly errorLines?: number;
  /**
   * Longest a trial may run, in ms (default: no limit; at most 2^31 - 1, about 24.8 days). A trial
   * still running then gets SIGTERM (it may checkpoint), then SIGKILL after `killGraceMs`, and is
   * recorded as `failed` with `timedOut: true` (retried on the next run, like other failures).
   */
  readonly trialTimeoutMs?: number;
  /** Time between a timed-out trial's SIGTERM and its SIGKILL, in ms (default 30 000). */
  readonly killGraceMs?: number;
}

/**
 * What {@link runSweep} returns: one record per trial (in trial order; trials not run because the
 * sweep was aborted, or because another runner is running them, have none), and counts.
 *
 * @example
 * ```ts
 * import type { SweepOutcome } from 'hyperschedule/node';
 * const done = (o: SweepOutcome) => o.records.filter((r) => r.status === 'ok').length;
 * ```
 */
export interface SweepOutcome<R = unknown> {
  readonly records: TrialRecord<R>[];
  readonly ran: number;
  readonly skipped: number;
  readonly failed: number;
  readonly interrupted: number;
  /** Trials left alone because another runner holds their lock (see the `locked` events). */
  readonly locked: number;
  readonly aborted: boolean;
}

/** setTimeout's limit: a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkDuration(field: string, value: number | undefined, min: 'positive' | 'nonNegative'): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === 'positive' ? value > 0 : value >= 0) && value <= MAX_TIMER_MS;
  if (!ok) throw new HyperscheduleError(field, value, `a number of milliseconds ${min === 'positive' ? '> 0' : '>= 0'} and <= ${MAX_TIMER_MS} (about 24.8 days)`);
  return value;
}

function checkTrialIds(trials: readonly SweepTrial[]): void {
  const ids = new Set<string>();
  for (const t of trials) {
    if (ids.has(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'unique trial ids');
    if (!/^[\w.+=-]+$/.test(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'a file-name-safe id (letters, digits, _ . + = -)');
    ids.add(t.id);
  }
}

/**
 * Runs the trials of a sweep as processes and records each outcome atomically in
 * `<dir>/trials/<id>.json`. Where the processes run is the executor's choice: child processes of
 * this one, up to `concurrency` at a time (`localExecutor()`, the default), or jobs on a BullMQ
 * queue run by workers on other machines (`queueExecutor({ redis })`). Resumable: trials already
 * recorded `ok` are skipped (and `failed` ones too with `retryFailed: false`), so a rerun after a
 * crash, a kill or Ctrl-C only runs what is missing. A trial that crashes (non-zero exit, killed,
 * timed out, no valid result) is recorded as `failed` with the tail of its stderr and a one-line
 * `summary`; the other trials go on. A retry first deletes the failed attempt's `result.json`, so
 * only the new attempt's result can count.
 *
 * Faults it guards against:
 * - **Two runners on one folder** (a rerun while the first still runs, two machines on a shared
 *   disk): a trial runs only under its lock, `trials/<id>.lock` (runner pid, host, start time and
 *   the trial's pid), created with `O_EXCL`. A trial whose lock is held by a live process is left
 *   alone with a `locked` event naming the holder; a lock whose processes are all dead (on this
 *   host) is taken over.
 * - **A runner that dies**: trials stay in the runner's process group (Ctrl-C in a terminal reaches
 *   them too) and get an IPC channel to it. A Node trial should stop when that channel closes
 *   (`process.on('disconnect', ...)`, then `process.channel?.unref()` so the listener does not keep
 *   it alive), which happens however the runner ended, SIGKILL included; a trial in another
 *   language can watch its parent pid change. Aborting `signal` forwards SIGINT or SIGTERM.
 * - **A trial that hangs**: `trialTimeoutMs`.
 *
 * Each trial's stdout and stderr go to `<dir>/trials/<id>/log.txt`; stdout lines starting with
 * {@link SWEEP_MESSAGE_PREFIX} are parsed and passed to `onEvent` as `message` events.
 *
 * @example
 * ```ts
 * import { expandSweep, runSweep } from 'hyperschedule/node';
 * const trials = expandSweep({ name: 'demo', grids: [{ x: [1, 2, 3] }], seeds: 1 });
 * const script = "require('fs').writeFileSync(process.argv[2], JSON.stringify({ y: 2 * JSON.parse(process.argv[1]).x }))";
 * const outcome = await runSweep({
 *   dir: '/tmp/hs-demo-sweep',
 *   trials,
 *   command: (t, paths) => ({ command: process.execPath, args: ['-e', script, JSON.stringify(t.params), paths.result] }),
 * });
 * outcome.records.map((r) => r.result); // [{ y: 2 }, { y: 4 }, { y: 6 }]
 * ```
 */
export async function runSweep<R = unknown>(options: RunSweepOptions<R>): Promise<SweepOutcome<R>> {
  const { dir, trials, parseResult, onEvent, signal } = options;
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new HyperscheduleError('sweep.concurrency', concurrency, 'an integer >= 1');
  const timeoutMs = checkDuration('sweep.trialTimeoutMs', options.trialTimeoutMs, 'positive');
  const graceMs = checkDuration('sweep.killGraceMs', options.killGraceMs, 'nonNegative') ?? 30_000;
  const retryFailed = options.retryFailed ?? true;
  checkTrialIds(trials);
  await mkdir(join(dir, 'trials'), { recursive: true });

  const records = new Map<string, TrialRecord<R>>();
  const started = new Set<string>();
  let skipped = 0;
  let locked = 0;
  const emit = (event: SweepEvent<R>): void => {
    if (event.type === 'skipped') skipped += 1;
    if (event.type === 'skipped' || event.type === 'finished') records.set(event.trial.id, event.record);
    if (event.type === 'started') started.add(event.trial.id);
    if (event.type === 'locked') locked += 1;
    onEvent?.(event);
  };
  const isDone = (r: TrialRecord<R>): boolean => r.status === 'ok' || (r.status === 'failed' && !retryFailed);
  const todo: SweepTrial[] = [];
  for (const trial of trials) {
    const previous = await readTrialRecord(dir, trial.id, parseResult);
    if (previous && isDone(previous)) emit({ type: 'skipped', trial, record: previous });
    else todo.push(trial);
  }

  const plan: SweepPlan<R> = {
    dir,
    trials: todo,
    command: options.command,
    concurrency,
    retryFailed,
    ...(parseResult ? { parseResult } : {}),
    isDone,
    ...(signal ? { signal } : {}),
    errorLines: options.errorLines ?? 20,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    graceMs,
    emit,
  };
  await (options.executor ?? localExecutor()).run(plan);
  const ordered = trials.flatMap((t) => (records.has(t.id) ? [records.get(t.id)!] : []));
  return {
    records: ordered,
    ran: started.size,
    skipped,
    failed: ordered.filter((r) => r.status === 'failed').length,
    interrupted: ordered.filter((r) => r.status === 'interrupted').length,
    locked,
    aborted: signal?.aborted ?? false,
  };
}
