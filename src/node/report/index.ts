/**
 * Reports of training runs and sweeps: a self-contained HTML page with Vega-Lite figures rendered
 * to SVG on the server (hyperparameter trajectories, curves, test accuracy and best epoch vs peak
 * LR), beside the reference study's own figures.
 *
 * @example
 * ```ts
 * import { loadReferenceStudy, writeReport } from 'hyperschedule/node';
 * await writeReport({ title: 'Reference only', runs: [], reference: loadReferenceStudy('../shared/reference') }, '/tmp/hs-ref');
 * ```
 * @packageDocumentation
 */
export * from './types.js';
export * from './reference.js';
export * from './figures.js';
export * from './render.js';
export * from './html.js';
