import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { readJsonIfValid } from './atomic.js';
import type { SweepTrial } from './config.js';
import { errorLine, isErrorLine } from './error-line.js';
import { parseSweepMessage } from './messages.js';
import { trialPaths } from './trial-paths.js';
import { recordTrialPid, type TrialLock } from './trial-lock.js';
import type { TrialRecord } from './trial-record.js';

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
 * How to run one trial process: the sweep folder, the command (a function, so a throw while
 * building it is recorded as the trial's failure), where its messages go and when to stop it.
 *
 * @example
 * ```ts
 * import type { TrialProcessOptions } from './trial-process.js';
 * const o: TrialProcessOptions = { dir: '/tmp/sweep', command: () => ({ command: 'true', args: [] }), errorLines: 20, graceMs: 30_000 };
 * ```
 */
export interface TrialProcessOptions<R = unknown> {
  readonly dir: string;
  readonly command: () => TrialCommand;
  readonly parseResult?: (value: unknown) => R;
  /** The JSON messages the trial prints ({@link SWEEP_MESSAGE_PREFIX} lines). */
  readonly onMessage?: (data: unknown) => void;
  /**
   * Aborting stops the trial so it can checkpoint: SIGTERM when aborted with the reason
   * `'SIGTERM'` or `'SIGHUP'`, else SIGINT. The trial is then recorded `interrupted`.
   */
  readonly signal?: AbortSignal;
  /** Lines of a failed trial's stderr kept in its record's `error`. */
  readonly errorLines: number;
  /** Longest the trial may run (ms): then SIGTERM, SIGKILL after `graceMs`, recorded as failed. */
  readonly timeoutMs?: number;
  readonly graceMs: number;
  /** After an abort, SIGKILL the trial if it still runs this many ms later (default: never). */
  readonly abortKillMs?: number;
  /** Stamped on the record (`host:pid` of a queue worker). */
  readonly worker?: string;
}

/**
 * The signal running trials get when a sweep is aborted with `reason`.
 *
 * @example
 * ```ts
 * import { forwardedSignal } from './trial-process.js';
 * forwardedSignal('SIGTERM'); // 'SIGTERM'
 * forwardedSignal(undefined); // 'SIGINT'
 * ```
 */
export function forwardedSignal(reason: unknown): NodeJS.Signals {
  return reason === 'SIGTERM' || reason === 'SIGHUP' ? 'SIGTERM' : 'SIGINT';
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

/**
 * Runs one attempt of a trial as a child process under `lock` and returns its record (not yet
 * written). The process gets an IPC channel (it closes however this process ends, which is how a
 * trial knows to stop), its stdout and stderr go to the trial's `log.txt`, and its result is read
 * from `result.json`, which is cleared first so a failed attempt's result never counts.
 *
 * @example
 * ```ts
 * import { runTrialProcess } from './trial-process.js';
 * // const record = await runTrialProcess(trial, 1, lock, { dir, command: () => spec, errorLines: 20, graceMs: 30_000 });
 * ```
 */
export async function runTrialProcess<R>(trial: SweepTrial, attempt: number, lock: TrialLock, options: TrialProcessOptions<R>): Promise<TrialRecord<R>> {
  const paths = trialPaths(options.dir, trial.id);
  await mkdir(paths.dir, { recursive: true });
  // A failed attempt may have written its result before failing: it must not count for this one.
  await clearResult(paths.result);
  const started = new Date();
  const log = createWriteStream(paths.log, { flags: 'a' });
  log.write(`--- attempt ${attempt} at ${started.toISOString()}${options.worker ? ` on worker ${options.worker}` : ''}\n`);
  const stderrTail: string[] = [];
  let lastErrorLine: string | undefined;
  const base = {
    id: trial.id,
    params: trial.params,
    attempt,
    startedAt: started.toISOString(),
    log: relative(options.dir, paths.log),
    ...(options.worker ? { worker: options.worker } : {}),
  };
  const finish = (fields: Pick<TrialRecord<R>, 'status' | 'exitCode' | 'signal'> & { result?: R; error?: string; summary?: string; timedOut?: boolean }): TrialRecord<R> => {
    const end = new Date();
    return { ...base, ...fields, finishedAt: end.toISOString(), durationMs: end.getTime() - started.getTime() };
  };

  let spec: TrialCommand;
  try {
    spec = options.command();
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
  const { signal } = options;
  let abortKill: NodeJS.Timeout | undefined;
  const interrupt = (): void => {
    child.kill(forwardedSignal(signal?.reason));
    if (options.abortKillMs !== undefined) abortKill = setTimeout(() => child.kill('SIGKILL'), options.abortKillMs);
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  const ended = new Promise<ProcessEnd>((resolve) => {
    let spawnError: Error | undefined;
    let timedOut = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      log.write(`--- timed out after ${seconds(options.timeoutMs!)}: SIGTERM, SIGKILL in ${seconds(options.graceMs)} if still running\n`);
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, options.graceMs);
    }, options.timeoutMs);
    child.on('error', (err) => {
      spawnError = err;
    });
    // The IPC channel carries nothing; a trial that writes to it must not crash the runner.
    child.on('message', () => {});
    const out = createInterface({ input: child.stdout! });
    out.on('line', (line) => {
      const message = parseSweepMessage(line);
      if (message) options.onMessage?.(message.data);
      else log.write(`${line}\n`);
    });
    const err = createInterface({ input: child.stderr! });
    err.on('line', (line) => {
      log.write(`[stderr] ${line}\n`);
      stderrTail.push(line);
      if (stderrTail.length > options.errorLines) stderrTail.shift();
      if (isErrorLine(line)) lastErrorLine = line;
    });
    // 'close' fires after the exit and after both pipes are drained.
    child.on('close', (code, sig) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      clearTimeout(abortKill);
      signal?.removeEventListener('abort', interrupt);
      resolve({ exitCode: code, signal: sig, ...(spawnError ? { spawnError } : {}), timedOut, killed });
    });
  });
  // Aborted between the launch decision and the spawn: the listener above was added too late.
  if (signal?.aborted) interrupt();
  if (child.pid !== undefined) await recordTrialPid(lock, child.pid).catch(() => undefined);
  const end = await ended;
  await new Promise<void>((resolve) => log.end(resolve));

  const { exitCode, signal: exitSignal, spawnError, timedOut } = end;
  const aborted = signal?.aborted ?? false;
  if (spawnError) {
    const error = `could not start ${spec.command}: ${spawnError.message}`;
    return finish({ status: 'failed', exitCode, signal: exitSignal, error, summary: error });
  }
  if (timedOut) {
    const how = `timed out after ${seconds(options.timeoutMs!)}: stopped with SIGTERM${end.killed ? `, killed with SIGKILL after ${seconds(options.graceMs)}` : ''}`;
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
    const result = options.parseResult ? options.parseResult(raw) : (raw as R);
    return finish({ status: 'ok', exitCode, signal: exitSignal, result });
  } catch (err) {
    const error = `invalid result: ${(err as Error).message}`;
    return finish({ status: 'failed', exitCode, signal: exitSignal, error, summary: error });
  }
}
