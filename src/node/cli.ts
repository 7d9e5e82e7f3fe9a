/**
 * Entry point of the `hyperschedule` command (bin/hyperschedule.cjs loads its build,
 * dist/cli.cjs). The logic lives in ./cli/run.ts so it can be tested without a process.
 *
 * Writes to a pipe or a device fail asynchronously, as an `error` event on the stream: a reader
 * that has gone (EPIPE, `| head -1`) ends the process quietly with code 0, any other failure
 * (ENOSPC, EIO) with one line on stderr and code 1 — instead of Node's stack trace.
 *
 * @example
 * ```sh
 * npx hyperschedule values '{"type":"OneCycleLR","maxLr":0.01,"totalSteps":100}' --steps 100 --csv
 * npx hyperschedule plot spec.json --steps 8800 --steps-per-epoch 88
 * ```
 * @packageDocumentation
 */
import { outputFailure } from './cli/output-failure.js';
import { nodeCliIO, runCli } from './cli/run.js';

process.stdout.on('error', (error) => {
  const { exitCode, line } = outputFailure(error, 'stdout');
  if (line) process.stderr.write(line);
  process.exit(exitCode);
});
// Nowhere left to report a failing stderr: keep the exit code the run already chose.
process.stderr.on('error', () => process.exit(process.exitCode ?? 1));

void runCli(process.argv.slice(2), nodeCliIO()).then((code) => {
  process.exitCode = code;
});
