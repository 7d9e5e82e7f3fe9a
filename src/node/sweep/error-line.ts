/**
 * A line that states an error: `Name: message` where the name ends in `Error` or `Exception`
 * (`HyperscheduleError: lr: got -1, ...`, `TypeError: ...`, `Error [ERR_X]: ...`, Python's
 * `ValueError: ...`), or a tool's `error: ...`.
 */
const ERROR_LINE = /^(?:Uncaught\s+)?(?:(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception)(?:\s*\[[\w.-]+\])?|error|fatal|panic):\s*\S/;

/** Lines that never say what went wrong: Node's version footer, stack frames, braces, carets. */
const NOISE = /^(?:Node\.js v\d|\s+at\s|\s*[{}[\]]\s*$|\s*\^+\s*$|\s*$)/;

/** At most this many characters of a line go into a summary. */
const MAX_LENGTH = 300;

/**
 * Whether a line of a process's stderr states an error (rather than a stack frame, Node's version
 * footer or a progress message).
 *
 * @example
 * ```ts
 * import { isErrorLine } from './error-line.js';
 * isErrorLine('HyperscheduleError: lr: got -1, expected a number > 0'); // true
 * isErrorLine('Node.js v20.20.2'); // false
 * ```
 */
export function isErrorLine(line: string): boolean {
  return ERROR_LINE.test(line.trimStart());
}

/**
 * The one line that best says why a process failed, from the lines of its stderr: the last that
 * states an error (`isErrorLine`), else the last that is not noise (a stack frame, `Node.js v…`),
 * shortened to 300 characters; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { errorLine } from './error-line.js';
 * errorLine(['file:///t.ts:3', '    throw e;', 'Error: boom', '    at main (t.ts:3:9)', '', 'Node.js v20.20.2']); // 'Error: boom'
 * ```
 */
export function errorLine(lines: readonly string[]): string | undefined {
  const pick = [...lines].reverse().find(isErrorLine) ?? [...lines].reverse().find((l) => !NOISE.test(l));
  if (pick === undefined) return undefined;
  const line = pick.trim();
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}
