import * as tf from '@tensorflow/tfjs';
import { linear } from './matmul.js';

/** Weights of one multi-head self-attention layer (q, k, v fused into one projection). */
export interface AttentionWeights {
  /** `[D, 3D]`: columns `[0, D)` are q, `[D, 2D)` k, `[2D, 3D)` v. */
  qkvWeight: tf.Tensor2D;
  /** `[3D]`. */
  qkvBias: tf.Tensor1D;
  /** `[D, D]` output projection. */
  projWeight: tf.Tensor2D;
  /** `[D]`. */
  projBias: tf.Tensor1D;
}

/**
 * Multi-head self-attention on a residual stream kept flat as `[B * T, D]`.
 *
 * Scores are `q k^T / scale`; the reference study divides by `sqrt(D)` (the full width), not the
 * usual `sqrt(D / heads)`, so `scale` is a parameter. Projections run as 2-D products on the wasm
 * fast path; the two per-head products are batched `[B*H, T, dh]` matmuls, which wasm runs on its
 * slower generic loop (~2.7 GFLOP/s measured, against ~0.15 for a loop of 2-D products, whose
 * per-call XNNPACK set-up dominates at these sizes).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { selfAttention } from './attention.js';
 * const D = 8, w = { qkvWeight: tf.ones([D, 3 * D]), qkvBias: tf.zeros([3 * D]),
 *   projWeight: tf.ones([D, D]), projBias: tf.zeros([D]) } as const;
 * selfAttention(tf.ones([2 * 5, D]), w, { batch: 2, tokens: 5, heads: 2, scale: Math.sqrt(D) }).shape; // [10, 8]
 * ```
 */
export function selfAttention(
  x: tf.Tensor2D,
  w: AttentionWeights,
  shape: { batch: number; tokens: number; heads: number; scale: number },
): tf.Tensor2D {
  const { batch: b, tokens: t, heads: h, scale } = shape;
  const d = x.shape[1];
  const dh = d / h;
  const qkv = linear(x, w.qkvWeight, w.qkvBias); // [B*T, 3D], columns (q|k|v, head, dh)
  // Heads to the front with one 3-D transpose: [B*T, 3H, dh] -> [3H, B*T, dh]. Then q, k, v are
  // contiguous thirds, and each is [H*B, T, dh] with batch index h*B + b — the order is irrelevant
  // to attention as long as q, k and v share it. (wasm runs 5-D transposes ~6x slower, and the
  // split-columns-then-4-D-transpose route costs three strided slices and three transposes.)
  const heads = tf.reshape(tf.transpose(tf.reshape(qkv, [b * t, 3 * h, dh]), [1, 0, 2]), [3, h * b * t * dh]);
  const [q, k, v] = [0, 1, 2].map((i) => tf.reshape(tf.slice(heads, [i, 0], [1, -1]), [h * b, t, dh])) as [
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
  ];
  // Scaling q ([H*B, T, dh]) is cheaper than scaling the scores ([H*B, T, T]) when dh < T.
  const scores = tf.matMul(tf.mul(q, 1 / scale), k, false, true); // [H*B, T, T]
  const ctx = tf.matMul(tf.softmax(scores), v); // [H*B, T, dh]
  // [H, B*T, dh] -> [B*T, H, dh] -> [B*T, D] (head-major columns, as the projection expects).
  const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [h, b * t, dh]), [1, 0, 2]), [b * t, d]) as tf.Tensor2D;
  return linear(merged, w.projWeight, w.projBias);
}
