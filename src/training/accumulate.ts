import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { hookOf } from '../integrations/hook.js';

/**
 * The loss of one micro-batch: rows `[start, start + size)` of the full batch, as the MEAN over
 * those rows (the usual reduction) of per-sample losses. Build the micro-batch inside (e.g. with
 * {@link sliceRows} or from an array), so only one micro-batch's activations are alive at a time.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { MicroBatchLoss } from 'hyperschedule';
 * declare const model: tf.LayersModel; declare const xs: tf.Tensor; declare const ys: tf.Tensor;
 * const loss: MicroBatchLoss = (start, size) =>
 *   tf.losses.softmaxCrossEntropy(tf.slice(ys, start, size), model.apply(tf.slice(xs, start, size)) as tf.Tensor) as tf.Scalar;
 * ```
 */
export type MicroBatchLoss = (start: number, size: number) => tf.Scalar;

/**
 * Rows `[start, start + size)` of a tensor (along its first axis).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { sliceRows } from './accumulate.js';
 * sliceRows(tf.tensor2d([[1], [2], [3]]), 1, 2).arraySync(); // [[2], [3]]
 * ```
 */
export function sliceRows<T extends tf.Tensor>(tensor: T, start: number, size: number): T {
  return tf.slice(tensor, [start], [size]) as T;
}

/**
 * How a batch of `total` samples splits into micro-batches of at most `maxMicroBatch`: as few as
 * possible, sizes as equal as possible (e.g. 100 by 32 -> [25, 25, 25, 25], not [32, 32, 32, 4]),
 * which keeps peak memory at the smallest possible micro-batch.
 *
 * @example
 * ```ts
 * import { microBatchSizes } from './accumulate.js';
 * microBatchSizes(100, 32); // [25, 25, 25, 25]
 * microBatchSizes(10, 4);   // [4, 3, 3]
 * ```
 */
export function microBatchSizes(total: number, maxMicroBatch: number): number[] {
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw new HyperscheduleError('accumulate.batchSize', total, 'an integer >= 1');
  if (typeof maxMicroBatch !== 'number' || !Number.isInteger(maxMicroBatch) || maxMicroBatch < 1) {
    throw new HyperscheduleError('accumulate.microBatchSize', maxMicroBatch, 'an integer >= 1');
  }
  const count = Math.ceil(total / maxMicroBatch);
  const base = Math.floor(total / count);
  const extra = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * The gradient (and loss) of one large batch computed as accumulated micro-batches: each
 * micro-batch's mean-loss gradient is weighted by its share of the batch, `size / total`, and
 * summed — so the result is the gradient of the full batch's mean loss, equal to computing it at
 * once up to float rounding, while only one micro-batch is in memory. The caller owns the
 * returned tensors.
 *
 * Assumptions (the equality holds only under them): the loss is MEAN-reduced over the
 * micro-batch's rows (a SUM reduction comes out scaled by the micro-batch split, matching neither
 * the big batch's sum nor its mean) and separable per sample — the batch's loss is the
 * mean of per-sample losses, with no term that couples samples (a contrastive or in-batch-negatives
 * loss sees only its micro-batch); a weight penalty added to every micro-batch's loss is fine (the
 * weights sum to 1). The model must use no batch statistics: batch normalisation in training mode
 * normalises each micro-batch by its own mean and variance (and updates its moving averages once
 * per micro-batch), so the accumulated gradient differs from the big batch's. Layer or group
 * normalisation, and dropout (other masks, same distribution), are fine.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { accumulateGradients } from './accumulate.js';
 * const w = tf.variable(tf.zeros([3, 1]));
 * const xs = tf.randomNormal([1000, 3]); const ys = tf.randomNormal([1000, 1]);
 * const { value, grads } = accumulateGradients(
 *   (start, size) => tf.losses.meanSquaredError(tf.slice(ys, start, size), tf.matMul(tf.slice(xs, start, size), w)) as tf.Scalar,
 *   1000, 128);
 * tf.dispose([value, grads]);
 * ```
 */
export function accumulateGradients(
  loss: MicroBatchLoss,
  batchSize: number,
  maxMicroBatch: number,
  varList?: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  if (typeof loss !== 'function') throw new HyperscheduleError('accumulate.loss', loss, 'a function (start, size) => mean loss scalar');
  const sizes = microBatchSizes(batchSize, maxMicroBatch);
  let total: tf.Scalar | null = null;
  let acc: tf.NamedTensorMap | null = null;
  let start = 0;
  try {
    for (const size of sizes) {
      const weight = size / batchSize;
      const from = start;
      const { value, grads } = tf.variableGrads(() => tf.mul(loss(from, size), weight) as tf.Scalar, varList);
      if (acc === null || total === null) {
        acc = grads;
        total = value;
      } else {
        const prev: tf.NamedTensorMap = acc;
        const prevTotal: tf.Scalar = total;
        acc = tf.tidy(() => {
          const sum: tf.NamedTensorMap = {};
          for (const [name, g] of Object.entries(grads)) sum[name] = prev[name] ? tf.add(prev[name]!, g) : g.clone();
          for (const [name, g] of Object.entries(prev)) if (!(name in sum)) sum[name] = g.clone();
          return sum;
        });
        total = tf.add(prevTotal, value) as tf.Scalar;
        tf.dispose([prev, prevTotal, grads, value]);
      }
      start += size;
    }
  } catch (error) {
    tf.dispose([acc ?? {}, total ?? []]);
    throw error;
  }
  return { value: total as tf.Scalar, grads: acc as tf.NamedTensorMap };
}

/**
 * Options of {@link minimizeAccumulated}.
 *
 * @example
 * ```ts
 * import type { MinimizeAccumulatedOptions } from './accumulate.js';
 * const o: MinimizeAccumulatedOptions = { maxMicroBatch: 256, returnCost: true };
 * ```
 */
export interface MinimizeAccumulatedOptions {
  /** Largest micro-batch that fits in memory at once. */
  readonly maxMicroBatch: number;
  /** Variables to train (default: every trainable variable the loss touches). */
  readonly varList?: tf.Variable[];
  /** Return the batch's mean loss (the caller disposes it); default false. */
  readonly returnCost?: boolean;
}

/**
 * One optimizer update on a batch of `batchSize` samples, computed as accumulated micro-batches
 * ({@link accumulateGradients}) — `optimizer.minimize` for batches larger than memory. When the
 * optimizer is hooked to a session, the update goes through the hook as one update of
 * `batchSize` samples (the clock counts them all; the loss joins the hook's batched read), so a
 * batch-size schedule can grow past what the backend holds at once. Equal to the big batch's
 * update only for a mean-reduced, per-sample-separable loss and a model without batch statistics
 * (no batch normalisation in training mode): see {@link accumulateGradients}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { SGD } from 'hyperschedule';
 * import { minimizeAccumulated } from 'hyperschedule';
 * const w = tf.variable(tf.zeros([3, 1]));
 * const xs = tf.randomNormal([4096, 3]); const ys = tf.randomNormal([4096, 1]);
 * const opt = new SGD({ learningRate: 0.1 });
 * minimizeAccumulated(opt,
 *   (start, size) => tf.losses.meanSquaredError(tf.slice(ys, start, size), tf.matMul(tf.slice(xs, start, size), w)) as tf.Scalar,
 *   4096, { maxMicroBatch: 512 });
 * ```
 */
export function minimizeAccumulated(
  optimizer: tf.Optimizer,
  loss: MicroBatchLoss,
  batchSize: number,
  options: MinimizeAccumulatedOptions,
): tf.Scalar | null {
  const { value, grads } = accumulateGradients(loss, batchSize, options.maxMicroBatch, options.varList);
  try {
    const pipeline = hookOf(optimizer);
    if (pipeline) {
      // One update of batchSize samples, whatever the micro-batches were.
      pipeline.update(grads, value, { batchSize });
    } else {
      optimizer.applyGradients(grads);
    }
  } catch (error) {
    tf.dispose([value, grads]);
    throw error;
  }
  tf.dispose(grads);
  if (options.returnCost) return value;
  value.dispose();
  return null;
}
