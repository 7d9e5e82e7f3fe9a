/**
 * `hyperschedule/node`: the Node-only edges of hyperschedule. Picks the fastest tfjs backend
 * installed, runs the `hyperschedule` command in-process, runs sweeps of training runs as
 * parallel, resumable child processes or as jobs on a BullMQ queue for workers on many machines,
 * writes run records whole or not at all, and writes checkpoint files that keep the last good one.
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
export { runSweep } from './sweep/runner.js';
export type { RunSweepOptions, SweepOutcome } from './sweep/runner.js';
export { sendSweepMessage } from './sweep/messages.js';
export { trialPaths } from './sweep/trial-paths.js';
export type { TrialPaths } from './sweep/trial-paths.js';
export { readTrialRecord } from './sweep/trial-record.js';
export type { TrialRecord, TrialStatus } from './sweep/trial-record.js';
export type { SweepEvent } from './sweep/events.js';
export type { TrialCommand } from './sweep/trial-process.js';
export type { TrialLock } from './sweep/trial-lock.js';
// sweep executors: child processes here (the default), or BullMQ jobs for workers anywhere
export { localExecutor } from './sweep/local-executor.js';
export type { SweepExecutor, SweepPlan } from './sweep/executor.js';
export { defaultQueueName } from './queue/queue-name.js';
export { queueExecutor } from './queue/queue-executor.js';
export type { QueueExecutorOptions } from './queue/queue-executor.js';
export { startQueueWorker } from './queue/worker.js';
export type { QueueWorker, QueueWorkerOptions } from './queue/worker.js';
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

// run logs: every update's parameters, loss, signals and metrics as JSON lines, CSV and TensorBoard event files
export { createRunLogger } from './logs/run-logger.js';
export type { RunLogger, RunLoggerOptions, RunLogResume, RunLogSummary } from './logs/run-logger.js';
export { readRunLog } from './logs/jsonl.js';
export type { RunLogRead } from './logs/jsonl.js';
export { runLogCsv } from './logs/csv.js';
export type { RunLogRow } from './logs/row.js';
