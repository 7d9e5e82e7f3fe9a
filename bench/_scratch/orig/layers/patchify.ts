import * as tf from '@tensorflow/tfjs';

/**
 * Cuts `[B, H, W, C]` images into non-overlapping `p x p` patches, one row per patch:
 * `[B * (H/p) * (W/p), p * p * C]`, patches in row-major grid order, features ordered
 * (patch row, patch column, channel) — the order `unfold(...).permute(0,2,3,4,5,1)` gives in the
 * PyTorch reference.
 *
 * Only reshape + one 4-D transpose: no conv2d/gather, whose gradients wasm lacks.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { patchify } from './patchify.js';
 * patchify(tf.zeros([2, 32, 32, 3]), 4).shape; // [128, 48]
 * ```
 */
export function patchify(x: tf.Tensor4D, patch: number): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  const nh = h / patch;
  const nw = w / patch;
  return tf.tidy(() => {
    const rows = tf.reshape(x, [b * nh, patch, nw, patch * c]);
    const grid = tf.transpose(rows, [0, 2, 1, 3]);
    return tf.reshape(grid, [b * nh * nw, patch * patch * c]);
  });
}
