import * as tf from '@tensorflow/tfjs';
import { blockProduct, swapLast } from './batch-matmul.js';
import { withGradient } from './custom-grad.js';
import { linear } from './matmul.js';
import { mergeHeads, scaleBy, splitHeads } from './shape.js';

/** Weights of one multi-head self-attention layer (PyTorch reference names: q, k, v, o). */
export interface AttentionWeights {
  /** `[D, D]` each. */
  qWeight: tf.Tensor2D;
  kWeight: tf.Tensor2D;
  vWeight: tf.Tensor2D;
  /** `[D]` each. */
  qBias: tf.Tensor1D;
  kBias: tf.Tensor1D;
  vBias: tf.Tensor1D;
  /** `[D, D]` output projection and its `[D]` bias. */
  oWeight: tf.Tensor2D;
  oBias: tf.Tensor1D;
}

/**
 * `softmax(q k^T) v` per batch entry (`q, k, v: [N, T, dh]` -> `[N, T, dh]`) with a hand-written
 * gradient: every product is an un-transposed {@link blockProduct}, and the backward pass needs
 * three transposes (v, the probabilities, their gradient) instead of the five autodiff of
 * `matMul(q, k^T)` asks for, and saves each input once.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { attend } from './attention.js';
 * attend(tf.ones([2, 5, 4]), tf.ones([2, 5, 4]), tf.ones([2, 5, 4])).shape; // [2, 5, 4]
 * ```
 */
export const attend = withGradient(([q, k, v], save) => {
  const p = tf.softmax(blockProduct(q as tf.Tensor3D, swapLast(k!)));
  save([q!, k!, v!, p]);
  return {
    value: blockProduct(p, v as tf.Tensor3D),
    gradFunc: (dy, [sq, sk, sv, sp]) => {
      const dCtx = dy as tf.Tensor3D;
      const dp = blockProduct(dCtx, swapLast(sv!));
      // Softmax backward: dS = P * (dP - rowsum(dP * P)).
      const ds = tf.mul(sp!, tf.sub(dp, tf.sum(tf.mul(dp, sp!), -1, true))) as tf.Tensor3D;
      return [blockProduct(ds, sk as tf.Tensor3D), blockProduct(swapLast(ds), sq as tf.Tensor3D), blockProduct(swapLast(sp!), dCtx)];
    },
  };
}) as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;

/**
 * Multi-head self-attention on a residual stream kept flat as `[B * T, D]`.
 *
 * Scores are `q k^T / scale`; the reference study divides by `sqrt(D)` (the full width), not the
 * usual `sqrt(D / heads)`, so `scale` is a parameter.
 *
 * Shaped for wasm: q, k and v are three 2-D products on XNNPACK's fast path (a fused `[D, 3D]`
 * projection would need slicing, and wasm's Slice copies its whole input each call); heads go to
 * the front with one 3-D transpose each ({@link splitHeads}: `[B*T, H, dh] -> [H, B*T, dh]`, batch
 * index `h*B + b`; reshapes and the scale inside ops that save no copies for the gradient);
 * the per-head products run in {@link attend}, whose products run each of the H*B small matrix
 * products on XNNPACK through zero-copy views (wasm's own batched MatMul is a scalar loop at
 * ~2 GFLOP/s — 40% of a `small` training step before this change).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { selfAttention } from './attention.js';
 * const D = 8, sq = () => tf.ones([D, D]) as tf.Tensor2D, b = () => tf.zeros([D]) as tf.Tensor1D;
 * const w = { qWeight: sq(), kWeight: sq(), vWeight: sq(), oWeight: sq(), qBias: b(), kBias: b(), vBias: b(), oBias: b() };
 * selfAttention(tf.ones([2 * 5, D]), w, { batch: 2, tokens: 5, heads: 2, scale: Math.sqrt(D) }).shape; // [10, 8]
 * ```
 */
export function selfAttention(
  x: tf.Tensor2D,
  w: AttentionWeights,
  shape: { batch: number; tokens: number; heads: number; scale: number },
): tf.Tensor2D {
  const { batch: b, tokens: t, heads: h, scale } = shape;
  // Scaling q ([H*B, T, dh]) is cheaper than scaling the scores ([H*B, T, T]) when dh < T.
  const q = splitHeads(scaleBy(linear(x, w.qWeight, w.qBias), 1 / scale), b, t, h);
  const k = splitHeads(linear(x, w.kWeight, w.kBias), b, t, h);
  const v = splitHeads(linear(x, w.vWeight, w.vBias), b, t, h);
  const ctx = attend(q, k, v); // [H*B, T, dh]
  // Back to [B*T, D] with head-major columns, as the output projection expects.
  const merged = mergeHeads(ctx, b, t, h);
  return linear(merged, w.oWeight, w.oBias);
}
