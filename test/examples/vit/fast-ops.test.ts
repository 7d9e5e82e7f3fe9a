/**
 * The speed-motivated ViT ops (examples/vit/layers/batch-matmul.ts, shape.ts, attention's
 * `attend`, gelu's `normalCdf`) against tfjs's own ops and autodiff: same values, same gradients,
 * on the cpu backend and on wasm (where the per-entry XNNPACK kernel is used), and no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { attend } from '../../../examples/vit/layers/attention.js';
import { batchMatMul, blockMatMulAvailable, blockProduct } from '../../../examples/vit/layers/batch-matmul.js';
import { normalCdf } from '../../../examples/vit/layers/gelu.js';
import { add, firstToken, mergeHeads, repeatRows, reshape, scaleBy, splitHeads } from '../../../examples/vit/layers/shape.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** max |a - b| relative to max(1, max |b|). */
const relErr = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]!));

/** Values and gradients of sum(f(xs) * w) agree with the reference for a fixed random w. */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol = 1e-5): void {
  tf.tidy(() => {
    const out = f(...inputs);
    const expected = ref(...inputs);
    expect(out.shape).toEqual(expected.shape);
    expect(relErr(out, expected)).toBeLessThanOrEqual(tol);
    const w = rand(out.shape, 99);
    const g1 = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), w)))(inputs);
    const g2 = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(ref(...xs), w)))(inputs);
    g1.forEach((g, i) => {
      expect(g.shape).toEqual(g2[i]!.shape);
      expect(relErr(g, g2[i]!)).toBeLessThanOrEqual(tol);
    });
  });
}

const attendRef = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v);

describe.each(['cpu', 'wasm'])('fast ViT ops on %s', (backend) => {
  it('selects the per-entry XNNPACK kernel exactly on wasm', async () => {
    await tf.setBackend(backend);
    expect(blockMatMulAvailable()).toBe(backend === 'wasm');
  });

  it('blockProduct equals tf.matMul for random shapes, and leaks nothing', async () => {
    await tf.setBackend(backend);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer(), (n, m, k, p, seed) => {
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const a = rand([n, m, k], seed) as tf.Tensor3D;
          const b = rand([n, k, p], seed + 1) as tf.Tensor3D;
          expect(relErr(blockProduct(a, b), tf.matMul(a, b))).toBeLessThanOrEqual(1e-5);
        });
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 25 },
    );
  });

  it('blockProduct rejects shapes that do not chain', async () => {
    await tf.setBackend(backend);
    const [a, b] = [tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.zeros([2, 5, 4]) as tf.Tensor3D];
    expect(() => blockProduct(a, b)).toThrow(/do not chain/);
    tf.dispose([a, b]);
  });

  it('batchMatMul has the gradients of tf.matMul', async () => {
    await tf.setBackend(backend);
    compare((a, b) => batchMatMul(a as tf.Tensor3D, b as tf.Tensor3D), (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), [rand([3, 5, 4], 1), rand([3, 4, 6], 2)]);
  });

  it('attend is softmax(q k^T) v with matching gradients', async () => {
    await tf.setBackend(backend);
    compare((q, k, v) => attend(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D), attendRef, [rand([4, 7, 3], 3), rand([4, 7, 3], 4), rand([4, 7, 3], 5)], 2e-5);
  });

  it('shape ops equal the plain tfjs ops, gradients included', async () => {
    await tf.setBackend(backend);
    const [b, t, h, dh] = [2, 5, 3, 4];
    const splitRef = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [b * t, h, dh]), [1, 0, 2]), [h * b, t, dh]);
    compare((x) => splitHeads(x as tf.Tensor2D, b, t, h), splitRef, [rand([b * t, h * dh], 6)]);
    compare((x) => mergeHeads(x as tf.Tensor3D, b, t, h), (x) => tf.reshape(tf.transpose(tf.reshape(x, [h, b * t, dh]), [1, 0, 2]), [b * t, h * dh]), [rand([h * b, t, dh], 7)]);
    compare((x) => reshape(x!, [6, 4]), (x) => tf.reshape(x!, [6, 4]), [rand([2, 3, 4], 8)]);
    compare((x) => scaleBy(x!, -0.37), (x) => tf.mul(x!, -0.37), [rand([3, 4], 9)]);
    compare((x) => repeatRows(x!, 4), (x) => tf.tile(x!, [4, 1, 1]), [rand([1, 1, 5], 10)]);
    compare((x) => firstToken(x as tf.Tensor2D, b, t), (x) => tf.reshape(tf.slice(tf.reshape(x!, [b, t, 6]), [0, 0, 0], [b, 1, 6]), [b, 6]), [rand([b * t, 6], 11)]);
    compare((x, y) => add(x!, y!), (x, y) => tf.add(x!, y!), [rand([2, 3, 4], 12), rand([1, 3, 4], 13)]);
    compare((x, y) => add(x!, y!), (x, y) => tf.add(x!, y!), [rand([5, 4], 14), rand([4], 15)]);
  });

  it('normalCdf matches (1 + erf(x / sqrt 2)) / 2 to float32 accuracy, tails included', async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const x = tf.linspace(-9, 9, 1801);
      const ref = tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
      const ours = normalCdf(x);
      expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(5e-7);
      const v = ours.dataSync();
      expect(v[0]).toBeGreaterThanOrEqual(0);
      expect(v[v.length - 1]).toBeLessThanOrEqual(1);
      expect(normalCdf(tf.tensor1d([0])).dataSync()[0]).toBe(0.5);
    });
  });
});
