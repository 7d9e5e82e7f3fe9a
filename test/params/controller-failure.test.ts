/**
 * A controller that throws while handling a signal: the exception surfaces at the call that
 * published the signal (the update, the epoch end, reported metrics), naming the controller and
 * its parameter — not later as an uncaught rxjs error.
 */
import * as tf from '@tensorflow/tfjs';
import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createSession, defineController, hook, param, SGD } from '../../src/index.js';

const explodesAt = (limit: number, source: 'update' | 'epoch' | 'metrics') =>
  defineController({
    name: 'explodes',
    initialState: 0,
    input: (signals) =>
      source === 'update' ? signals.updateApplied$.pipe(map(() => 1)) : source === 'epoch' ? signals.epochEnd$.pipe(map(() => 1)) : signals.metrics$.pipe(map(() => 1)),
    step: (n: number) => {
      if (n + 1 >= limit) throw new Error(`boom after ${n} inputs`);
      return n + 1;
    },
    value: (n: number) => 1 + n,
  });

describe('a controller exception surfaces at the call that ran it', () => {
  it('completeUpdate throws, naming the controller, its parameter and the update; its state stays', () => {
    const factor = param('factor', { controller: explodesAt(3, 'update') }, { domain: 'positive' });
    const session = createSession({ params: [factor] });
    session.completeUpdate();
    session.completeUpdate();
    expect(factor.value).toBe(3);
    let thrown: unknown;
    try {
      session.completeUpdate();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('controller explodes of parameter "factor" threw at update 3: boom after 2 inputs');
    expect(((thrown as Error).cause as Error).message).toBe('boom after 2 inputs');
    // The clock advanced (the update was applied) but the controller state was not committed.
    expect(session.clock.step).toBe(3);
    expect(factor.value).toBe(3);
    expect(factor.state().controller).toBe(2);
  });

  it('endEpoch and reportMetrics throw it too', () => {
    const a = createSession({ params: [param('a', { controller: explodesAt(1, 'epoch') }, { domain: 'positive' })] });
    expect(() => a.endEpoch()).toThrow(/^controller explodes of parameter "a" threw at update 0: boom after 0 inputs$/);
    const b = createSession({ params: [param('b', { controller: explodesAt(1, 'metrics') }, { domain: 'positive' })] });
    expect(() => b.reportMetrics({ val_loss: 1 })).toThrow(/controller explodes of parameter "b"/);
  });

  it('optimizer.minimize through the hook throws at that call', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'controller-failure/w');
    const lr = param('lr', { controller: explodesAt(2, 'update') }, { domain: 'positive' });
    const session = createSession();
    const optimizer = hook(new SGD({ learningRate: lr }), session);
    const loss = () => tf.sum(tf.square(w)).asScalar();
    optimizer.minimize(loss);
    expect(() => optimizer.minimize(loss)).toThrow(/controller explodes of parameter "lr" threw at update 2/);
    w.dispose();
  });
});
