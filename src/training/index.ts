/**
 * Pieces that plug into a training loop: adaptive momentum wiring and gradient accumulation.
 *
 * @example
 * ```ts
 * import { enableAdaptiveMomentum } from 'hyperschedule';
 * ```
 * @packageDocumentation
 */
export { enableAdaptiveMomentum, type EnableAdaptiveMomentumOptions } from './adaptive-momentum.js';
export { minimizeAccumulated, type MicroBatchLoss, type MinimizeAccumulatedOptions } from './accumulate.js';
