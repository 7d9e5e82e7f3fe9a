/**
 * Node-only edges of hyperschedule: backend selection, datasets, files, CLI helpers, reports.
 * Import from `hyperschedule/node`.
 *
 * @example
 * ```ts
 * import * as hsNode from 'hyperschedule/node';
 * ```
 * @packageDocumentation
 */
export {};
export * from './backend.js';
export * from './data/index.js';
export * from './cli/index.js';
export * from './report/index.js';
export * from './sweep/index.js';
