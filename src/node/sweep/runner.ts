import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { HyperscheduleError } from '../../errors.js';
import { readJsonIfValid, writeJsonAtomic } from './atomic.js';
import type { SweepTrial, TrialParams } from './config.js';

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
 * JSON the trial process writes when it succeeds), `log` (its stdout and stderr) and `record`
 * (what the runner writes when the process ends).
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
  return { dir, result: join(dir, 'result.json'), log: join(dir, 'log.txt'), record: join(sweepDir, 'trials', `${id}.json`) };
}

/**
 * How a trial ended: `ok` (exit 0 and a valid result), `failed` (non-zero exit, killed, or no
 * valid result) or `interrupted` (stopped by the runner's abort signal; rerun later).
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
  readonly error?: string;
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
 * };
 * ```
 */
export interface RunSweepOptions<R = unknown> {
  /** The sweep folder (created if needed); a rerun on the same folder skips finished trials. */
  readonly dir: string;
  readonly trials: readonly SweepTrial[];
  /** The process to start for a trial; it must write its result JSON to `paths.result` and exit 0. */
  readonly command: (trial: SweepTrial, paths: TrialPaths) => TrialCommand;
  /** Trials run at once (default: the cores present, `os.availableParallelism()`). */
  readonly concurrency?: number;
  /** Run trials recorded as failed again (default true). Interrupted trials always rerun. */
  readonly retryFailed?: boolean;
  /** Validates / converts a trial's result JSON; a throw makes the trial `failed`. */
  readonly parseResult?: (value: unknown) => R;
  readonly onEvent?: (event: SweepEvent<R>) => void;
  /** Aborting stops launching trials and sends SIGINT to running ones (they may checkpoint). */
  readonly signal?: AbortSignal;
  /** Lines of a failed trial's stderr kept in its record's `error` (default 20). */
  readonly errorLines?: number;
}

/**
 * What {@link runSweep} returns: one record per trial (in trial order; trials not run because the
 * sweep was aborted have none), and counts.
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

/**
 * Runs the trials of a sweep as child processes, up to `concurrency` at a time, and records each
 * outcome atomically in `<dir>/trials/<id>.json`. Resumable: trials already recorded `ok` are
 * skipped (and `failed` ones too with `retryFailed: false`), so a rerun after a crash, a kill or
 * Ctrl-C only runs what is missing. A trial that crashes (non-zero exit, killed, no valid result)
 * is recorded as `failed` with the tail of its stderr; the other trials go on.
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
  const retryFailed = options.retryFailed ?? true;
  const ids = new Set<string>();
  for (const t of trials) {
    if (ids.has(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'unique trial ids');
    if (!/^[\w.+=-]+$/.test(t.id)) throw new HyperscheduleError('sweep.trials.id', t.id, 'a file-name-safe id (letters, digits, _ . + = -)');
    ids.add(t.id);
  }
  await mkdir(join(dir, 'trials'), { recursive: true });

  const records = new Map<string, TrialRecord<R>>();
  const todo: { trial: SweepTrial; attempt: number }[] = [];
  let skipped = 0;
  for (const trial of trials) {
    const previous = await readTrialRecord(dir, trial.id, parseResult);
    if (previous && (previous.status === 'ok' || (previous.status === 'failed' && !retryFailed))) {
      records.set(trial.id, previous);
      skipped += 1;
      onEvent?.({ type: 'skipped', trial, record: previous });
    } else {
      todo.push({ trial, attempt: (previous?.attempt ?? 0) + 1 });
    }
  }

  const running = new Set<ReturnType<typeof spawn>>();
  const interruptAll = (): void => {
    for (const child of running) child.kill('SIGINT');
  };
  signal?.addEventListener('abort', interruptAll, { once: true });
  let ran = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !signal?.aborted) {
      const { trial, attempt } = todo[next++]!;
      ran += 1;
      onEvent?.({ type: 'started', trial, attempt });
      const record = await runTrial(trial, attempt, { dir, command, parseResult, onEvent, signal, running, errorLines: options.errorLines ?? 20 });
      await writeJsonAtomic(trialPaths(dir, trial.id).record, record);
      records.set(trial.id, record);
      onEvent?.({ type: 'finished', trial, record });
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
    aborted: signal?.aborted ?? false,
  };
}

interface TrialContext<R> {
  dir: string;
  command: RunSweepOptions<R>['command'];
  parseResult: RunSweepOptions<R>['parseResult'];
  onEvent: RunSweepOptions<R>['onEvent'];
  signal: AbortSignal | undefined;
  running: Set<ReturnType<typeof spawn>>;
  errorLines: number;
}

async function runTrial<R>(trial: SweepTrial, attempt: number, ctx: TrialContext<R>): Promise<TrialRecord<R>> {
  const paths = trialPaths(ctx.dir, trial.id);
  await mkdir(paths.dir, { recursive: true });
  const started = new Date();
  const log = createWriteStream(paths.log, { flags: 'a' });
  log.write(`--- attempt ${attempt} at ${started.toISOString()}\n`);
  const stderrTail: string[] = [];
  const base = {
    id: trial.id,
    params: trial.params,
    attempt,
    startedAt: started.toISOString(),
    log: relative(ctx.dir, paths.log),
  };
  const finish = (fields: Pick<TrialRecord<R>, 'status' | 'exitCode' | 'signal'> & { result?: R; error?: string }): TrialRecord<R> => {
    const end = new Date();
    return { ...base, ...fields, finishedAt: end.toISOString(), durationMs: end.getTime() - started.getTime() };
  };

  let spec: TrialCommand;
  try {
    spec = ctx.command(trial, paths);
  } catch (err) {
    log.end();
    return finish({ status: 'failed', exitCode: null, signal: null, error: `could not build the trial command: ${(err as Error).message}` });
  }
  const { exitCode, signal: exitSignal, spawnError } = await new Promise<{ exitCode: number | null; signal: string | null; spawnError?: Error }>((resolve) => {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ctx.running.add(child);
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
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
    });
    // 'close' fires after the exit and after both pipes are drained.
    child.on('close', (code, sig) => {
      ctx.running.delete(child);
      resolve({ exitCode: code, signal: sig, ...(spawnError ? { spawnError } : {}) });
    });
  });
  await new Promise<void>((resolve) => log.end(resolve));

  const aborted = ctx.signal?.aborted ?? false;
  if (spawnError) return finish({ status: 'failed', exitCode, signal: exitSignal, error: `could not start ${spec.command}: ${spawnError.message}` });
  if (exitCode !== 0) {
    const how = exitSignal ? `killed by ${exitSignal}` : `exited with code ${exitCode}`;
    return finish({
      status: aborted ? 'interrupted' : 'failed',
      exitCode,
      signal: exitSignal,
      error: `${how}${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`,
    });
  }
  const raw = await readJsonIfValid(paths.result);
  if (raw === undefined) {
    const why = existsSync(paths.result) ? 'is not valid JSON' : 'was not written';
    return finish({ status: 'failed', exitCode, signal: exitSignal, error: `exited 0 but its result ${paths.result} ${why}` });
  }
  try {
    const result = ctx.parseResult ? ctx.parseResult(raw) : (raw as R);
    return finish({ status: 'ok', exitCode, signal: exitSignal, result });
  } catch (err) {
    return finish({ status: 'failed', exitCode, signal: exitSignal, error: `invalid result: ${(err as Error).message}` });
  }
}
