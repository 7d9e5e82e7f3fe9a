import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { scheduledBatches } from '../../src/integrations/batcher.js';
import { fitCallback } from '../../src/integrations/fit-callback.js';
import { hook, unhook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { param, positiveInteger } from '../../src/params/index.js';
import type { NonFiniteReport, UpdateSignal } from '../../src/signals/index.js';
import { fnSchedule, halving, inverse } from '../params/fixtures.js';

/** y = w x (no bias, w starts at 1), MSE, compiled with `optimizer`. */
function linearModel(lr = 0.1, optimizer: tf.Optimizer = tf.train.sgd(lr)): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: 'ones' })] });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}
const kernel = (model: tf.LayersModel): number => (model.getWeights()[0]!.dataSync()[0] as number);

const N = 16;
const xsArr = Array.from({ length: N }, (_, i) => (i + 1) / N);
const ysArr = xsArr.map((x) => 3 * x);
/** d/dw of mean((w x - y)^2) over a batch. */
const grad = (w: number, xb: number[], yb: number[]): number => xb.reduce((s, x, i) => s + 2 * x * (w * x - yb[i]!), 0) / xb.length;

describe('model.fit callback', () => {
  test('every batch uses the scheduled learning rate (checked from the weight updates); clock and signals follow', async () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    // A progress schedule works without a run length: the callback learns `epochs` from tfjs.
    const decay = param('decay', { schedule: fnSchedule('lin', 'progress', (p) => 1 - p) });
    const session = createSession({ params: [lr, decay] });
    const decays: number[] = [];
    const optimizer = tf.train.sgd(0.1);
    const model = linearModel(0.1, optimizer);
    const updates: UpdateSignal[] = [];
    const epochMetrics: Record<string, number>[] = [];
    session.signals.updateApplied$.subscribe((u) => updates.push(u));
    session.signals.gradNorm$.subscribe(); // device signals work inside fit too
    session.signals.metrics$.subscribe((m) => m.scope === 'epoch' && epochMetrics.push({ ...m.values }));
    const weights = [kernel(model)];
    const x = tf.tensor2d(xsArr, [N, 1]);
    const y = tf.tensor2d(ysArr, [N, 1]);
    await model.fit(x, y, {
      epochs: 2, batchSize: 4, shuffle: false, verbose: 0,
      callbacks: [
        fitCallback(session, { optimizer, apply: (o) => { o.setLearningRate(lr.value); decays.push(decay.value); } }),
        { onBatchEnd: async () => { weights.push(kernel(model)); } },
      ],
    });
    expect(updates).toHaveLength(8);
    decays.forEach((d, k) => expect(d).toBeCloseTo(1 - k / 8, 12)); // progress = epoch / 2 epochs
    for (let k = 0; k < 8; k++) {
      const b = k % 4;
      const g = grad(weights[k]!, xsArr.slice(4 * b, 4 * b + 4), ysArr.slice(4 * b, 4 * b + 4));
      expect((weights[k]! - weights[k + 1]!) / g).toBeCloseTo(0.1 / (1 + k), 4);
      expect(updates[k]!.clock.epoch).toBeCloseTo((k + 1) / 4, 12);
      expect(updates[k]!.batchSize).toBe(4);
      expect(updates[k]!.loss).toBeGreaterThan(0);
      expect(updates[k]!.gradNorm).toBeCloseTo(Math.abs(g), 3);
    }
    expect(session.clock.state).toMatchObject({ step: 8, samples: 32, epochsCompleted: 2, samplesPerEpoch: N });
    expect(session.clock.run.epochs).toBe(2);
    expect(epochMetrics.map((m) => Object.keys(m))).toEqual([['loss'], ['loss']]);
    expect(hookOf(model)).toBe(false); // unhooked after training
    tf.dispose([x, y]);
    model.dispose();
  });

  test('cosine × plateau: a schedule times a val_loss controller factor, both applied', async () => {
    const base = param('lr.base', { schedule: fnSchedule('cos', 'epoch', (e) => 0.05 * (1 + Math.cos((Math.PI * e) / 6)) / 2) });
    const lr = base.times(param('lr.plateau', { controller: halving(0) }), 'lr');
    const session = createSession({ params: [lr] });
    const optimizer = tf.train.sgd(0.1);
    const model = linearModel(0.1, optimizer);
    const used: number[] = [];
    const x = tf.tensor2d(xsArr, [N, 1]);
    const y = tf.tensor2d(ysArr, [N, 1]);
    // Validation on the wrong targets: val_loss gets worse as training improves, so the plateau factor halves.
    await model.fit(x, y, {
      epochs: 3, batchSize: 8, shuffle: false, verbose: 0, validationData: [x, tf.zerosLike(y)],
      callbacks: fitCallback(session, { optimizer, apply: (o) => { o.setLearningRate(lr.value); used.push(lr.value); } }),
    });
    const factors = [1, 1, 0.5];
    const expected = [0, 1, 2, 3, 4, 5].map((k) => 0.05 * (1 + Math.cos((Math.PI * (k / 2)) / 6)) / 2 * factors[Math.floor(k / 2)]!);
    used.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 12));
    expect(lr.sources[1]!.value).toBe(0.25); // after the third epoch's val_loss
    model.dispose();
  });

  test('a batch with NaN gradients is skipped inside fit: no update, no clock step, reported', async () => {
    const session = createSession();
    const model = linearModel();
    const reports: NonFiniteReport[] = [];
    session.signals.nonFinite$.subscribe((r) => reports.push(r));
    const xsNaN = [...xsArr];
    xsNaN[5] = Number.NaN; // second batch of 4
    const weights = [kernel(model)];
    await model.fit(tf.tensor2d(xsNaN, [N, 1]), tf.tensor2d(ysArr, [N, 1]), {
      epochs: 1, batchSize: 4, shuffle: false, verbose: 0,
      callbacks: [fitCallback(session, { optimizer: model.optimizer }), { onBatchEnd: async () => { weights.push(kernel(model)); } }],
    });
    expect(weights[2]).toBe(weights[1]);
    expect(weights.every(Number.isFinite)).toBe(true);
    expect(session.clock.step).toBe(3);
    expect(session.clock.samples).toBe(12);
    // The skipped batch, then tfjs's epoch loss (an average including the NaN batch) dropped from metrics$.
    expect(reports.map((r) => [r.source, r.action])).toEqual([['gradients', 'skipped-update'], ['metrics:epoch', 'dropped']]);
    model.dispose();
  });

  test('a model compiled with a hooked optimizer needs no model option', async () => {
    const session = createSession();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    const optimizer = hook(tf.train.sgd(0.01), session);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const gradNorms: number[] = [];
    session.signals.gradNorm$.subscribe((s) => gradNorms.push(s.value));
    await model.fit(tf.ones([6, 1]), tf.ones([6, 1]), { epochs: 1, batchSize: 2, verbose: 0, callbacks: fitCallback(session) });
    expect(gradNorms).toHaveLength(3);
    expect(session.clock.samples).toBe(6);
    model.dispose();
  });
});

describe('fitCallback options', () => {
  test('a parameter only the optimizer reads is added to the session and moves; apply on a hooked optimizer is an error', async () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const session = createSession();
    const optimizer = new SGD({ learningRate: lr });
    const model = linearModel(0.1, optimizer);
    await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), { epochs: 1, batchSize: 4, verbose: 0, callbacks: fitCallback(session, { optimizer }) });
    expect(session.param('lr')).toBe(lr);
    expect(lr.value).toBeCloseTo(0.1 / 3, 12);
    hook(optimizer, session);
    await expect(
      model.fit(tf.ones([2, 1]), tf.ones([2, 1]), { epochs: 1, verbose: 0, callbacks: fitCallback(session, { optimizer, apply: () => {} }) }),
    ).rejects.toThrow(/fitCallback.apply/);
    model.dispose();
  });

  test('an optimizer hooked to another session is refused by name, before any of its parameters joins this one', async () => {
    const lr = param('lr', { initial: 0.1 }, { domain: 'positive' });
    const other = createSession({ params: [lr] });
    const optimizer = hook(new SGD({ learningRate: lr }), other);
    const model = linearModel(0.1, optimizer);
    const session = createSession();
    await expect(
      model.fit(tf.ones([2, 1]), tf.ones([2, 1]), { epochs: 1, verbose: 0, callbacks: fitCallback(session, { optimizer }) }),
    ).rejects.toThrow(/fitCallback\.optimizer: got "hooked to another session"/);
    expect([...session.params.keys()]).toEqual([]);
    unhook(optimizer);
    model.dispose();
  });

  test('hookOptimizer: false still adds the parameters the optimizer reads', async () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const session = createSession();
    const optimizer = new SGD({ learningRate: lr });
    const model = linearModel(0.1, optimizer);
    await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), { epochs: 1, batchSize: 4, verbose: 0, callbacks: fitCallback(session, { optimizer, hookOptimizer: false }) });
    expect(session.param('lr')).toBe(lr);
    expect(lr.value).toBeCloseTo(0.1 / 3, 12);
    model.dispose();
  });

  test('hookOptimizer: false applies at batch begin and records updates from the logs', async () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const session = createSession({ params: [lr] });
    const optimizer = tf.train.sgd(1);
    const model = linearModel(1, optimizer);
    const used: number[] = [];
    const gradNorms: number[] = [];
    session.signals.gradNorm$.subscribe((s) => gradNorms.push(s.value));
    await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), {
      epochs: 1, batchSize: 4, verbose: 0,
      callbacks: fitCallback(session, { optimizer, hookOptimizer: false, apply: (o) => { o.setLearningRate(lr.value); used.push(lr.value); } }),
    });
    expect(used).toEqual([0.1, 0.05]);
    expect([session.clock.step, session.clock.samples]).toEqual([2, 8]);
    expect(gradNorms).toEqual([]); // no hook, no device signals
    expect(Object.prototype.hasOwnProperty.call(optimizer, 'applyGradients')).toBe(false);
    model.dispose();
  });
});

describe('fitDataset with a scheduled batch size', () => {
  test('batches follow the batch-size parameter; a mid-epoch change takes effect on the next batch', async () => {
    const batchSize = param('batchSize', { initial: 4 }, { domain: positiveInteger() });
    const session = createSession({ params: [batchSize] });
    const model = linearModel(0.01);
    const data = { xs: tf.tensor2d(xsArr, [N, 1]), ys: tf.tensor2d(ysArr, [N, 1]) };
    const batches = scheduledBatches(data, { session });
    const sizes: number[][] = [[], []];
    const epochs: number[] = [];
    let epoch = 0;
    await model.fitDataset(tf.data.generator(batches.generator), {
      epochs: 2, verbose: 0,
      callbacks: [
        fitCallback(session, { optimizer: model.optimizer }),
        {
          onEpochBegin: async (e: number) => { epoch = e; },
          onBatchEnd: async (b: number, logs?: tf.Logs) => {
            sizes[epoch]!.push(logs!.size as number);
            if (epoch === 0 && b === 1) batchSize.set(8); // after the second batch
            epochs.push(session.clock.epoch);
          },
        },
      ],
    });
    expect(sizes).toEqual([[4, 4, 8], [8, 8]]);
    expect(session.clock.state).toMatchObject({ step: 5, samples: 32, epochsCompleted: 2, samplesPerEpoch: 16 });
    expect(epochs).toEqual([0.25, 0.5, 1, 1.5, 2]);
    tf.dispose([data.xs, data.ys]);
    model.dispose();
  });
});

function hookOf(model: tf.LayersModel): boolean {
  return Object.prototype.hasOwnProperty.call(model.optimizer, 'applyGradients');
}
