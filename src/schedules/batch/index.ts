export { batchSizeSchedule, type BatchSizeOptions, type BatchRounding } from './batch-size.js';
export { scaleLrForBatch, type BatchScalingOptions, type BatchScalingRule } from './batch-lr-scaling.js';
export {
  increaseBatchInsteadOfDecay, type IncreaseBatchOptions, type IncreaseBatchResult,
} from './increase-batch.js';
