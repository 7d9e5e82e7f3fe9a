/**
 * Running an entry point under `node --import tsx` when it was started by tsx's CLI (`tsx file.ts`,
 * `npx tsx file.ts`), so that Ctrl-C and SIGTERM can always write a checkpoint.
 *
 * Why (tsx 4, `dist/cli.mjs`, `relaySignals`): the CLI runs the script in a child process, and on
 * SIGINT or SIGTERM waits 30 ms for that child to acknowledge the signal (a message sent by a
 * handler tsx installs in the child, `dist/preflight.cjs`), re-sends the signal, waits 30 ms more,
 * then SIGKILLs the child. The acknowledgement is sent from the child's event loop, which is busy
 * for the whole of a training step (tens of ms for the tiny ViT, seconds for the study's), so the
 * run is killed before it can save. `node --import tsx` loads the same TypeScript without that
 * relay. Here the child tsx started becomes a thin wrapper: it starts the entry again under
 * `node --import tsx` and stays idle, so it acknowledges at once, and passes each signal it gets
 * on to the run (the run treats copies that arrive together as one request, see
 * `stop-signals.ts`). The run is linked to the wrapper by an IPC channel: should the wrapper be
 * killed anyway, the channel closes and the run stops and saves as on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Set in the relaunched process, so it never relaunches again. */
const RELAUNCHED = 'HYPERSCHEDULE_RELAUNCHED';
/** A path inside the tsx package's build, as the tsx CLI passes its hooks to its child. */
const TSX_FILE = /[\\/]tsx[\\/]dist[\\/]/;
const FLAGS_WITH_VALUE = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/**
 * Whether this process was started by tsx's CLI: its child gets `--require …/tsx/dist/preflight.cjs`.
 *
 * @example
 * ```ts
 * import { startedByTsxCli } from './relaunch.js';
 * startedByTsxCli(['--require', '/repo/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///repo/node_modules/tsx/dist/loader.mjs']); // true
 * startedByTsxCli(['--import', 'tsx']); // false
 * ```
 */
export function startedByTsxCli(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((arg, i) => /preflight\.cjs$/.test(arg) && TSX_FILE.test(arg) && (execArgv[i - 1] === '--require' || execArgv[i - 1] === '-r'));
}

/**
 * `execArgv` without the hooks tsx's CLI added (its preflight, REPL patch and loader), keeping the
 * user's own Node flags (`--inspect`, `--max-old-space-size=...`).
 *
 * @example
 * ```ts
 * import { nodeFlagsWithoutTsxCli } from './relaunch.js';
 * nodeFlagsWithoutTsxCli(['--require', '/r/node_modules/tsx/dist/preflight.cjs', '--max-old-space-size=8192', '--import', 'file:///r/node_modules/tsx/dist/loader.mjs']);
 * // ['--max-old-space-size=8192']
 * ```
 */
export function nodeFlagsWithoutTsxCli(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (FLAGS_WITH_VALUE.has(arg) && TSX_FILE.test(execArgv[i + 1] ?? '')) {
      i += 1;
      continue;
    }
    const [flag, value] = arg.split(/=(.*)/s);
    if (value !== undefined && FLAGS_WITH_VALUE.has(flag!) && TSX_FILE.test(value)) continue;
    kept.push(arg);
  }
  return kept;
}

/**
 * When this process was started by tsx's CLI, runs `entry` again as `node --import tsx entry
 * ...args` (same arguments, environment, working directory and terminal), passes SIGINT, SIGTERM
 * and SIGHUP on to it, and resolves to its exit code; otherwise resolves to `undefined` at once
 * and the caller runs normally.
 *
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { relaunchOutsideTsxCli } from './relaunch.js';
 * const code = await relaunchOutsideTsxCli(fileURLToPath(import.meta.url));
 * if (code !== undefined) process.exit(code);
 * // ... the real work
 * ```
 */
export async function relaunchOutsideTsxCli(entry: string, args: readonly string[] = process.argv.slice(2)): Promise<number | undefined> {
  if (!startedByTsxCli() || process.env[RELAUNCHED] === '1') return undefined;
  const child = spawn(process.execPath, [...nodeFlagsWithoutTsxCli(process.execArgv), '--import', import.meta.resolve('tsx'), entry, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  // Handling them here also acknowledges them to the tsx CLI at once (its preflight handler runs first).
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = signals.map((s) => [s, () => child.kill(s)] as const);
  for (const [s, handler] of forward) process.on(s, handler);
  return new Promise<number>((resolve) => {
    child.on('error', (err) => {
      console.error(`could not start ${process.execPath} --import tsx ${entry}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const [s, handler] of forward) process.off(s, handler);
      resolve(code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0));
    });
  });
}
