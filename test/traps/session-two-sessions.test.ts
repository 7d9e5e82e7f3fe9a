/**
 * Trap 3: a parameter registered in two sessions followed whichever synced last. A parameter now
 * belongs to one session: the second registration throws, naming it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { hook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { param } from '../../src/params/parameter.js';
import type { Schedule } from '../../src/schedules/schedule.js';

const inverseStep: Schedule = { type: 'inverse', unit: 'step', at: (t) => 0.1 / (1 + t), toJSON: () => ({ type: 'inverse' }) };

describe('trap 3: one parameter in two sessions', () => {
  test('the second registration throws, naming the parameter', () => {
    const lr = param('lr', { schedule: inverseStep }, { domain: 'positive' });
    createSession({ params: [lr] });
    expect(() => createSession({ params: [lr] })).toThrow(HyperscheduleError);
    expect(() => createSession({ params: [lr] })).toThrow(/params\.lr: .*another session/);
    expect(() => createSession().add(lr)).toThrow(/params\.lr/);
  });

  test("the README's tf.train.sgd snippet (a second createSession for the same parameter) throws", () => {
    const lr = param('lr', { schedule: inverseStep }, { domain: 'positive' });
    createSession({ params: [lr] });
    expect(() => hook(tf.train.sgd(0.1), createSession({ params: [lr] }), { apply: (o) => o.setLearningRate(lr.value) })).toThrow(/params\.lr/);
  });

  test('a source of a combined parameter belongs to the session too', () => {
    const base = param('lr.base', { schedule: inverseStep });
    createSession({ params: [base.times(0.5, 'lr')] });
    expect(() => createSession({ params: [base] })).toThrow(/lr\.base/);
  });

  test('after dispose() the parameter can join another session', () => {
    const lr = param('lr', { schedule: inverseStep });
    const first = createSession({ params: [lr] });
    first.dispose();
    const second = createSession({ params: [lr] });
    second.completeUpdate();
    expect(lr.value).toBeCloseTo(0.05, 12);
  });

  test('registering twice in the same session is still a no-op', () => {
    const lr = param('lr', { initial: 0.1 });
    const session = createSession({ params: [lr] });
    expect(() => session.add(lr)).not.toThrow();
    expect([...session.params.keys()]).toEqual(['lr']);
  });
});
