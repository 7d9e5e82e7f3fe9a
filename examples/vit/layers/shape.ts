import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

// Why these exist: on the gradient tape tfjs saves a *copy* of the input of every Reshape (its
// gradient only needs the shape), of both inputs of a Multiply, and records `broadcastTo` as a
// Tile whose gradient is one Slice + Add per repeated row (64 of each for a batch of 64). The ops
// below have the same values and closed-form gradients that save nothing: less copying per step
// and less memory held until the backward pass.

/**
 * `tf.reshape` whose gradient is the reshape back, without the copy of the input that tfjs's own
 * Reshape gradient keeps.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { reshape } from './shape.js';
 * reshape(tf.zeros([2, 6]), [3, 4]).shape; // [3, 4]
 * ```
 */
export function reshape<R extends tf.Rank>(x: tf.Tensor, shape: number[]): tf.Tensor<R> {
  const inShape = x.shape;
  return withGradient(([t]) => ({
    value: tf.reshape(t!, shape),
    gradFunc: (dy) => [tf.reshape(dy, inShape)],
  }))(x) as tf.Tensor<R>;
}

/**
 * Multiplies by a constant number; the gradient is `dy * c` (nothing saved).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { scaleBy } from './shape.js';
 * scaleBy(tf.ones([2]), 0.5).print(); // [0.5, 0.5]
 * ```
 */
export function scaleBy<T extends tf.Tensor>(x: T, c: number): T {
  return withGradient(([t]) => ({
    value: tf.mul(t!, c),
    gradFunc: (dy) => [tf.mul(dy, c)],
  }))(x) as T;
}

/**
 * Repeats a `[1, ...rest]` tensor `count` times along axis 0; the gradient is the sum over that
 * axis (one reduction, not tfjs's Tile gradient of one slice per row).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { repeatRows } from './shape.js';
 * repeatRows(tf.ones([1, 1, 4]), 3).shape; // [3, 1, 4]
 * ```
 */
export function repeatRows<T extends tf.Tensor>(x: T, count: number): T {
  return withGradient(([t]) => ({
    value: tf.broadcastTo(t!, [count, ...t!.shape.slice(1)]),
    gradFunc: (dy) => [tf.sum(dy, 0, true)],
  }))(x) as T;
}

/**
 * Token rows to per-head blocks: `[B*T, H*dh]` (heads in column blocks) -> `[H*B, T, dh]`
 * (batch index `h*B + b`), one transpose; the gradient is the inverse transpose.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { splitHeads } from './shape.js';
 * splitHeads(tf.zeros([2 * 5, 8]), 2, 5, 4).shape; // [8, 5, 2]
 * ```
 */
export function splitHeads(x: tf.Tensor2D, batch: number, tokens: number, heads: number): tf.Tensor3D {
  const d = x.shape[1];
  const dh = d / heads;
  return withGradient(([t]) => ({
    value: tf.reshape(tf.transpose(tf.reshape(t!, [batch * tokens, heads, dh]), [1, 0, 2]), [heads * batch, tokens, dh]),
    gradFunc: (dy) => [mergeHeadsValue(dy, batch, tokens, heads)],
  }))(x) as tf.Tensor3D;
}

const mergeHeadsValue = (t: tf.Tensor, batch: number, tokens: number, heads: number): tf.Tensor2D => {
  const dh = t.shape[2]!;
  return tf.reshape(tf.transpose(tf.reshape(t, [heads, batch * tokens, dh]), [1, 0, 2]), [batch * tokens, heads * dh]);
};

/**
 * Per-head blocks back to token rows: `[H*B, T, dh]` -> `[B*T, H*dh]` (the inverse of
 * {@link splitHeads}, and its gradient).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { mergeHeads } from './shape.js';
 * mergeHeads(tf.zeros([8, 5, 2]), 2, 5, 4).shape; // [10, 8]
 * ```
 */
export function mergeHeads(x: tf.Tensor3D, batch: number, tokens: number, heads: number): tf.Tensor2D {
  return withGradient(([t]) => ({
    value: mergeHeadsValue(t!, batch, tokens, heads),
    gradFunc: (dy) => [splitHeads2d(dy as tf.Tensor2D, batch, tokens, heads)],
  }))(x) as tf.Tensor2D;
}

const splitHeads2d = (t: tf.Tensor2D, batch: number, tokens: number, heads: number): tf.Tensor3D => {
  const dh = t.shape[1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(t, [batch * tokens, heads, dh]), [1, 0, 2]), [heads * batch, tokens, dh]);
};

/**
 * The first token of every sequence: `[B*T, D]` rows -> `[B, D]`; the gradient scatters back
 * into zeros (a pad), saving nothing.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { firstToken } from './shape.js';
 * firstToken(tf.zeros([2 * 5, 8]), 2, 5).shape; // [2, 8]
 * ```
 */
export function firstToken(x: tf.Tensor2D, batch: number, tokens: number): tf.Tensor2D {
  const d = x.shape[1];
  return withGradient(([t]) => ({
    value: tf.reshape(tf.slice(tf.reshape(t!, [batch, tokens, d]), [0, 0, 0], [batch, 1, d]), [batch, d]),
    gradFunc: (dy) => [tf.reshape(tf.pad(tf.reshape(dy, [batch, 1, d]), [[0, 0], [0, tokens - 1], [0, 0]]), [batch * tokens, d])],
  }))(x) as tf.Tensor2D;
}

/** Sums `dy` down to `shape` over the axes broadcasting expanded (numpy rules). */
const reduceTo = (dy: tf.Tensor, shape: readonly number[]): tf.Tensor => {
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  return axes.length === 0 ? dy : tf.reshape(tf.sum(dy, axes, true), [...shape]);
};

/**
 * `a + b` with broadcasting, whose gradient sums `dy` down to each input's shape without keeping
 * copies of the inputs (tfjs's Add gradient saves both, only to read their shapes).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { add } from './shape.js';
 * add(tf.ones([2, 3]), tf.ones([3])).shape; // [2, 3]
 * ```
 */
export function add<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const [sa, sb] = [a.shape, b.shape];
  return withGradient(([x, y]) => ({
    value: tf.add(x!, y!),
    gradFunc: (dy) => [reduceTo(dy, sa), reduceTo(dy, sb)],
  }))(a, b) as T;
}
