import * as tf from '@tensorflow/tfjs-core';

/**
 * Kept float32 scalar tensors, one per distinct number, reused across optimizer updates.
 *
 * An update asks for the scalars it needs with {@link ScalarCache.get}; equal numbers share one
 * tensor, so a hyperparameter that did not change costs no new tensor, and a value shared by many
 * variables is uploaded once per update rather than once per variable. {@link ScalarCache.sweep}
 * at the end of an update disposes the scalars that update did not use, so the count of live
 * tensors stays flat however often values change.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { ScalarCache } from './scalar-cache.js';
 * const cache = new ScalarCache();
 * const a = cache.get(0.9);
 * cache.get(0.9) === a; // true: same tensor
 * cache.sweep();        // keeps 0.9 (used since the last sweep)
 * cache.sweep();        // disposes it (unused since)
 * cache.dispose();
 * ```
 */
export class ScalarCache {
  private readonly tensors = new Map<number, tf.Scalar>();
  private readonly used = new Set<number>();

  /** The kept scalar holding `value` (created on first use). */
  get(value: number): tf.Scalar {
    let tensor = this.tensors.get(value);
    if (tensor === undefined || tensor.isDisposed) {
      // keep(): the update may run inside a caller's tf.tidy, which must not free our scalars.
      tensor = tf.keep(tf.scalar(value, 'float32'));
      this.tensors.set(value, tensor);
    }
    this.used.add(value);
    return tensor;
  }

  /** Disposes every scalar not requested since the previous sweep. */
  sweep(): void {
    for (const [value, tensor] of this.tensors) {
      if (!this.used.has(value)) {
        tensor.dispose();
        this.tensors.delete(value);
      }
    }
    this.used.clear();
  }

  /** Number of scalars currently held. */
  get size(): number {
    return this.tensors.size;
  }

  /** Disposes every scalar held. */
  dispose(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.tensors.clear();
    this.used.clear();
  }
}
