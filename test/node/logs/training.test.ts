/**
 * The logger on real training: a hooked custom loop and `model.fit`, each attached with one line,
 * log every scheduled parameter at every update with the value the update used (checked against
 * what the optimizer's hook saw right before each update), and the TensorBoard file carries them
 * all — where Keras's TensorBoard callback drops a scheduled learning rate.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdamW, SGD, adaptiveMomentum, cosine, createSession, fitCallback, hook, linear, param, scheduledBatches,
} from '../../../src/index.js';
import { createRunLogger, readRunLog } from '../../../src/node/index.js';
import { fnSchedule } from '../../params/fixtures.js';
import { readEventFile } from './tb-reader.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fresh = (): string => mkdtempSync(join(tmpdir(), 'hs-run-logs-training-'));

/** 48 points of y = 2x0 - x1 + 0.5, deterministic. */
function data(n = 48): { xs: number[][]; ys: number[] } {
  const xs = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
  return { xs, ys: xs.map(([a, b]) => 2 * a! - b! + 0.5) };
}

describe('run logs of real training', () => {
  it('a hooked loop: every parameter (schedule, controller, batch size, a user one) as used by each update, loss, signals, metrics', () => {
    const dir = fresh();
    const { xs, ys } = data();
    const epochs = 2;
    const lr = param('lr', { schedule: cosine({ init: 0.05, min: 0.005, duration: epochs, unit: 'epoch' }) }, { domain: 'positive' });
    const momentum = param('momentum', { controller: adaptiveMomentum({ lr }) }, { domain: 'unitInterval' });
    const weightDecay = param('weightDecay', { schedule: linear({ init: 1e-3, end: 1e-4, duration: epochs, unit: 'epoch' }) }, { domain: 'nonNegative' });
    const batchSize = param('batchSize', { schedule: fnSchedule('grow', 'epoch', (e) => (e < 1 ? 8 : 16)) }, { domain: 'positiveInteger' });
    const smoothing = param('labelSmoothing', { schedule: fnSchedule('ramp', 'step', (t) => Math.min(0.1, t / 50)) }, { domain: 'unitInterval' });
    const session = createSession({ params: [lr, momentum, weightDecay, batchSize, smoothing], run: { epochs, samplesPerEpoch: xs.length } });
    const used: Record<string, number>[] = [];
    const optimizer = hook(new SGD({ learningRate: lr, momentum, weightDecay }), session, { apply: (_o, s) => used.push(s.values()) });
    const w = tf.variable(tf.zeros([2, 1]), true, 'w');
    const b = tf.variable(tf.zeros([1]), true, 'b');

    const logger = createRunLogger(session, { dir, signals: ['gradNorm', 'gradNorms'] }); // the one line

    const rows = xs.map((x, i) => ({ x, y: ys[i]! }));
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const batch of scheduledBatches(rows, { session })) {
        const x = tf.tensor2d(batch.map((r) => r.x));
        const y = tf.tensor2d(batch.map((r) => [r.y]));
        optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar, false, [w, b]);
        tf.dispose([x, y]);
      }
      session.reportMetrics({ val_loss: 1 / (epoch + 1) });
    }
    const summary = logger.close();
    tf.dispose([w, b]);

    const { rows: log } = readRunLog(summary.files.jsonl);
    expect(log).toHaveLength(used.length);
    expect(used.length).toBe(48 / 8 + 48 / 16);
    log.forEach((row, k) => {
      expect(row.step).toBe(k + 1);
      for (const [name, value] of Object.entries(used[k]!)) expect(row[`param/${name}`], `${name} at update ${k + 1}`).toBe(value);
      expect(row.batchSize).toBe(used[k]!.batchSize);
      expect(row.loss).toBeGreaterThan(0);
      expect(row['signal/gradNorm']).toBeGreaterThan(0);
      expect(row['signal/gradNorms/w']).toBeGreaterThan(0);
      expect(row['signal/gradNorms/b']).toBeGreaterThan(0);
      // The controller's own statistics are logged too (defined from the second update on).
      if (k > 0) expect(row['signal/gradDeltaNorm']).toBeGreaterThan(0);
    });
    // The momentum controller moved, and the log shows the values it had, not the next ones.
    expect(new Set(log.map((r) => r['param/momentum'])).size).toBeGreaterThan(2);
    expect(log.map((r) => r['eval/val_loss']).filter((v) => v !== undefined)).toEqual([1, 0.5]);
    expect(log[5]!['eval/val_loss']).toBe(1); // the last update of epoch 1
    expect(log[5]!.epoch).toBe(1);

    const { events } = readEventFile(summary.files.tensorboard!);
    for (const name of ['lr', 'momentum', 'weightDecay', 'batchSize', 'labelSmoothing']) {
      const steps = events.filter((e) => e.summary?.value.some((v) => v.tag === `param/${name}`)).map((e) => e.step);
      expect(steps, name).toEqual(log.map((r) => r.step));
    }
  });

  it('model.fit: one callback logs the scheduled LR, beta1, weight decay and a user parameter at every update, and batch and epoch metrics', async () => {
    const dir = fresh();
    const { xs, ys } = data();
    const epochs = 2;
    const lr = param('lr', { schedule: cosine({ init: 3e-2, min: 1e-3, duration: epochs, unit: 'epoch' }) }, { domain: 'positive' });
    const beta1 = param('beta1', { schedule: linear({ init: 0.95, end: 0.85, duration: epochs, unit: 'epoch' }) }, { domain: 'unitInterval' });
    const weightDecay = param('weightDecay', { schedule: cosine({ init: 0.05, min: 0.01, duration: epochs, unit: 'epoch' }) }, { domain: 'nonNegative' });
    const mixup = param('mixup', { initial: 0.2 }, { domain: 'unitInterval' });
    const session = createSession({ params: [lr, beta1, weightDecay, mixup] });
    const optimizer = new AdamW({ learningRate: lr, beta1, weightDecay });
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer, loss: 'meanSquaredError', metrics: ['mae'] });
    const used: Record<string, number>[] = [];
    const logger = createRunLogger(session, { dir });
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys.map((v) => [v]));
    await model.fit(x, y, {
      epochs, batchSize: 8, shuffle: false, verbose: 0, validationSplit: 0.25,
      callbacks: [fitCallback(session, { optimizer, apply: (_o, s) => used.push(s.values()) }), logger],
    });
    tf.dispose([x, y]);
    model.dispose();
    expect(logger.closed).toBe(true); // the fit's end closed it

    const { rows } = readRunLog(join(dir, 'run.jsonl'));
    const perEpoch = Math.ceil(36 / 8); // validationSplit keeps 36 of 48 for training
    expect(rows).toHaveLength(epochs * perEpoch);
    expect(used).toHaveLength(rows.length);
    rows.forEach((row, k) => {
      for (const name of ['lr', 'beta1', 'weightDecay', 'mixup']) expect(row[`param/${name}`], `${name} at update ${k + 1}`).toBe(used[k]![name]);
      expect(row.loss).toBeGreaterThan(0);
      expect(row['batch/mae']).toBeGreaterThan(0);
      expect(row.epoch).toBeCloseTo((row.samples as number) / 36, 12); // fractional epochs, in samples (the last batch holds 4)
    });
    // The LR really moved: the log shows a schedule, not a constant.
    expect(rows[0]!['param/lr']).toBe(3e-2);
    expect(rows[rows.length - 1]!['param/lr']).toBeLessThan(1e-2);
    for (let e = 0; e < epochs; e++) {
      const last = rows[(e + 1) * perEpoch - 1]!;
      expect(last['epoch/val_loss']).toBeGreaterThan(0);
      expect(last['epoch/loss']).toBeGreaterThan(0);
    }

    const { events } = readEventFile(logger.close().files.tensorboard!);
    const lrEvents = events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.tag === 'param/lr').map((v) => [e.step, v.simpleValue]));
    expect(lrEvents).toEqual(rows.map((r) => [r.step, Math.fround(r['param/lr'] as number)]));
    // A closed logger cannot serve a second fit.
    await expect(logger.onTrainBegin()).rejects.toThrow('a new logger for each model.fit');
  });
});
