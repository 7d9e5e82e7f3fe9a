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
