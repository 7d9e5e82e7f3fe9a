/**
 * The public API is a reviewed list: this test fails when a runtime export is added to or removed
 * from `hyperschedule` or `hyperschedule/node`, so growing the API is a decision, not an accident.
 * The root stays at most 60 runtime values and is written as explicit names (no `export *`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import * as node from '../src/node/index.js';

const ROOT_EXPORTS = [
  // schedules
  'constant', 'cosine', 'cosineWarmRestarts', 'cyclic', 'exponentialDecay', 'inverseSqrt', 'inverseTime', 'lambda',
  'linear', 'multiStepDecay', 'oneCycle', 'oneCycleMomentum', 'piecewiseConstant', 'piecewiseLinear', 'polynomial',
  'stepDecay', 'tanhDecay', 'warmupStableDecay', 'withNoise',
  // combinators
  'clamp', 'product', 'quantize', 'repeat', 'scale', 'sequence', 'shift', 'warmup',
  // batch-size schedules
  'batchSizeSchedule', 'increaseBatchInsteadOfDecay', 'scaleLrForBatch',
  // specs and PyTorch import
  'fromJSON', 'fromTorch',
  // parameters and domains
  'combine', 'domains', 'grouped', 'param', 'positiveInteger', 'range',
  // session and hooks
  'createSession', 'fitCallback', 'hook', 'minimizeAccumulated', 'scheduledBatches', 'unhook',
  // controllers
  'adaptiveMomentum', 'defineController', 'enableAdaptiveMomentum', 'reduceOnPlateau',
  'scheduledWeightDecay',
  // optimizers
  'Adam', 'AdamS', 'AdamW', 'SGD', 'SGDS', 'excludeBiasAndNorm', 'setTfOptimizerValues',
  // checkpoints
  'restoreCheckpoint', 'saveCheckpoint',
  // errors
  'HyperscheduleError',
];

const NODE_EXPORTS = [
  // backend
  'selectBackend',
  // CLI
  'nodeCliIO', 'runCli',
  // sweeps
  'expandSweep', 'linspace', 'logspace', 'meanConfidenceInterval', 'parseSweepConfig', 'readTrialRecord', 'runSweep',
  'sendSweepMessage', 'summarizeCells', 'trialPaths',
  // sweep executors
  'defaultQueueName', 'localExecutor', 'queueExecutor', 'startQueueWorker',
  // run logging
  'readJsonIfValid', 'writeFileAtomic', 'writeJsonAtomic',
  // run logs: JSON lines, CSV, TensorBoard event files
  'createRunLogger', 'readRunLog', 'runLogCsv',
  // checkpoint files
  'decodeCheckpoint', 'encodeCheckpoint', 'readCheckpointFile', 'writeCheckpointFile',
];

const sorted = (names: readonly string[]) => [...names].sort();

describe('public exports', () => {
  it('hyperschedule exports exactly the reviewed list, at most 60 runtime values', () => {
    expect(sorted(Object.keys(root))).toEqual(sorted(ROOT_EXPORTS));
    expect(ROOT_EXPORTS.length).toBeLessThanOrEqual(60);
  });

  it('hyperschedule/node exports exactly the reviewed list', () => {
    expect(sorted(Object.keys(node))).toEqual(sorted(NODE_EXPORTS));
  });

  it('both entries name their exports (no export *)', () => {
    for (const entry of ['../src/index.ts', '../src/node/index.ts']) {
      expect(readFileSync(new URL(entry, import.meta.url), 'utf8')).not.toMatch(/export \*/);
    }
  });
});
