/**
 * The hand-written gradients of the ViT building blocks against tfjs's own autodiff of the plain
 * formulas (cpu backend): values and every input's gradient must agree.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfAttention } from '../../../examples/vit/layers/attention.js';
import { gelu } from '../../../examples/vit/layers/gelu.js';
import { LAYER_NORM_EPS, layerNorm } from '../../../examples/vit/layers/layer-norm.js';
import { linear, matMul2d } from '../../../examples/vit/layers/matmul.js';
import { patchify } from '../../../examples/vit/layers/patchify.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-4) => {
  expect(a.shape).toEqual(b.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]!);
  expect(diff).toBeLessThanOrEqual(tol * Math.max(1, scale));
};

/**
 * Compares f and reference: values, and gradients of sum(f(xs) * w) for a fixed random w (so every
 * output element gets a distinct upstream gradient).
 */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol = 1e-4) {
  tf.tidy(() => {
    const out = f(...inputs);
    close(out, ref(...inputs), tol);
    const w = tf.randomNormal(out.shape, 0, 1, 'float32', 7);
    const g1 = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), w)))(inputs);
    const g2 = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(ref(...xs), w)))(inputs);
    g1.forEach((g, i) => close(g, g2[i]!, tol));
  });
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('custom-gradient layers match autodiff of the plain formulas', () => {
  it('matMul2d', () => {
    compare((a, b) => matMul2d(a as tf.Tensor2D, b as tf.Tensor2D), (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), [rand([5, 7], 1), rand([7, 3], 2)]);
  });

  it('linear (fused bias)', () => {
    compare(
      (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
      (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b!),
      [rand([6, 4], 3), rand([4, 5], 4), rand([5], 5)],
    );
  });

  it('layerNorm (PyTorch eps 1e-5)', () => {
    const ref = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPS))), g), b);
    };
    compare(
      (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
      (x, g, b) => ref(x!, g!, b!),
      [tf.add(tf.mul(rand([8, 16], 6), 3), 2), tf.add(1, rand([16], 7)), rand([16], 8)],
      2e-4,
    );
  });

  it('gelu (exact erf form) with known values', () => {
    compare((x) => gelu(x!), (x) => tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.erf(tf.div(x!, Math.SQRT2)))), [tf.mul(rand([50], 9), 3)]);
    const v = tf.tidy(() => gelu(tf.tensor1d([-1, 0, 1, 3])).arraySync());
    // x * Phi(x): Phi(1) = 0.841345, Phi(3) = 0.998650.
    [-0.158655, 0, 0.841345, 2.99595].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 4));
  });

  it('selfAttention equals a per-head loop of softmax(q k^T / scale) v', () => {
    const [b, t, d, h] = [2, 5, 12, 3];
    const dh = d / h;
    const scale = Math.sqrt(d);
    const ref = (x: tf.Tensor, ...p: tf.Tensor[]) => {
      const [wq, bq, wk, bk, wv, bv, wo, bo] = p as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
      const proj = (w: tf.Tensor2D, bias: tf.Tensor1D) => tf.add(tf.matMul(x as tf.Tensor2D, w), bias) as tf.Tensor2D;
      const [Q, K, V] = [proj(wq, bq), proj(wk, bk), proj(wv, bv)];
      const outs: tf.Tensor[] = [];
      for (let bi = 0; bi < b; bi++) {
        const heads: tf.Tensor[] = [];
        for (let hi = 0; hi < h; hi++) {
          const cut = (m: tf.Tensor2D) => tf.slice(m, [bi * t, hi * dh], [t, dh]) as tf.Tensor2D;
          heads.push(tf.matMul(tf.softmax(tf.div(tf.matMul(cut(Q), cut(K), false, true), scale)), cut(V)));
        }
        outs.push(tf.concat(heads, 1));
      }
      return tf.add(tf.matMul(tf.concat(outs, 0) as tf.Tensor2D, wo), bo);
    };
    const ours = (x: tf.Tensor, ...p: tf.Tensor[]) => {
      const [qWeight, qBias, kWeight, kBias, vWeight, vBias, oWeight, oBias] = p as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
      return selfAttention(x as tf.Tensor2D, { qWeight, qBias, kWeight, kBias, vWeight, vBias, oWeight, oBias }, { batch: b, tokens: t, heads: h, scale });
    };
    const params = [0, 1, 2, 3].flatMap((i) => [tf.mul(rand([d, d], 20 + i), 0.7), rand([d], 30 + i)]);
    compare((x, ...p) => ours(x!, ...p), (x, ...p) => ref(x!, ...p), [rand([b * t, d], 10), ...params], 2e-4);
  });

  it('patchify cuts row-major p x p patches with features ordered (row, column, channel)', () => {
    const [b, s, c, p] = [2, 8, 3, 4];
    const x = tf.tensor4d(Float32Array.from({ length: b * s * s * c }, (_, i) => i), [b, s, s, c]);
    const out = patchify(x, p).arraySync();
    const n = s / p;
    expect(out).toHaveLength(b * n * n);
    for (let bi = 0; bi < b; bi++)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          for (let a = 0; a < p; a++)
            for (let e = 0; e < p; e++)
              for (let ch = 0; ch < c; ch++) {
                const pixel = ((bi * s + i * p + a) * s + j * p + e) * c + ch;
                expect(out[(bi * n + i) * n + j]![(a * p + e) * c + ch]).toBe(pixel);
              }
  });
});
