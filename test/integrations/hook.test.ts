import * as tf from '@tensorflow/tfjs';
import { describe, expect, test, vi } from 'vitest';
import { hook, hookOf, unhook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { setTfOptimizerValues } from '../../src/optimizers/tf-train-values.js';
import { param } from '../../src/params/index.js';
import type { NonFiniteReport, StatKind, UpdateSignal } from '../../src/signals/index.js';
import { inverse } from '../params/fixtures.js';

const ALL: StatKind[] = ['loss', 'gradNorm', 'gradNorms', 'gradDeltaNorm', 'gradDeltaNorms', 'paramDeltaNorm', 'paramDeltaNorms'];

/** y = 2x on a few points; the model is y = w x, loss = mean((w x - y)^2). */
const xs = [0.5, 1, 1.5, 2];
const ys = xs.map((x) => 2 * x);
const gradAt = (w: number, x = xs): number => x.reduce((s, xi, i) => s + 2 * xi * (w * xi - (ys[i] ?? 2 * xi)), 0) / x.length;
const lossAt = (w: number): number => xs.reduce((s, xi, i) => s + (w * xi - ys[i]!) ** 2, 0) / xs.length;

function linear(initial = 0) {
  const w = tf.variable(tf.scalar(initial), true);
  const x = tf.tensor1d(xs);
  const y = tf.tensor1d(ys);
  const loss = () => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.mul(w, x), y))).asScalar());
  return { w, loss, dispose: () => tf.dispose([w, x, y]) };
}

describe('hook in a custom loop', () => {
  test('disposing a hooked optimizer frees the device copies the hook carries', () => {
    const session = createSession({ batchSize: xs.length });
    const m = linear(0);
    const before = tf.memory().numTensors;
    const optimizer = hook(tf.train.adam(0.1), session);
    const sub = session.signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).subscribe();
    for (let k = 0; k < 3; k++) optimizer.minimize(m.loss);
    expect(tf.memory().numTensors).toBeGreaterThan(before); // adam slots + the hook's previous gradient
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(hookOf(optimizer)).toBeUndefined();
    sub.unsubscribe();
    m.dispose();
  });

  test('scheduled learning rate is used by every update; signals match independent computations', () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const session = createSession({ params: [lr], batchSize: xs.length });
    const m = linear(0);
    const optimizer = hook(tf.train.sgd(1), session, { apply: (o) => o.setLearningRate(lr.value) });
    const updates: UpdateSignal[] = [];
    session.signals.updates(ALL).subscribe((u) => updates.push(u));
    const weights = [m.w.dataSync()[0]!];
    for (let k = 0; k < 6; k++) {
      optimizer.minimize(m.loss, true)?.dispose(); // the only change to the loop: hook() above
      weights.push(m.w.dataSync()[0]!);
    }
    for (let k = 0; k < 6; k++) {
      const g = gradAt(weights[k]!);
      expect((weights[k]! - weights[k + 1]!) / g).toBeCloseTo(0.1 / (1 + k), 5); // implied learning rate
      const u = updates[k]!;
      expect(u.clock.step).toBe(k + 1);
      expect(u.clock.samples).toBe((k + 1) * xs.length);
      expect(u.loss).toBeCloseTo(lossAt(weights[k]!), 5);
      expect(u.gradNorm).toBeCloseTo(Math.abs(g), 4);
      expect(u.paramCount).toBe(1);
      if (k === 0) {
        expect(u.gradDeltaNorm).toBeUndefined();
        expect(u.paramDeltaNorm).toBeUndefined();
      } else {
        // The secant pair at update k: ||g_k - g_{k-1}|| and ||x_k - x_{k-1}||.
        expect(u.gradDeltaNorm).toBeCloseTo(Math.abs(g - gradAt(weights[k - 1]!)), 4);
        expect(u.paramDeltaNorm).toBeCloseTo(Math.abs(weights[k]! - weights[k - 1]!), 5);
        expect(Object.values(u.paramDeltaNorms!)[0]).toBeCloseTo(u.paramDeltaNorm!, 12);
      }
    }
    unhook(optimizer);
    m.dispose();
    optimizer.dispose();
  });

  test('tf.variableGrads + applyGradients works too, with the loss reported by hand', () => {
    const session = createSession({ batchSize: 4 });
    const m = linear(1);
    const optimizer = hook(tf.train.sgd(0.1), session);
    const losses: number[] = [];
    session.signals.loss$.subscribe((s) => losses.push(s.value));
    const gradNorms: number[] = [];
    session.signals.gradNorm$.subscribe((s) => gradNorms.push(s.value));
    for (let k = 0; k < 2; k++) {
      const before = m.w.dataSync()[0]!;
      const { value, grads } = tf.variableGrads(m.loss);
      session.reportLoss(value.dataSync()[0]!);
      optimizer.applyGradients(grads);
      tf.dispose([value, grads]);
      expect(gradNorms[k]).toBeCloseTo(Math.abs(gradAt(before)), 4);
      expect(losses[k]).toBeCloseTo(lossAt(before), 5);
    }
    expect(session.clock.step).toBe(2);
    unhook(optimizer);
    m.dispose();
  });

  // With gradNorm subscribed the finite check comes from the norms' square sums; without, from its own reduction.
  test.each([false, true])('a NaN gradient skips the update: weights, optimizer state, clock and values unchanged; reported (gradNorm subscribed: %s)', (withNorms) => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const session = createSession({ params: [lr], batchSize: 4 });
    const norms: number[] = [];
    if (withNorms) session.signals.gradNorm$.subscribe((n) => norms.push(n.value));
    const w = tf.variable(tf.tensor1d([1, 2]));
    const optimizer = hook(tf.train.adam(0.1), session, { apply: (o) => setTfOptimizerValues(o, { learningRate: lr.value }) });
    const reports: NonFiniteReport[] = [];
    const applied: number[] = [];
    session.signals.nonFinite$.subscribe((r) => reports.push(r));
    session.signals.updateApplied$.subscribe((u) => applied.push(u.clock.step));
    const factor = tf.variable(tf.scalar(1), false); // not trainable: only w gets a gradient
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.mul(w, factor))).asScalar());
    optimizer.minimize(loss, true)?.dispose();
    const snapshot = Array.from(w.dataSync());
    const iterations = optimizer.iterations;
    factor.assign(tf.scalar(Number.NaN));
    optimizer.minimize(loss, true)?.dispose();
    expect(Array.from(w.dataSync())).toEqual(snapshot);
    expect(optimizer.iterations).toBe(iterations);
    expect(session.clock.step).toBe(1);
    expect(lr.value).toBe(0.05);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ source: 'gradients', action: 'skipped-update' });
    expect(Object.keys(reports[0]!.values)).toEqual([w.name]);
    expect(hookOf(optimizer)?.updatesSkipped).toBe(1);
    factor.assign(tf.scalar(1));
    optimizer.minimize(loss, true)?.dispose();
    expect(applied).toEqual([1, 2]);
    expect(Array.from(w.dataSync())).not.toEqual(snapshot);
    expect(norms).toHaveLength(withNorms ? 2 : 0); // the skipped update published no norm
    unhook(optimizer);
    tf.dispose([w, factor]);
    optimizer.dispose();
  });

  test('lazy: no device read without subscribers or checks; exactly one read per update with everything subscribed', () => {
    const session = createSession({ batchSize: 4 });
    const m = linear(0);
    const optimizer = hook(tf.train.sgd(0.01), session, { onNonFinite: 'apply' });
    const spy = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    for (let k = 0; k < 5; k++) optimizer.minimize(m.loss);
    expect(spy).toHaveBeenCalledTimes(0);
    const subs = [session.signals.updates(ALL).subscribe(), session.signals.gradNorms$.subscribe()];
    for (let k = 0; k < 5; k++) optimizer.minimize(m.loss);
    expect(spy).toHaveBeenCalledTimes(5);
    for (const s of subs) s.unsubscribe();
    spy.mockRestore();
    unhook(optimizer);
    m.dispose();
  });

  test('tensor count stays flat over 500 updates with every signal subscribed, and returns after unhook', () => {
    const session = createSession({ params: [param('lr', { schedule: inverse('step') })], batchSize: 8 });
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })],
    });
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
    const y = tf.randomNormal([8, 1], 0, 1, 'float32', 2);
    const optimizer = hook(tf.train.adam(1e-3), session);
    const subs = [
      session.signals.updates(ALL).subscribe(),
      session.signals.loss$.subscribe(),
      session.signals.gradNorms$.subscribe(),
      session.signals.paramDeltaNorms$.subscribe(),
      session.signals.gradDeltaNorms$.subscribe(),
    ];
    const loss = () => tf.tidy(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor).asScalar());
    const before = tf.memory().numTensors;
    let after10 = 0;
    for (let k = 1; k <= 500; k++) {
      optimizer.minimize(loss, true)?.dispose();
      if (k === 10) after10 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(after10);
    expect(session.clock.step).toBe(500);
    for (const s of subs) s.unsubscribe();
    unhook(optimizer); // frees previous gradients and pending deltas
    const slots = 4 * 2; // adam's m and v per variable (accBeta1/2 exist since construction)
    expect(tf.memory().numTensors).toBe(before + slots);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  test('hook returns the same optimizer, refuses a second session, unhook restores its methods', () => {
    const session = createSession();
    const opt = tf.train.sgd(0.1);
    const original = opt.applyGradients;
    expect(hook(opt, session)).toBe(opt);
    expect(hook(opt, session)).toBe(opt);
    expect(opt.applyGradients).not.toBe(original);
    expect(() => hook(opt, createSession())).toThrow(/hook.optimizer/);
    expect(hookOf(opt)?.session).toBe(session);
    unhook(opt);
    expect(opt.applyGradients).toBe(original);
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
    expect(hookOf(opt)).toBeUndefined();
    expect(() => hook({} as tf.Optimizer, session)).toThrow(/hook.optimizer/);
    expect(() => hook(opt, session, { onNonFinite: 'ignore' as never })).toThrow(/hook.onNonFinite/);
  });

  test('an optimizer method of its own (not the prototype\'s) is restored by unhook', () => {
    const opt = tf.train.sgd(0.1);
    const own = (grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]) => tf.SGDOptimizer.prototype.applyGradients.call(opt, grads);
    opt.applyGradients = own;
    hook(opt, createSession());
    expect(opt.applyGradients).not.toBe(own);
    unhook(opt);
    expect(opt.applyGradients).toBe(own);
  });

  test('minimizeAccumulated-style updates carry their own batch size; reportLoss feeds applyGradients loops', () => {
    const session = createSession({ batchSize: 4 });
    const m = linear(1);
    const optimizer = hook(tf.train.sgd(0.1), session);
    const { value, grads } = tf.variableGrads(m.loss);
    hookOf(optimizer)!.update(grads, value, { batchSize: 100 });
    tf.dispose([value, grads]);
    expect(session.clock.samples).toBe(100);
    optimizer.minimize(m.loss);
    expect(session.clock.samples).toBe(104); // the session's batchSize parameter
    unhook(optimizer);
    m.dispose();
  });
});
