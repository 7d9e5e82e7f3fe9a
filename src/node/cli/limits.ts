/**
 * The bounds of the `hyperschedule` command, so no input makes it hang, run out of memory or read
 * without end (docs/cli.md lists them). Each is checked before any work starts and an input above
 * one is refused with one line naming the option and the limit.
 *
 * - `maxSteps`: `--steps` of `values` and `plot` (also the run length time strings resolve against).
 * - `maxRows`: rows `values` prints (`--every` thins them; only printed steps are evaluated).
 * - `maxWidth`, `maxHeight`: the plot's `--width` (points drawn) and `--height` (rows).
 * - `maxSpecBytes`: size of a spec file; only regular files are read.
 *
 * @example
 * ```ts
 * import { CLI_LIMITS } from './limits.js';
 * CLI_LIMITS.maxRows; // 1000000
 * ```
 */
export const CLI_LIMITS = {
  maxSteps: 1_000_000_000,
  maxRows: 1_000_000,
  maxWidth: 1000,
  maxHeight: 200,
  maxSpecBytes: 1024 * 1024,
} as const;
