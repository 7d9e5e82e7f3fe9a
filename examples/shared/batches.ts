/**
 * The fixed-size batching a plain tfjs loop writes for itself: a seeded shuffle per epoch and
 * `tf.gather` of the rows. The "before" side of the examples; hyperschedule's `scheduledBatches`
 * replaces it when the batch size should follow a schedule.
 */
import * as tf from '@tensorflow/tfjs';

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

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1), enough for a shuffle. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
