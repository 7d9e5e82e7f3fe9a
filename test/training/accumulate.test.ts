import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { accumulateGradients, microBatchSizes, minimizeAccumulated, sliceRows } from '../../src/training/accumulate.js';

let counter = 0;
function mlp(seed: number) {
  const id = counter++;
  const W1 = tf.variable(tf.randomNormal([5, 8], 0, 0.5, 'float32', seed), true, `acc${id}/w1`);
  const b1 = tf.variable(tf.randomNormal([8], 0, 0.1, 'float32', seed + 1), true, `acc${id}/b1`);
  const W2 = tf.variable(tf.randomNormal([8, 3], 0, 0.5, 'float32', seed + 2), true, `acc${id}/w2`);
  const vars = [W1, b1, W2];
  const N = 60;
  const xs = tf.randomNormal([N, 5], 0, 1, 'float32', seed + 3);
  const ys = tf.oneHot(tf.randomUniform([N], 0, 3, 'int32', seed + 4), 3);
  const logits = (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), W2);
  const loss = (start: number, size: number) => tf.losses.softmaxCrossEntropy(sliceRows(ys, start, size), logits(sliceRows(xs, start, size))) as tf.Scalar;
  return { vars, N, loss, dispose: () => tf.dispose([...vars, xs, ys]) };
}

function maxRelDiff(a: tf.NamedTensorMap, b: tf.NamedTensorMap): number {
  let worst = 0;
  for (const name of Object.keys(b)) {
    const x = a[name]!.dataSync();
    const y = b[name]!.dataSync();
    const scale = Math.max(...Array.from(y, Math.abs));
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / scale);
  }
  return worst;
}

describe('gradient accumulation over micro-batches', () => {
  it('equals one big batch up to float rounding (even and uneven splits)', () => {
    const m = mlp(1);
    const big = tf.variableGrads(() => m.loss(0, m.N), m.vars);
    for (const micro of [60, 16, 7, 1]) {
      const acc = accumulateGradients(m.loss, m.N, micro, m.vars);
      expect(Object.keys(acc.grads).sort()).toEqual(Object.keys(big.grads).sort());
      expect(maxRelDiff(acc.grads, big.grads)).toBeLessThan(1e-5);
      expect(Math.abs(acc.value.dataSync()[0]! - big.value.dataSync()[0]!)).toBeLessThan(1e-5);
      tf.dispose([acc.value, acc.grads]);
    }
    // Not vacuous: the first micro-batch alone has a different gradient.
    const part = tf.variableGrads(() => m.loss(0, 16), m.vars);
    expect(maxRelDiff(part.grads, big.grads)).toBeGreaterThan(0.05);
    tf.dispose([big.value, big.grads, part.value, part.grads]);
    m.dispose();
  });

  it('an AdamW update through a hooked optimizer equals the big-batch update, counts all samples and leaks nothing', () => {
    const a = mlp(2);
    const b = mlp(2);
    const oa = new AdamW({ learningRate: 1e-2 });
    const session = createSession({ run: { samplesPerEpoch: 120 } });
    const losses: number[] = [];
    session.signals.loss$.subscribe((l) => losses.push(l.value));
    const ob = hook(new AdamW({ learningRate: 1e-2 }), session);
    for (let k = 0; k < 3; k++) {
      const { value, grads } = tf.variableGrads(() => a.loss(0, a.N), a.vars);
      oa.applyGradients(grads);
      tf.dispose([value, grads]);
      const before = tf.memory().numTensors;
      const cost = minimizeAccumulated(ob, b.loss, b.N, { maxMicroBatch: 13, varList: b.vars, returnCost: true });
      expect(cost).not.toBeNull();
      cost!.dispose();
      if (k > 0) expect(tf.memory().numTensors).toBe(before);
    }
    a.vars.forEach((v, i) => {
      const x = v.dataSync();
      const y = b.vars[i]!.dataSync();
      for (let j = 0; j < x.length; j++) expect(Math.abs(x[j]! - y[j]!)).toBeLessThan(1e-5);
    });
    expect(session.clock.snapshot()).toMatchObject({ step: 3, samples: 180, epoch: 1.5 });
    expect(losses).toHaveLength(3);
    session.dispose();
    oa.dispose();
    ob.dispose();
    a.dispose();
    b.dispose();
  });

  it('microBatchSizes: fewest micro-batches, near-equal sizes, summing to the batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 600 }), (total, max) => {
        const sizes = microBatchSizes(total, max);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
        expect(sizes.length).toBe(Math.ceil(total / max));
        expect(Math.max(...sizes)).toBeLessThanOrEqual(max);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
    expect(() => microBatchSizes(0, 4)).toThrow(/accumulate\.batchSize: got 0/);
    expect(() => microBatchSizes(10, 2.5)).toThrow(/accumulate\.microBatchSize/);
  });
});
