/**
 * Pieces that plug into a training loop: adaptive momentum wiring and gradient accumulation.
 *
 * @example
 * ```ts
 * import { enableAdaptiveMomentum } from 'hyperschedule';
 * ```
 * @packageDocumentation
 */
export * from './adaptive-momentum.js';
export * from './accumulate.js';
