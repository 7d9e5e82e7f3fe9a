import type { ScheduleCodec } from '../schedules/codec.js';
import { batchScaledLrCodec } from './batch-lr-scaling.js';
import { batchSizeCodec } from './batch-size.js';
import { batchForDecayCodec } from './increase-batch.js';

export * from './plateau.js';
export * from './adaptive-momentum.js';
export * from './batch-size.js';
export * from './batch-lr-scaling.js';
export * from './increase-batch.js';
export * from './scheduled-weight-decay.js';
export { AdamS, type AdamSOptions } from '../optimizers/adams.js';
export { SGDS } from '../optimizers/sgds.js';

/**
 * Codecs of the batch-size schedules (`batchSize`, `batchScaledLr`, `batchForDecay`), for
 * `fromJSON`.
 *
 * @example
 * ```ts
 * import { BEYOND_LR_CODECS } from 'hyperschedule';
 * BEYOND_LR_CODECS.map((c) => c.type); // ['batchSize', 'batchScaledLr', 'batchForDecay']
 * ```
 */
export const BEYOND_LR_CODECS: readonly ScheduleCodec[] = Object.freeze([batchSizeCodec, batchScaledLrCodec, batchForDecayCodec]);
