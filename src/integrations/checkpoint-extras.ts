import type { SerializedTensor } from './tensor-json.js';

/**
 * What a training loop keeps beside the library's state in the same checkpoint: its own JSON
 * (epoch log, best score, a config hash) and named tensors (best-so-far weights, an EMA copy).
 * `restoreCheckpoint` leaves it alone; the loop reads it back from the restored checkpoint. The
 * binary format stores the tensors as raw float32/int32 like the model's own.
 *
 * @example
 * ```ts
 * import type { CheckpointExtras } from 'hyperschedule';
 * const extras: CheckpointExtras = {
 *   data: { bestValAcc: 0.91, configHash: 'a1b2' },
 *   tensors: [{ name: 'best.0', shape: [2], dtype: 'float32', values: [0.5, -1] }],
 * };
 * ```
 */
export interface CheckpointExtras {
  /**
   * The loop's own state as JSON: numbers (finite: JSON has no NaN or Infinity), strings,
   * booleans, null, arrays and plain objects. Typed `unknown` so a loop's own interfaces fit
   * without a cast; `encodeCheckpoint` refuses anything else, naming the field.
   */
  readonly data?: unknown;
  /** Named tensors of the loop's own. */
  readonly tensors?: readonly SerializedTensor[];
}
