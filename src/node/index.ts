/**
 * `hyperschedule/node`: the Node-only edges of hyperschedule. Picks the fastest tfjs backend
 * installed, runs the `hyperschedule` command in-process, runs sweeps of training runs as
 * parallel, resumable child processes, writes run records whole or not at all, and writes
 * checkpoint files that keep the last good one.
 *
 * Datasets, augmentation and the study's report live with the ViT example (`examples/`), not here.
 *
 * @example
 * ```ts
 * import { expandSweep, logspace, selectBackend } from 'hyperschedule/node';
 * await selectBackend({ prefer: 'wasm' }); // logs e.g. 'backend: wasm (...)'
 * expandSweep({ name: 'lr', grids: [{ lr: logspace(1e-4, 1e-2, 3) }], seeds: 2 }).length; // 6
 * ```
 * @packageDocumentation
 */

// backend
export { selectBackend } from './backend.js';
export type { BackendName, BackendSelection, SelectBackendOptions, SkippedBackend } from './backend.js';

// CLI (`npx hyperschedule values|plot ...`, callable in-process)
export { nodeCliIO, runCli } from './cli/run.js';
export type { CliIO } from './cli/run.js';

// sweep: a grid of trials, run as child processes, summarised per cell
export { expandSweep, linspace, logspace, parseSweepConfig } from './sweep/config.js';
export type { AxisValues, JsonValue, SweepConfig, SweepTrial, TrialParams } from './sweep/config.js';
export { readTrialRecord, runSweep, sendSweepMessage, trialPaths } from './sweep/runner.js';
export type { RunSweepOptions, SweepEvent, SweepOutcome, TrialCommand, TrialPaths, TrialRecord, TrialStatus } from './sweep/runner.js';
export type { TrialLock } from './sweep/trial-lock.js';
export { summarizeCells } from './sweep/summarize.js';
export type { SweepCell } from './sweep/summarize.js';
export { meanConfidenceInterval } from './sweep/stats.js';
export type { SampleSummary } from './sweep/stats.js';

// run logging: files a crash never leaves half-written
export { readJsonIfValid, writeFileAtomic, writeJsonAtomic } from './sweep/atomic.js';

// checkpoint files: checksummed, fsync'd, the previous good one kept; the same format as bytes
export { readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';
export { decodeCheckpoint, encodeCheckpoint } from '../integrations/checkpoint-binary.js';
export type { CheckpointFileRead } from './checkpoint-file.js';
