/**
 * Sessions and the integrations that drive them: `hook` for custom loops, `fitCallback` for
 * `model.fit`, `scheduledBatches` for a scheduled batch size, and checkpoints.
 *
 * @example
 * ```ts
 * import { createSession, hook } from 'hyperschedule';
 * ```
 * @packageDocumentation
 */
export { createSession, type BatchOutcome, type HyperscheduleSession, type SessionOptions, type SessionState, type UpdateReport } from './session.js';
export { hook, unhook, type HookOptions } from './hook.js';
export type { HookState } from './carried-state.js';
export { fitCallback, type FitCallbackOptions, type FitCallbacks } from './fit-callback.js';
export { scheduledBatches, type BatcherOptions, type DatasetLike, type ScheduledBatches, type TensorData } from './batcher.js';
export { restoreCheckpoint, saveCheckpoint, type Checkpoint, type CheckpointTargets } from './checkpoint.js';
export type { SerializedTensor } from './tensor-json.js';
export type { CheckpointExtras } from './checkpoint-extras.js';
