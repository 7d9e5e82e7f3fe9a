/**
 * The fixed-size batching a plain tfjs loop writes for itself: a seeded shuffle per epoch and
 * `tf.gather` of the rows. The "before" side of the examples; hyperschedule's `scheduledBatches`
 * replaces it when the batch size should follow a schedule.
 */
import * as tf from '@tensorflow/tfjs';
import { permutation } from './rng.js';

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
  const order = permutation(n, seed);
  for (let start = 0; start < n; start += batchSize) {
    yield tf.tidy(() => {
      const idx = tf.tensor1d(order.subarray(start, start + batchSize), 'int32');
      return { xs: tf.gather(data.xs, idx), ys: tf.gather(data.ys, idx) };
    });
  }
}
