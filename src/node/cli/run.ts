import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { HyperscheduleError } from '../../errors.js';
import { formatValues, plotValues, type ValuesFormat } from './format.js';
import { parseSpecArgument } from './spec-input.js';
import { specValues, type SpecValuesOptions } from './spec-values.js';

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
 * The CLI's IO on the real process (stdout, stderr, the file system).
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
    readFile: (path) => readFileSync(path, 'utf8'),
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

const integer = (min: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`expected an integer >= ${min}.`);
  return value;
};

interface RunOptions {
  steps: number;
  stepsPerEpoch?: number;
  samplesPerEpoch?: number;
  perEpoch?: boolean;
}

function runOptionsOf(options: RunOptions, every?: number): SpecValuesOptions {
  return {
    steps: options.steps,
    ...(options.stepsPerEpoch !== undefined ? { stepsPerEpoch: options.stepsPerEpoch } : {}),
    ...(options.samplesPerEpoch !== undefined ? { samplesPerEpoch: options.samplesPerEpoch } : {}),
    ...(options.perEpoch ? { perEpoch: true } : {}),
    ...(every !== undefined ? { every } : {}),
  };
}

/** Adds the options shared by `values` and `plot`. */
function withRunOptions(command: Command): Command {
  return command
    .argument('<spec>', 'a schedule spec: inline JSON or a JSON file (hyperschedule spec, or a PyTorch scheduler by class name)')
    .requiredOption('--steps <n>', 'optimizer steps in the run (rows 0..n-1; time strings like "0.1dur" resolve against it)', integer(1))
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch (for epoch time and "ep" time strings)', integer(1))
    .option('--samples-per-epoch <n>', 'training samples per epoch (for sample time and "sp" time strings)', integer(1))
    .option('--per-epoch', 'a PyTorch scheduler stepped once per epoch (needs --steps-per-epoch)');
}

/**
 * Runs the `hyperschedule` command line on `argv` (without `node` and the script) and returns the
 * exit code: 0 on success, 1 on a bad spec or argument (one line on stderr), 0 for `--help`.
 *
 * - `hyperschedule values <spec> --steps N [--csv | --json] [--every K]` prints the value at each
 *   step (a PyTorch spec prints `lr` and, when it has one, `momentum`).
 * - `hyperschedule plot <spec> --steps N [--width W] [--height H]` draws the curve(s).
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
  const program = new Command('hyperschedule')
    .description('Print or plot a hyperschedule schedule or a PyTorch LR scheduler, step by step.')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's usage errors ("error: unknown option '--foo'" + a suggestion) as one line.
      outputError: (text, write) => write(`hyperschedule: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });

  withRunOptions(program.command('values').description('print the value at every step'))
    .addOption(new Option('--csv', 'comma-separated values with full precision').conflicts('json'))
    .addOption(new Option('--json', 'a JSON array of { step, ... } objects with full precision'))
    .option('--every <k>', 'print every k-th step only (and the last)', integer(1))
    .action((spec: string, options: RunOptions & { csv?: boolean; json?: boolean; every?: number }) => {
      const values = specValues(parseSpecArgument(spec, io.readFile), runOptionsOf(options, options.every));
      const format: ValuesFormat = options.csv ? 'csv' : options.json ? 'json' : 'table';
      io.stdout(formatValues(values, format));
    });

  withRunOptions(program.command('plot').description('draw the curve in the terminal'))
    .option('--width <w>', 'plot width in characters (default: terminal width)', integer(2))
    .option('--height <h>', 'plot height in rows', integer(1), 12)
    .action((spec: string, options: RunOptions & { width?: number; height: number }) => {
      const values = specValues(parseSpecArgument(spec, io.readFile), runOptionsOf(options));
      const width = options.width ?? Math.max(20, Math.min(120, (io.columns ?? 80) - 14));
      io.stdout(plotValues(values, { width, height: options.height }));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 1;
    }
    const message = error instanceof HyperscheduleError || error instanceof Error ? error.message : String(error);
    io.stderr(`hyperschedule: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
