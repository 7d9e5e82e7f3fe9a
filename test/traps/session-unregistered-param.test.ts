/**
 * Trap 1: a parameter an optimizer reads, hooked with a session that does not hold it, never
 * moved (`hook(new AdamW({ learningRate: lr }), createSession())`). The hook now registers the
 * optimizer's parameters with its session.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { hook, unhook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { param } from '../../src/params/parameter.js';
import type { Schedule } from '../../src/schedules/schedule.js';
import { grouped } from '../../src/values/grouped.js';

/** 0.1 / (1 + step). */
const inverseStep: Schedule = { type: 'inverse', unit: 'step', at: (t) => 0.1 / (1 + t), toJSON: () => ({ type: 'inverse' }) };

function quadratic() {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const loss = () => tf.tidy(() => tf.sum(tf.square(w)).asScalar());
  return { w, loss };
}

describe('trap 1: an optimizer parameter the session does not hold', () => {
  test('moves: the hook registers it with the session', () => {
    const lr = param('lr', { schedule: inverseStep }, { domain: 'positive' });
    const session = createSession();
    const optimizer = hook(new AdamW({ learningRate: lr }), session);
    const { w, loss } = quadratic();
    for (let k = 0; k < 20; k++) optimizer.minimize(loss);
    expect(lr.value).toBeCloseTo(0.1 / 21, 12);
    expect(session.param('lr')).toBe(lr);
    expect(lr.history).toHaveLength(21);
    unhook(optimizer);
    optimizer.dispose();
    w.dispose();
  });

  test('a parameter assigned to the optimizer after hooking is registered at the next update', () => {
    const session = createSession();
    const optimizer = hook(new SGD({ learningRate: 0.1 }), session);
    const { w, loss } = quadratic();
    optimizer.minimize(loss);
    const momentum = param('momentum', { schedule: { ...inverseStep, at: (t: number) => 0.9 / (1 + t) } }, { domain: 'unitInterval' });
    optimizer.momentum = momentum;
    for (let k = 0; k < 3; k++) optimizer.minimize(loss);
    expect(session.param('momentum')).toBe(momentum);
    expect(momentum.value).toBeCloseTo(0.9 / 5, 12);
    unhook(optimizer);
    optimizer.dispose();
    w.dispose();
  });

  test('another parameter of the same name in the session is an error naming it', () => {
    const session = createSession({ params: [param('lr', { initial: 0.1 })] });
    const other = param('lr', { initial: 0.2 });
    expect(() => hook(new AdamW({ learningRate: other }), session)).toThrow(/lr/);
  });

  test('a parameter wrapped in grouped() (base or a group value) is registered too', () => {
    const wd = param('weightDecay', { schedule: { ...inverseStep, at: (t: number) => 0.01 / (1 + t) } }, { domain: 'nonNegative' });
    const lr = param('lr', { schedule: inverseStep }, { domain: 'positive' });
    const session = createSession();
    const optimizer = hook(new AdamW({ learningRate: grouped(lr, [{ match: 'bias', scale: 0.1 }]), weightDecay: grouped(0.05, [{ match: 'kernel', value: wd }]) }), session);
    const { w, loss } = quadratic();
    for (let k = 0; k < 5; k++) optimizer.minimize(loss);
    expect(session.param('lr')).toBe(lr);
    expect(session.param('weightDecay')).toBe(wd);
    expect(lr.value).toBeCloseTo(0.1 / 6, 12);
    unhook(optimizer);
    optimizer.dispose();
    w.dispose();
  });
});
