/**
 * Trap 7: `fitCallback`'s `apply` received a `tf.Optimizer`, so `setLearningRate` needed a cast.
 * It now receives the optimizer's own type (from the `optimizer` option). The type check runs
 * with `tsc --noEmit` (test/ is part of the project); the runtime check with vitest.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { fitCallback } from '../../src/integrations/fit-callback.js';
import { createSession } from '../../src/integrations/session.js';
import { param } from '../../src/params/parameter.js';
import type { Schedule } from '../../src/schedules/schedule.js';

const inverseStep: Schedule = { type: 'inverse', unit: 'step', at: (t) => 0.1 / (1 + t), toJSON: () => ({ type: 'inverse' }) };

describe('trap 7: fitCallback apply is typed with the real optimizer', () => {
  test('apply receives the optimizer type; setLearningRate needs no cast and is applied every batch', async () => {
    const lr = param('lr', { schedule: inverseStep }, { domain: 'positive' });
    const session = createSession({ params: [lr] });
    const optimizer = tf.train.sgd(1);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: 'ones' })] });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const applied: number[] = [];
    const callbacks = fitCallback(session, {
      optimizer,
      apply: (o) => {
        expectTypeOf(o).toEqualTypeOf<tf.SGDOptimizer>();
        o.setLearningRate(lr.value); // no cast
        applied.push(lr.value);
      },
    });
    await model.fit(tf.ones([8, 1]), tf.ones([8, 1]).mul(3), { epochs: 1, batchSize: 2, verbose: 0, callbacks });
    expect(applied).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
    expect(optimizer.getConfig()['learningRate']).toBe(0.025);
    model.dispose();
  });

  test('an optimizer option that is not the model\'s is an error', async () => {
    const session = createSession();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    await expect(
      model.fit(tf.ones([2, 1]), tf.ones([2, 1]), { epochs: 1, verbose: 0, callbacks: fitCallback(session, { optimizer: tf.train.sgd(0.1) }) }),
    ).rejects.toThrow(/fitCallback\.optimizer/);
    model.dispose();
  });

  test("0.1's { model } option is refused with the replacement, not ignored", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const legacy = { model } as unknown as Parameters<typeof fitCallback>[1];
    expect(() => fitCallback(createSession(), legacy)).toThrow(/fitCallback\.model: .*optimizer: model\.optimizer/);
    model.dispose();
  });
});
