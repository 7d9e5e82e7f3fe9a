/**
 * The models the benchmarks train: a small MLP (plain variables) and the example ViT, behind one
 * shape: variables plus a mean-loss function of a batch.
 */
import * as tf from '@tensorflow/tfjs';
import { createViT, type ViT, type ViTPresetName } from '../../examples/vit/model.js';

/** A trainable model as the benchmarks use it. */
export interface BenchModel {
  readonly name: string;
  readonly variables: tf.Variable[];
  readonly paramCount: number;
  /** Mean softmax cross-entropy of a batch (call inside minimize/variableGrads). */
  loss(xs: tf.Tensor, ys: tf.Tensor): tf.Scalar;
  /** Shape of one input sample. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  dispose(): void;
}

let mlpCounter = 0;

/**
 * A 3-layer ReLU MLP (`in -> hidden -> hidden -> classes`) with seeded Glorot-uniform weights.
 *
 * @example
 * ```ts
 * import { createMlp } from './models.js';
 * const m = createMlp({ inputs: 64, hidden: 128, classes: 10, seed: 1 });
 * m.paramCount; // 64*128+128 + 128*128+128 + 128*10+10
 * m.dispose();
 * ```
 */
export function createMlp(options: { inputs: number; hidden: number; classes: number; seed: number }): BenchModel {
  const { inputs, hidden, classes, seed } = options;
  const id = ++mlpCounter;
  const dims = [inputs, hidden, hidden, classes];
  const variables: tf.Variable[] = [];
  for (let i = 0; i < 3; i++) {
    const [fanIn, fanOut] = [dims[i]!, dims[i + 1]!];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seed * 10 + i);
    variables.push(tf.variable(w, true, `mlp${id}/dense${i}/kernel`));
    w.dispose();
    variables.push(tf.variable(tf.zeros([fanOut]), true, `mlp${id}/dense${i}/bias`));
  }
  return {
    name: `mlp ${dims.join('-')}`,
    variables,
    paramCount: variables.reduce((n, v) => n + v.size, 0),
    inputShape: [inputs],
    classes,
    loss: (xs, ys) => {
      let h: tf.Tensor = xs;
      for (let i = 0; i < 3; i++) {
        h = tf.add(tf.matMul(h as tf.Tensor2D, variables[2 * i] as tf.Variable<tf.Rank.R2>), variables[2 * i + 1]!);
        if (i < 2) h = tf.relu(h);
      }
      return tf.losses.softmaxCrossEntropy(ys, h) as tf.Scalar;
    },
    dispose: () => tf.dispose(variables),
  };
}

/**
 * The example ViT (`examples/vit/model.ts`) as a {@link BenchModel}.
 *
 * @example
 * ```ts
 * import { vitModel } from './models.js';
 * const m = vitModel('tiny', 1);
 * m.inputShape; // [32, 32, 3]
 * m.dispose();
 * ```
 */
export function vitModel(preset: ViTPresetName, seed: number): BenchModel & { readonly vit: ViT } {
  const vit = createViT(preset, seed);
  const c = vit.config;
  return {
    name: `ViT ${preset}`,
    vit,
    variables: vit.variables,
    paramCount: vit.paramCount,
    inputShape: [c.imageSize, c.imageSize, c.channels],
    classes: c.numClasses,
    loss: (xs, ys) => tf.losses.softmaxCrossEntropy(ys, vit.apply(xs as tf.Tensor4D, true)) as tf.Scalar,
    dispose: () => vit.dispose(),
  };
}

/**
 * Random inputs and one-hot labels for `count` samples of a model.
 *
 * @example
 * ```ts
 * import { createMlp, syntheticData } from './models.js';
 * const m = createMlp({ inputs: 8, hidden: 8, classes: 3, seed: 0 });
 * const { xs, ys } = syntheticData(m, 16, 0);
 * xs.shape; // [16, 8]
 * ```
 */
export function syntheticData(model: Pick<BenchModel, 'inputShape' | 'classes'>, count: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => {
    const xs = tf.randomNormal([count, ...model.inputShape], 0, 1, 'float32', seed);
    const labels = tf.tensor1d(Array.from({ length: count }, (_, i) => (i * 7 + seed) % model.classes), 'int32');
    return { xs, ys: tf.oneHot(labels, model.classes).toFloat() };
  });
}
