/**
 * A checkpoint written by hyperschedule 0.1.0 (commit 71e99fa) still restores after the 0.2
 * layout change. test/fixtures/checkpoint-0.1.json was saved by 0.1 after five AdamW updates with
 * exactly the parameters below (cosine LR, plateau-controlled weight decay, adaptive beta1); 0.1
 * printed lr 0.0994459753267812, weightDecay 0.01, beta1 0.3055728090000842 at that point.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptiveMomentum } from '../../src/controllers/adaptive-momentum.js';
import { reduceOnPlateau } from '../../src/controllers/plateau.js';
import { restoreCheckpoint } from '../../src/integrations/checkpoint.js';
import { hook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { param } from '../../src/params/parameter.js';
import { cosine } from '../../src/schedules/families/cosine.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a 0.1 checkpoint', () => {
  it('restores every parameter, the clock and the optimizer, and training continues', async () => {
    const lr = param('lr', { schedule: cosine({ init: 0.1, min: 0.01, duration: 100 }) }, { domain: 'positive' });
    const wd = param('weightDecay', { controller: reduceOnPlateau({ initial: 0.01 }) }, { domain: 'nonNegative' });
    const beta1 = param('beta1', { controller: adaptiveMomentum({ lr: 0.1 }) }, { domain: 'unitInterval' });
    const session = createSession({ params: [lr, wd, beta1] });
    const optimizer = hook(new AdamW({ learningRate: lr, weightDecay: wd, beta1 }), session);
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'w');
    const saved = JSON.parse(readFileSync(new URL('../fixtures/checkpoint-0.1.json', import.meta.url), 'utf8'));
    await restoreCheckpoint(saved, { session, optimizer });
    expect(session.clock.step).toBe(5);
    expect(lr.value).toBe(0.0994459753267812);
    expect(wd.value).toBe(0.01);
    expect(beta1.value).toBe(0.3055728090000842);
    expect(lr.history).toHaveLength(6);
    optimizer.minimize(() => tf.sum(tf.square(w)).asScalar());
    expect(session.clock.step).toBe(6);
    expect(lr.value).toBe(cosine({ init: 0.1, min: 0.01, duration: 100 }).at(6));
    optimizer.dispose();
    w.dispose();
    session.dispose();
  });
});
