import type { ScheduleCodec } from '../codec.js';
import { batchScaledLrCodec } from './batch-lr-scaling.js';
import { batchSizeCodec } from './batch-size.js';
import { batchForDecayCodec } from './increase-batch.js';

export * from './batch-size.js';
export * from './batch-lr-scaling.js';
export * from './increase-batch.js';

/** Codecs of the batch-size schedules (Smith et al. 2017), for `fromJSON`. */
export const BATCH_CODECS: readonly ScheduleCodec[] = Object.freeze([batchSizeCodec, batchScaledLrCodec, batchForDecayCodec]);
