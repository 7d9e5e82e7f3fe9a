import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { HyperscheduleError } from '../../errors.js';
import { readJsonIfValid, writeJsonAtomic } from './atomic.js';
import type { SweepTrial, TrialParams } from './config.js';
import { errorLine, isErrorLine } from './error-line.js';
import { acquireTrialLock, describeTrialLock, recordTrialPid, releaseTrialLock, type TrialLock } from './trial-lock.js';

/**
 * Lines a trial process prints on stdout starting with this prefix carry a JSON message to the
 * sweep runner (progress, the backend it chose, ...); every other line goes to the trial's log.
 *
 * @example
 * ```ts
 * import { SWEEP_MESSAGE_PREFIX } from './runner.js';
 * `${SWEEP_MESSAGE_PREFIX}{"epoch":3}`;
 * ```
 */
export const SWEEP_MESSAGE_PREFIX = '@@hyperschedule ';

/**
 * Sends a JSON message from a trial process to the runner that started it (one stdout line).
 *
 * @example
 * ```ts
 * import { sendSweepMessage } from 'hyperschedule/node';
 * sendSweepMessage({ type: 'epoch', epoch: 3, valAcc: 0.41 });
 * ```
 */
export function sendSweepMessage(data: unknown): void {
  process.stdout.write(`${SWEEP_MESSAGE_PREFIX}${JSON.stringify(data)}\n`);
}

/**
 * The process to start for one trial.
 *
 * @example
 * ```ts
 * import type { TrialCommand } from 'hyperschedule/node';
 * const c: TrialCommand = { command: process.execPath, args: ['trial.mjs', '--out', '/tmp/r.json'] };
 * ```
 */
export interface TrialCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

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

/**
 * How a trial ended: `ok` (exit 0 and a valid result), `failed` (non-zero exit, killed, timed
 * out, or no valid result) or `interrupted` (stopped by the runner's abort signal; rerun later).
 *
 * @example
 * ```ts
 * import type { TrialStatus } from 'hyperschedule/node';
 * const s: TrialStatus = 'ok';
 * ```
 */
export type TrialStatus = 'ok' | 'failed' | 'interrupted';

/**
 * What the runner records for a trial (`trials/<id>.json`, written atomically when its process
 * ends).
 *
 * @example
 * ```ts
 * import type { TrialRecord } from 'hyperschedule/node';
 * const ok = (r: TrialRecord) => r.status === 'ok';
 * ```
 */
export interface TrialRecord<R = unknown> {
  readonly id: string;
  readonly params: TrialParams;
  readonly status: TrialStatus;
  readonly result?: R;
  /** How the process ended and the tail of its stderr (failed and interrupted trials). */
  readonly error?: string;
  /**
   * One line saying why it failed, for tables: the last stderr line that states an error (e.g.
   * `HyperscheduleError: lr: got -1, expected a number > 0`), else how the process ended.
   */
  readonly summary?: string;
  /** True when the runner stopped it for exceeding `trialTimeoutMs` (its status is `failed`). */
  readonly timedOut?: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** 1 for the first run of this trial, 2 after one retry, ... */
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** The trial's log, relative to the sweep folder. */
  readonly log: string;
}

/**
 * What the runner reports while it works.
 *
 * @example
 * ```ts
 * import type { SweepEvent } from 'hyperschedule/node';
 * const print = (e: SweepEvent) => { if (e.type === 'finished') console.log(e.trial.id, e.record.status); };
 * ```
 */
export type SweepEvent<R = unknown> =
  | { readonly type: 'skipped'; readonly trial: SweepTrial; readonly record: TrialRecord<R> }
  /** Another runner holds the trial's lock (it is running there): this runner leaves it alone. */
  | { readonly type: 'locked'; readonly trial: SweepTrial; readonly lock: TrialLock; readonly message: string }
  | { readonly type: 'started'; readonly trial: SweepTrial; readonly attempt: number }
  | { readonly type: 'message'; readonly trial: SweepTrial; readonly data: unknown }
  | { readonly type: 'finished'; readonly trial: SweepTrial; readonly record: TrialRecord<R> };

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
  /** Trials run at once (default: the cores present, `os.availableParallelism()`). */
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

/**
 * Reads the record of a trial if one was written (and, for `ok` records, passes `parseResult`).
 *
 * @example
 * ```ts
 * import { readTrialRecord } from 'hyperschedule/node';
 * await readTrialRecord('/tmp/no-such-sweep', 'abc'); // undefined
 * ```
 */
export async function readTrialRecord<R = unknown>(sweepDir: string, id: string, parseResult?: (value: unknown) => R): Promise<TrialRecord<R> | undefined> {
  const raw = (await readJsonIfValid(trialPaths(sweepDir, id).record)) as TrialRecord<R> | undefined;
  if (!raw || typeof raw !== 'object' || raw.id !== id) return undefined;
  if (raw.status === 'ok' && parseResult) {
    try {
      return { ...raw, result: parseResult(raw.result) };
    } catch {
      return undefined;
    }
  }
  return raw;
}

/** setTimeout's limit: a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkDuration(field: string, value: number | undefined, min: 'positive' | 'nonNegative'): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === 'positive' ? value > 0 : value >= 0) && value <= MAX_TIMER_MS;
  if (!ok) throw new HyperscheduleError(field, value, `a number of milliseconds ${min === 'positive' ? '> 0' : '>= 0'} and <= ${MAX_TIMER_MS} (about 24.8 days)`);
  return value;
}

/** The signal running trials get when the sweep is aborted with `reason`. */
function forwardedSignal(reason: unknown): NodeJS.Signals {
  return reason === 'SIGTERM' || reason === 'SIGHUP' ? 'SIGTERM' : 'SIGINT';
}

/**
 * Runs the trials of a sweep as child processes, up to `concurrency` at a time, and records each
 * outcome atomically in `<dir>/trials/<id>.json`. Resumable: trials already recorded `ok` are
 * skipped (and `failed` ones too with `retryFailed: false`), so a rerun after a crash, a kill or
 * Ctrl-C only runs what is missing. A trial that crashes (non-zero exit, killed, timed out, no
 * valid result) is recorded as `failed` with the tail of its stderr and a one-line `summary`; the
 * other trials go on. A retry first deletes the failed attempt's `result.json`, so only the new
 * attempt's result can count.
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
  const { dir, trials, command, parseResult, onEvent, signal } = options;
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new HyperscheduleError('sweep.concurrency', concurrency, 'an integer >= 1');
  const timeoutMs = checkDuration('sweep.trialTimeoutMs', options.trialTimeoutMs, 'positive');
  const graceMs = checkDuration('sweep.killGraceMs', options.killGraceMs, 'nonNegative') ?? 30_000;
  const retryFailed = options.retryFailed ?? true;
  const ids = new Set<string>();
  for (const t of trials) {
    if (ids.has(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'unique trial ids');
    if (!/^[\w.+=-]+$/.test(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'a file-name-safe id (letters, digits, _ . + = -)');
    ids.add(t.id);
  }
  await mkdir(join(dir, 'trials'), { recursive: true });

  const records = new Map<string, TrialRecord<R>>();
  const isDone = (r: TrialRecord<R>): boolean => r.status === 'ok' || (r.status === 'failed' && !retryFailed);
  const todo: SweepTrial[] = [];
  let skipped = 0;
  const skip = (trial: SweepTrial, record: TrialRecord<R>): void => {
    records.set(trial.id, record);
    skipped += 1;
    onEvent?.({ type: 'skipped', trial, record });
  };
  for (const trial of trials) {
    const previous = await readTrialRecord(dir, trial.id, parseResult);
    if (previous && isDone(previous)) skip(trial, previous);
    else todo.push(trial);
  }

  const running = new Set<ChildProcess>();
  const stopSignal = (): NodeJS.Signals => forwardedSignal(signal?.reason);
  const interruptAll = (): void => {
    for (const child of running) child.kill(stopSignal());
  };
  signal?.addEventListener('abort', interruptAll, { once: true });
  let ran = 0;
  let locked = 0;
  let next = 0;
  const ctx: TrialContext<R> = { dir, command, parseResult, onEvent, signal, stopSignal, running, errorLines: options.errorLines ?? 20, timeoutMs, graceMs };
  const worker = async (): Promise<void> => {
    while (next < todo.length && !signal?.aborted) {
      const trial = todo[next++]!;
      const paths = trialPaths(dir, trial.id);
      const got = await acquireTrialLock(paths.lock);
      if (!got.acquired) {
        locked += 1;
        onEvent?.({ type: 'locked', trial, lock: got.holder, message: describeTrialLock(got.holder) });
        continue;
      }
      try {
        // Another runner may have finished it since this one read the records.
        const previous = await readTrialRecord(dir, trial.id, parseResult);
        if (previous && isDone(previous)) {
          skip(trial, previous);
          continue;
        }
        if (signal?.aborted) break;
        const attempt = (previous?.attempt ?? 0) + 1;
        ran += 1;
        onEvent?.({ type: 'started', trial, attempt });
        const record = await runTrial(trial, attempt, got.lock, ctx);
        await writeJsonAtomic(paths.record, record);
        records.set(trial.id, record);
        onEvent?.({ type: 'finished', trial, record });
      } finally {
        await releaseTrialLock(got.lock);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', interruptAll);
  }
  const ordered = trials.flatMap((t) => (records.has(t.id) ? [records.get(t.id)!] : []));
  return {
    records: ordered,
    ran,
    skipped,
    failed: ordered.filter((r) => r.status === 'failed').length,
    interrupted: ordered.filter((r) => r.status === 'interrupted').length,
    locked,
    aborted: signal?.aborted ?? false,
  };
}

interface TrialContext<R> {
  dir: string;
  command: RunSweepOptions<R>['command'];
  parseResult: RunSweepOptions<R>['parseResult'];
  onEvent: RunSweepOptions<R>['onEvent'];
  signal: AbortSignal | undefined;
  stopSignal: () => NodeJS.Signals;
  running: Set<ChildProcess>;
  errorLines: number;
  timeoutMs: number | undefined;
  graceMs: number;
}

/** Deletes what a previous attempt left as its result (`result.json` and its temporary files). */
async function clearResult(result: string): Promise<void> {
  const name = basename(result);
  const leftovers = (await readdir(dirname(result)).catch(() => [] as string[])).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.tmp'));
  await Promise.all([result, ...leftovers.map((f) => join(dirname(result), f))].map((f) => rm(f, { force: true })));
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  spawnError?: Error;
  timedOut: boolean;
  killed: boolean;
}

async function runTrial<R>(trial: SweepTrial, attempt: number, lock: TrialLock, ctx: TrialContext<R>): Promise<TrialRecord<R>> {
  const paths = trialPaths(ctx.dir, trial.id);
  await mkdir(paths.dir, { recursive: true });
  // A failed attempt may have written its result before failing: it must not count for this one.
  await clearResult(paths.result);
  const started = new Date();
  const log = createWriteStream(paths.log, { flags: 'a' });
  log.write(`--- attempt ${attempt} at ${started.toISOString()}\n`);
  const stderrTail: string[] = [];
  let lastErrorLine: string | undefined;
  const base = {
    id: trial.id,
    params: trial.params,
    attempt,
    startedAt: started.toISOString(),
    log: relative(ctx.dir, paths.log),
  };
  const finish = (fields: Pick<TrialRecord<R>, 'status' | 'exitCode' | 'signal'> & { result?: R; error?: string; summary?: string; timedOut?: boolean }): TrialRecord<R> => {
    const end = new Date();
    return { ...base, ...fields, finishedAt: end.toISOString(), durationMs: end.getTime() - started.getTime() };
  };

  let spec: TrialCommand;
  try {
    spec = ctx.command(trial, paths);
  } catch (err) {
    log.end();
    const error = `could not build the trial command: ${(err as Error).message}`;
    return finish({ status: 'failed', exitCode: null, signal: null, error, summary: error });
  }
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    // Not detached: the trial stays in the runner's process group. The IPC channel closes when the
    // runner exits, however it exits, which is how a trial knows to stop.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  ctx.running.add(child);
  const ended = new Promise<ProcessEnd>((resolve) => {
    let spawnError: Error | undefined;
    let timedOut = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timeout = ctx.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      log.write(`--- timed out after ${seconds(ctx.timeoutMs!)}: SIGTERM, SIGKILL in ${seconds(ctx.graceMs)} if still running\n`);
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, ctx.graceMs);
    }, ctx.timeoutMs);
    child.on('error', (err) => {
      spawnError = err;
    });
    // The IPC channel carries nothing; a trial that writes to it must not crash the runner.
    child.on('message', () => {});
    const out = createInterface({ input: child.stdout! });
    out.on('line', (line) => {
      if (line.startsWith(SWEEP_MESSAGE_PREFIX)) {
        try {
          ctx.onEvent?.({ type: 'message', trial, data: JSON.parse(line.slice(SWEEP_MESSAGE_PREFIX.length)) as unknown });
          return;
        } catch {
          // not JSON after all: keep it in the log
        }
      }
      log.write(`${line}\n`);
    });
    const err = createInterface({ input: child.stderr! });
    err.on('line', (line) => {
      log.write(`[stderr] ${line}\n`);
      stderrTail.push(line);
      if (stderrTail.length > ctx.errorLines) stderrTail.shift();
      if (isErrorLine(line)) lastErrorLine = line;
    });
    // 'close' fires after the exit and after both pipes are drained.
    child.on('close', (code, sig) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      ctx.running.delete(child);
      resolve({ exitCode: code, signal: sig, ...(spawnError ? { spawnError } : {}), timedOut, killed });
    });
  });
  // Aborted between the launch decision and the spawn: the abort listener has already run.
  if (ctx.signal?.aborted) child.kill(ctx.stopSignal());
  if (child.pid !== undefined) await recordTrialPid(lock, child.pid).catch(() => undefined);
  const end = await ended;
  await new Promise<void>((resolve) => log.end(resolve));

  const { exitCode, signal: exitSignal, spawnError, timedOut } = end;
  const aborted = ctx.signal?.aborted ?? false;
  if (spawnError) {
    const error = `could not start ${spec.command}: ${spawnError.message}`;
    return finish({ status: 'failed', exitCode, signal: exitSignal, error, summary: error });
  }
  if (timedOut) {
    const how = `timed out after ${seconds(ctx.timeoutMs!)}: stopped with SIGTERM${end.killed ? `, killed with SIGKILL after ${seconds(ctx.graceMs)}` : ''}`;
    return finish({
      status: 'failed',
      exitCode,
      signal: exitSignal,
      timedOut: true,
      error: `${how}${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`,
      summary: how,
    });
  }
  if (exitCode !== 0) {
    const how = exitSignal ? `killed by ${exitSignal}` : `exited with code ${exitCode}`;
    return finish({
      status: aborted ? 'interrupted' : 'failed',
      exitCode,
      signal: exitSignal,
      error: `${how}${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`,
      summary: lastErrorLine !== undefined ? errorLine([lastErrorLine])! : errorLine(stderrTail) ?? how,
    });
  }
  const raw = await readJsonIfValid(paths.result);
  if (raw === undefined) {
    const why = existsSync(paths.result) ? 'is not valid JSON' : 'was not written';
    const error = `exited 0 but its result ${paths.result} ${why}`;
    return finish({ status: 'failed', exitCode, signal: exitSignal, error, summary: error });
  }
  try {
    const result = ctx.parseResult ? ctx.parseResult(raw) : (raw as R);
    return finish({ status: 'ok', exitCode, signal: exitSignal, result });
  } catch (err) {
    const error = `invalid result: ${(err as Error).message}`;
    return finish({ status: 'failed', exitCode, signal: exitSignal, error, summary: error });
  }
}
