/**
 * The fixed-size batching a plain tfjs loop writes for itself: a seeded shuffle per epoch and
 * `tf.gather` of the rows. The "before" side of the examples; hyperschedule's `scheduledBatches`
 * replaces it when the batch size should follow a schedule.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../src/random.js';


/**
 * One epoch of `{ xs, ys }` batches of `batchSize` rows (the last one may be smaller), in a
 * seeded random order. Dispose each batch.
 *
 * @example
 * ```ts
 * for (const { xs, ys } of shuffledBatches(train, 32, epoch)) { ...; tf.dispose([xs, ys]); }
 * ```
 */
export function* shuffledBatches(data: { xs: tf.Tensor2D; ys: tf.Tensor2D }, batchSize: number, seed: number): Generator<{ xs: tf.Tensor2D; ys: tf.Tensor2D }> {
  const n = data.xs.shape[0];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const next = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let start = 0; start < n; start += batchSize) {
    yield tf.tidy(() => {
      const idx = tf.tensor1d(order.subarray(start, start + batchSize), 'int32');
      return { xs: tf.gather(data.xs, idx), ys: tf.gather(data.ys, idx) };
    });
  }
}
