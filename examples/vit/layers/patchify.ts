import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

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
import { withGradient } from './custom-grad.js';
 * import { patchify } from './patchify.js';
 * patchify(tf.zeros([2, 32, 32, 3]), 4).shape; // [128, 48]
 * ```
 */
export function patchify(x: tf.Tensor4D, patch: number): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  const nh = h / patch;
  const nw = w / patch;
  // One custom op: tfjs's Reshape gradient would keep a copy of each reshape's input.
  return withGradient(([t]) => ({
    value: tf.reshape(tf.transpose(tf.reshape(t!, [b * nh, patch, nw, patch * c]), [0, 2, 1, 3]), [b * nh * nw, patch * patch * c]),
    gradFunc: (dy) => [tf.reshape(tf.transpose(tf.reshape(dy, [b * nh, nw, patch, patch * c]), [0, 2, 1, 3]), [b, h, w, c])],
  }))(x) as tf.Tensor2D;
}
