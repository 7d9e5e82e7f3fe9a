import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

/**
 * 2-D matrix product `a @ b` whose gradient avoids transposed matmuls.
 *
 * Why: on the wasm backend only un-transposed, un-batched 2-D products take XNNPACK's fast path
 * (~14 GFLOP/s here); tfjs's built-in MatMul gradient asks for `transposeA/transposeB` products,
 * which fall back to a ~2.5 GFLOP/s loop. Transposing explicitly and then multiplying is several
 * times faster (DESIGN §5: a whole ViT step 4.7x).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { matMul2d } from './matmul.js';
 * matMul2d(tf.ones([2, 3]), tf.ones([3, 4])).print(); // [[3,3,3,3],[3,3,3,3]]
 * ```
 */
export const matMul2d = withGradient(([a, b], save) => {
  save([a!, b!]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, [sa, sb]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(sb as tf.Tensor2D)),
      tf.matMul(tf.transpose(sa as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Affine map `x @ w + bias` on rows (`x: [N, in]`, `w: [in, out]`, `bias: [out]`), one fused
 * kernel forward, fast-path-only products backward (see {@link matMul2d}).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { linear } from './matmul.js';
 * linear(tf.ones([2, 3]), tf.ones([3, 4]), tf.zeros([4])).shape; // [2, 4]
 * ```
 */
export const linear = withGradient(([x, w, bias], save) => {
  save([x!, w!]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: bias! }),
    gradFunc: (dy, [sx, sw]) => {
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw as tf.Tensor2D)), tf.matMul(tf.transpose(sx as tf.Tensor2D), g), tf.sum(g, 0)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
