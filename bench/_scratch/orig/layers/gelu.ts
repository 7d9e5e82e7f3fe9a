import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU, `x * Phi(x)` with the erf form (PyTorch's `nn.GELU()` default), with a closed-form
 * gradient `Phi(x) + x * phi(x)` so the backward pass reuses the saved `Phi(x)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';
 * import { gelu } from './gelu.js';
 * gelu(tf.tensor1d([-1, 0, 1])).print(); // ~[-0.1587, 0, 0.8413]
 * ```
 */
export const gelu = withGradient(([x], save) => {
  const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x!, SQRT1_2))));
  save([x!, cdf]);
  return {
    value: tf.mul(x!, cdf),
    gradFunc: (dy, [sx, scdf]) => {
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx!), -0.5)), INV_SQRT_2PI);
      return [tf.mul(dy, tf.add(scdf!, tf.mul(sx!, pdf)))];
    },
  };
}) as <T extends tf.Tensor>(x: T) => T;
