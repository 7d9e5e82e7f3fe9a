/**
 * Stopping a long run without losing it. SIGINT (Ctrl-C), SIGTERM (a process manager, `timeout`,
 * a CI runner's cancel), SIGHUP (the terminal closed) and the process that started this one going
 * away all ask the run to stop after its current update and write its checkpoint; the exit code
 * then says which (130, 143, 129).
 *
 * The same Ctrl-C often arrives more than once: the terminal sends it to every process of the
 * foreground group, and npm and tsx's CLI each pass it on to their child as well. Requests within
 * a second of the first are that same request; a Ctrl-C after that quits at once, when asked for.
 */

/**
 * What asked the run to stop. The parent process exiting counts as `SIGHUP` (the side that started
 * us hung up).
 *
 * @example
 * ```ts
 * import type { StopSignal } from './stop-signals.js';
 * const s: StopSignal = 'SIGTERM';
 * ```
 */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * Options of {@link stopOnSignals}.
 *
 * @example
 * ```ts
 * import type { StopOptions } from './stop-signals.js';
 * const o: StopOptions = { quitOnSecondInterrupt: true, onStop: (s) => console.error(`${s}: stopping`) };
 * ```
 */
export interface StopOptions {
  /** Called once, at the first request (to say what happens now). */
  readonly onStop?: (signal: StopSignal) => void;
  /** A later Ctrl-C (a SIGINT more than a second after the first request) exits at once with 130. Default false: ignored. */
  readonly quitOnSecondInterrupt?: boolean;
  /**
   * Also stop when the parent process is gone: when the IPC channel to it closes (a sweep runner,
   * the relaunching wrapper) and, with `watchParentPid`, when this process is re-parented.
   */
  readonly watchParent?: boolean;
  /**
   * Poll the parent pid (every 0.5 s). For a parent that passes signals on but can die without
   * telling us, e.g. the `sh -c` that npm runs scripts through: SIGTERM to npm ends that shell,
   * and the run would otherwise go on alone. Not for a run started from an interactive shell, which
   * may exit and leave a `nohup`ed run behind on purpose.
   */
  readonly watchParentPid?: boolean;
}

/**
 * A pending stop request: `signal` aborts (with the signal's name as its reason) at the first one.
 *
 * @example
 * ```ts
 * import type { StopRequest } from './stop-signals.js';
 * const code = (s: StopRequest) => (s.signal.aborted ? s.exitCode() : 0);
 * ```
 */
export interface StopRequest {
  readonly signal: AbortSignal;
  /** What asked first, once something did. */
  readonly cause: () => StopSignal | undefined;
  /** 128 + the signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP / parent gone); 0 before any request. */
  readonly exitCode: () => number;
  /** Removes the handlers (the process's default behaviour comes back). */
  readonly release: () => void;
}

/** Repeats within this time of the first request are the same request, delivered twice. */
const SAME_REQUEST_MS = 1000;
const EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const ignore = (): void => {};

/**
 * Turns SIGINT, SIGTERM, SIGHUP (and, with `watchParent`, the parent's exit) into one abort signal.
 *
 * @example
 * ```ts
 * import { stopOnSignals } from './stop-signals.js';
 * const stop = stopOnSignals({ quitOnSecondInterrupt: true, onStop: (s) => console.error(`${s}: stopping after this update`) });
 * // await trainRun({ ..., signal: stop.signal }); then process.exit(stop.signal.aborted ? stop.exitCode() : 0)
 * stop.release();
 * ```
 */
export function stopOnSignals(options: StopOptions = {}): StopRequest {
  const controller = new AbortController();
  let first: { signal: StopSignal; at: number } | undefined;
  const request = (signal: StopSignal): void => {
    const now = Date.now();
    if (first === undefined) {
      first = { signal, at: now };
      // With the terminal or the parent gone, writing to them fails: that must not end the run.
      if (signal === 'SIGHUP') {
        process.stdout.on('error', ignore);
        process.stderr.on('error', ignore);
      }
      options.onStop?.(signal);
      controller.abort(signal);
      return;
    }
    if (signal === 'SIGINT' && options.quitOnSecondInterrupt && now - first.at > SAME_REQUEST_MS) process.exit(EXIT_CODES.SIGINT);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, () => request(s)] as const);
  for (const [s, handler] of handlers) process.on(s, handler);
  const onDisconnect = (): void => request('SIGHUP');
  const watchChannel = options.watchParent === true && process.channel !== undefined;
  // The listener keeps the channel (and so the process) alive until `release`; the channel may be
  // someone else's too (a test runner's), so it is never unref'd here.
  if (watchChannel) process.on('disconnect', onDisconnect);
  const parent = process.ppid;
  const poll = options.watchParent === true && options.watchParentPid === true
    ? setInterval(() => {
      if (process.ppid !== parent) request('SIGHUP');
    }, 500)
    : undefined;
  poll?.unref();
  return {
    signal: controller.signal,
    cause: () => first?.signal,
    exitCode: () => (first ? EXIT_CODES[first.signal] : 0),
    release: () => {
      for (const [s, handler] of handlers) process.off(s, handler);
      if (watchChannel) process.off('disconnect', onDisconnect);
      clearInterval(poll);
    },
  };
}

/**
 * Whether this process runs an npm script (`npm run ...`, `npx ...`): npm starts scripts through
 * `sh -c`, which ends on the SIGTERM npm passes on without passing it further.
 *
 * @example
 * ```ts
 * import { runByNpm, stopOnSignals } from './stop-signals.js';
 * const stop = stopOnSignals({ watchParent: true, watchParentPid: runByNpm() });
 * stop.release();
 * ```
 */
export function runByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_lifecycle_event !== undefined;
}
