import { Command, CommanderError, Option } from 'commander';
import { formatValues, plotValues, type ValuesFormat } from './format.js';
import { integerOption } from './integer-option.js';
import { CLI_LIMITS } from './limits.js';
import { OutputError, outputFailure } from './output-failure.js';
import { readSpecFile } from './read-spec-file.js';
import { parseSpecArgument } from './spec-input.js';
import { specValues, type SpecValuesOptions } from './spec-values.js';
import { addWorkerCommand } from './worker-command.js';

/**
 * Where the CLI reads and writes: injected so `runCli` runs in tests without a process.
 *
 * @example
 * ```ts
 * import type { CliIO } from 'hyperschedule/node';
 * const out: string[] = [];
 * const io: CliIO = { stdout: (s) => out.push(s), stderr: (s) => out.push(s), readFile: () => '{}' };
 * ```
 */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  /** Terminal width, used as the default plot width. */
  readonly columns?: number;
}

/**
 * The CLI's IO on the real process (stdout, stderr, the file system). Spec files are read only
 * when they are regular files of at most 1 MiB (`readSpecFile`). A write that fails
 * asynchronously (a closed pipe, a full disk) is reported by the stream's `error` event, which
 * the `hyperschedule` binary turns into a quiet exit or one error line.
 *
 * @example
 * ```ts
 * import { nodeCliIO, runCli } from 'hyperschedule/node';
 * process.exitCode = await runCli(['values', 'spec.json', '--steps', '100'], nodeCliIO());
 * ```
 */
export function nodeCliIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readSpecFile(path),
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

const count = integerOption(1, Number.MAX_SAFE_INTEGER);

interface RunOptions {
  steps: number;
  stepsPerEpoch?: number;
  samplesPerEpoch?: number;
  perEpoch?: boolean;
}

function runOptionsOf(options: RunOptions, rows: { every?: number; points?: number }): SpecValuesOptions {
  return {
    steps: options.steps,
    ...(options.stepsPerEpoch !== undefined ? { stepsPerEpoch: options.stepsPerEpoch } : {}),
    ...(options.samplesPerEpoch !== undefined ? { samplesPerEpoch: options.samplesPerEpoch } : {}),
    ...(options.perEpoch ? { perEpoch: true } : {}),
    ...(rows.every !== undefined ? { every: rows.every } : {}),
    ...(rows.points !== undefined ? { points: rows.points } : {}),
  };
}

/** Adds the options shared by `values` and `plot`. */
function withRunOptions(command: Command): Command {
  return command
    .argument('<spec>', 'a schedule spec: inline JSON or a JSON file (hyperschedule spec, or a PyTorch scheduler by class name)')
    .requiredOption('--steps <n>', `optimizer steps in the run, at most ${CLI_LIMITS.maxSteps} (rows 0..n-1; time strings like "0.1dur" resolve against it)`, integerOption(1, CLI_LIMITS.maxSteps))
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch (for epoch time and "ep" time strings)', count)
    .option('--samples-per-epoch <n>', 'training samples per epoch (for sample time and "sp" time strings)', count)
    .option('--per-epoch', 'a PyTorch scheduler stepped once per epoch (needs --steps-per-epoch)');
}

/**
 * Runs the `hyperschedule` command line on `argv` (without `node` and the script) and returns the
 * exit code: 0 on success, 1 on a bad spec or argument (one line on stderr), 0 for `--help`.
 * Numbers are decimal integers; the output is bounded (`CLI_LIMITS`: at most 1e9 steps, 1e6
 * printed rows, plots up to 1000 x 200). Output that cannot be written ends the run: quietly with
 * 0 when the reader has gone (EPIPE, `| head`), else with one line and 1.
 *
 * - `hyperschedule values <spec> --steps N [--csv | --json] [--every K]` prints the value at each
 *   step (a PyTorch spec prints `lr` and, when it has one, `momentum`); `--json` refuses values
 *   that are not finite.
 * - `hyperschedule plot <spec> --steps N [--width W] [--height H]` draws the curve(s).
 * - `hyperschedule worker --redis redis://HOST:PORT [--concurrency N] [--queue NAME]` runs sweep
 *   trials from a BullMQ queue until SIGINT or SIGTERM (docs/cluster.md).
 *
 * @example
 * ```ts
 * import { nodeCliIO, runCli } from 'hyperschedule/node';
 * await runCli(['values', '{"type":"StepLR","base":0.1,"stepSize":2}', '--steps', '4', '--csv'], nodeCliIO());
 * // step,lr
 * // 0,0.1
 * // 1,0.1
 * // 2,0.010000000000000002
 * // 3,0.010000000000000002
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const write = (text: string): void => {
    try {
      io.stdout(text);
    } catch (error) {
      throw new OutputError(error);
    }
  };
  const program = new Command('hyperschedule')
    .description('Print or plot a hyperschedule schedule or a PyTorch LR scheduler, step by step; run sweep trials from a queue.')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => write(text),
      writeErr: (text) => io.stderr(text),
      // Commander's usage errors ("error: unknown option '--foo'" + a suggestion) as one line,
      // quoting at most 40 characters of an argument.
      outputError: (text, write) => write(`hyperschedule: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ').replace(/'([^'\n]{40})[^'\n]+'/g, "'$1...'")}\n`),
    });

  withRunOptions(program.command('values').description('print the value at every step'))
    .addOption(new Option('--csv', 'comma-separated values with full precision').conflicts('json'))
    .addOption(new Option('--json', 'a JSON array of { step, ... } objects with full precision'))
    .option('--every <k>', `print every k-th step only (and the last); at most ${CLI_LIMITS.maxRows} rows are printed`, count)
    .action((spec: string, options: RunOptions & { csv?: boolean; json?: boolean; every?: number }) => {
      const values = specValues(parseSpecArgument(spec, io.readFile), runOptionsOf(options, { ...(options.every !== undefined ? { every: options.every } : {}) }));
      const format: ValuesFormat = options.csv ? 'csv' : options.json ? 'json' : 'table';
      write(formatValues(values, format));
    });

  withRunOptions(program.command('plot').description('draw the curve in the terminal'))
    .option('--width <w>', `plot width in characters, at most ${CLI_LIMITS.maxWidth} (default: terminal width)`, integerOption(2, CLI_LIMITS.maxWidth))
    .option('--height <h>', `plot height in rows, at most ${CLI_LIMITS.maxHeight}`, integerOption(1, CLI_LIMITS.maxHeight), 12)
    .action((spec: string, options: RunOptions & { width?: number; height: number }) => {
      const width = options.width ?? Math.max(20, Math.min(120, (io.columns ?? 80) - 14));
      // Only the points drawn are evaluated, however many steps the run has.
      const values = specValues(parseSpecArgument(spec, io.readFile), runOptionsOf(options, { points: width }));
      write(plotValues(values, { width, height: options.height }));
    });

  addWorkerCommand(program, (line) => write(`${line}\n`));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof OutputError) {
      const failure = outputFailure(error.cause, 'stdout');
      if (failure.line) io.stderr(failure.line);
      return failure.exitCode;
    }
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`hyperschedule: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
