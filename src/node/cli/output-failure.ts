/**
 * A write to the CLI's output failed; `cause` is the system error (`EPIPE`, `ENOSPC`, `EIO`, ...).
 * Raised by `runCli` around its writes so a failed write is not mistaken for a bad spec.
 *
 * @example
 * ```ts
 * import { OutputError } from './output-failure.js';
 * new OutputError(Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' })).cause;
 * ```
 */
export class OutputError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'OutputError';
  }
}

/** What the CLI does about output it could not write: its exit code and the line for stderr, if any. */
export interface OutputFailure {
  readonly exitCode: number;
  readonly line?: string;
}

/**
 * How the CLI ends when writing to `stream` failed with `error`. The reader going away (`EPIPE`,
 * as under `| head -1`) is not an error of the CLI: a quiet exit with code 0, as the reader got
 * all it asked for. Anything else (`ENOSPC` on a full disk, `EIO`) is one line naming the stream
 * and the system reason, with exit code 1 — never a stack trace.
 *
 * @example
 * ```ts
 * import { outputFailure } from './output-failure.js';
 * outputFailure(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'stdout');
 * // { exitCode: 1, line: 'hyperschedule: cannot write to stdout: no space left on device (ENOSPC)\n' }
 * outputFailure(Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' }), 'stdout');
 * // { exitCode: 0 }
 * ```
 */
export function outputFailure(error: unknown, stream: 'stdout' | 'stderr'): OutputFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'EPIPE') return { exitCode: 0 };
  const message = error instanceof Error ? error.message : String(error);
  // System errors read "ENOSPC: no space left on device, write": keep the reason, name the code.
  const system = typeof code === 'string' ? new RegExp(`^${code}: (.*?)(?:, \\w+)?$`).exec(message.split('\n')[0]!) : null;
  const reason = system ? `${system[1]} (${code as string})` : message.split('\n')[0]!;
  return { exitCode: 1, line: `hyperschedule: cannot write to ${stream}: ${reason}\n` };
}
