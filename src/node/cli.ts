/**
 * Entry point of the `hyperschedule` command (bin/hyperschedule.cjs loads its build,
 * dist/cli.cjs). The logic lives in ./cli/run.ts so it can be tested without a process.
 *
 * @example
 * ```sh
 * npx hyperschedule values '{"type":"OneCycleLR","maxLr":0.01,"totalSteps":100}' --steps 100 --csv
 * npx hyperschedule plot spec.json --steps 8800 --steps-per-epoch 88
 * ```
 * @packageDocumentation
 */
import { nodeCliIO, runCli } from './cli/run.js';

void runCli(process.argv.slice(2), nodeCliIO()).then((code) => {
  process.exitCode = code;
});
