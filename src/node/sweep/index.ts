/**
 * Sweeps: a grid of trial parameters (union of grids × seeds), run as parallel child processes,
 * resumable from atomically written per-trial records, summarised per cell with t confidence
 * intervals.
 *
 * @example
 * ```ts
 * import { expandSweep, logspace } from 'hyperschedule/node';
 * expandSweep({ name: 's', grids: [{ peakLr: logspace(1e-5, 1e-2, 10) }], seeds: 3 }).length; // 30
 * ```
 * @packageDocumentation
 */
export * from './atomic.js';
export * from './stats.js';
export * from './config.js';
export * from './runner.js';
export * from './summarize.js';
