/**
 * A small multilayer perceptron written with plain tfjs variables (no tf.layers), as a user of a
 * custom training loop would write it: seeded Glorot-uniform kernels, zero biases, ReLU, optional
 * dropout on the hidden activations with a rate read at every forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { HyperscheduleError } from 'hyperschedule';

/** A trainable MLP. */
export interface Mlp {
  /** Kernels and biases, named `mlp<id>/dense<i>/kernel` and `.../bias`. */
  readonly variables: tf.Variable[];
  /**
   * Logits `[n, classes]`. `dropout` (default 0) is applied to every hidden activation; its masks
   * are seeded from the model's seed and a call counter, so runs repeat exactly.
   */
  logits(xs: tf.Tensor2D, options?: { dropout?: number }): tf.Tensor2D;
  dispose(): void;
}

let created = 0;

/**
 * Builds an MLP `inputs -> hidden... -> outputs` with seeded initial weights (same seed, same model).
 *
 * @example
 * ```ts
 * const model = createMlp({ inputs: 192, hidden: [128], outputs: 10, seed: 1 });
 * const logits = model.logits(tf.zeros([4, 192]));
 * ```
 */
export function createMlp(options: { inputs: number; hidden: readonly number[]; outputs: number; seed: number }): Mlp {
  const sizes = [options.inputs, ...options.hidden, options.outputs];
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new HyperscheduleError('mlp.sizes', sizes, 'positive integers');
  const id = created++;
  const layers = sizes.slice(1).map((out, i) => {
    const fanIn = sizes[i]!;
    const limit = Math.sqrt(6 / (fanIn + out));
    const init = tf.randomUniform([fanIn, out], -limit, limit, 'float32', options.seed * 1000 + i);
    const kernel = tf.variable(init, true, `mlp${id}/dense${i}/kernel`);
    init.dispose();
    const zeros = tf.zeros([out]);
    const bias = tf.variable(zeros, true, `mlp${id}/dense${i}/bias`);
    zeros.dispose(); // tf.variable keeps its initial tensor alive otherwise
    return { kernel, bias };
  });
  let masks = 0;
  return {
    variables: layers.flatMap((l) => [l.kernel, l.bias]),
    logits(xs, { dropout = 0 } = {}) {
      return tf.tidy(() => {
        let h: tf.Tensor2D = xs;
        layers.forEach((l, i) => {
          h = tf.add(tf.matMul(h, l.kernel), l.bias);
          if (i < layers.length - 1) {
            h = tf.relu(h);
            if (dropout > 0) h = tf.dropout(h, dropout, undefined, options.seed * 1_000_003 + masks++) as tf.Tensor2D;
          }
        });
        return h;
      });
    },
    dispose: () => tf.dispose(layers.flatMap((l) => [l.kernel, l.bias])),
  };
}

/**
 * Mean softmax cross-entropy of a batch (`labelSmoothing` as in `tf.losses.softmaxCrossEntropy`).
 *
 * @example
 * ```ts
 * optimizer.minimize(() => crossEntropy(model, xs, ys, { dropout: 0.2 }));
 * ```
 */
export function crossEntropy(model: Mlp, xs: tf.Tensor2D, ys: tf.Tensor2D, options: { dropout?: number; labelSmoothing?: number } = {}): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, model.logits(xs, { dropout: options.dropout ?? 0 }), undefined, options.labelSmoothing ?? 0) as tf.Scalar);
}

/**
 * Accuracy and mean cross-entropy over a whole split, in chunks (no dropout).
 *
 * @example
 * ```ts
 * evaluate(model, data.test).accuracy; // e.g. 0.48
 * ```
 */
export function evaluate(model: Mlp, split: { xs: tf.Tensor2D; ys: tf.Tensor2D; labels: Uint8Array }, chunk = 2500): { accuracy: number; loss: number } {
  const n = split.labels.length;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const [pred, loss] = tf.tidy(() => {
      const xs = tf.slice(split.xs, [start, 0], [size, -1]);
      const ys = tf.slice(split.ys, [start, 0], [size, -1]);
      const logits = model.logits(xs);
      return [tf.argMax(logits, 1), tf.mul(tf.losses.softmaxCrossEntropy(ys, logits), size)];
    });
    const p = pred.dataSync();
    for (let i = 0; i < size; i++) if (p[i] === split.labels[start + i]) correct++;
    lossSum += loss.dataSync()[0]!;
    tf.dispose([pred, loss]);
  }
  return { accuracy: correct / n, loss: lossSum / n };
}

/**
 * Global L2 norm of the gradient of the mean loss over a whole split (weights unchanged).
 *
 * @example
 * ```ts
 * fullGradientNorm(model, data.train); // e.g. 0.08
 * ```
 */
export function fullGradientNorm(model: Mlp, split: { xs: tf.Tensor2D; ys: tf.Tensor2D }): number {
  const { value, grads } = tf.variableGrads(() => crossEntropy(model, split.xs, split.ys), model.variables);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const out = norm.dataSync()[0]!;
  tf.dispose([value, norm, ...Object.values(grads)]);
  return out;
}
