import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

/**
 * PyTorch's `nn.LayerNorm` default epsilon.
 *
 * @example
 * ```ts
 * import { LAYER_NORM_EPS } from './layer-norm.js';
 * LAYER_NORM_EPS; // 1e-5
 * ```
 */
export const LAYER_NORM_EPS = 1e-5;

/**
 * LayerNorm over the last axis of a 2-D tensor `[N, D]`, with a hand-written gradient.
 *
 * Why custom: autodiff through `moments`/`rsqrt` records ~20 elementwise kernels per call; the
 * closed-form backward below needs about half, and every kernel on `[B*T, D]` costs real time
 * on wasm.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';
 * import { layerNorm } from './layer-norm.js';
 * layerNorm(tf.tensor2d([[1, 2, 3]]), tf.ones([3]), tf.zeros([3])).print(); // ~[[-1.22, 0, 1.22]]
 * ```
 */
export const layerNorm = withGradient(([x, gamma, beta], save) => {
  const mean = tf.mean(x!, -1, true);
  const centred = tf.sub(x!, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  const rstd = tf.rsqrt(tf.add(variance, LAYER_NORM_EPS));
  const xhat = tf.mul(centred, rstd);
  save([xhat, rstd, gamma!]);
  return {
    value: tf.add(tf.mul(xhat, gamma!), beta!),
    gradFunc: (dy, [sxhat, srstd, sgamma]) => {
      const dxhat = tf.mul(dy, sgamma!);
      const meanD = tf.mean(dxhat, -1, true);
      const meanDX = tf.mean(tf.mul(dxhat, sxhat!), -1, true);
      const dx = tf.mul(tf.sub(tf.sub(dxhat, meanD), tf.mul(sxhat!, meanDX)), srstd!);
      return [dx, tf.sum(tf.mul(dy, sxhat!), 0), tf.sum(dy, 0)];
    },
  };
}) as (x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor2D;
