/**
 * Trap 2: an epoch-unit schedule in a session that cannot know where epochs end (a hook and the
 * user's own batching, no samplesPerEpoch, no endEpoch()) never moved, silently. The session now
 * warns once, naming the parameter and what to do.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { scheduledBatches } from '../../src/integrations/batcher.js';
import { hook, unhook } from '../../src/integrations/hook.js';
import { createSession, type HyperscheduleSession } from '../../src/integrations/session.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { param } from '../../src/params/parameter.js';
import type { Schedule, TimeUnit } from '../../src/schedules/schedule.js';

const inverse = (unit: TimeUnit): Schedule => ({ type: 'inverse', unit, at: (t) => 0.1 / (1 + t), toJSON: () => ({ type: 'inverse', unit }) });

let warn: MockInstance<(...args: unknown[]) => void>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

/** The epoch-time warnings (tfjs prints its own notice through console.warn too). */
function epochWarnings(): string[] {
  return warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('epoch time'));
}

function updates(session: HyperscheduleSession, n: number, epochEvery = 0): void {
  for (let k = 1; k <= n; k++) {
    session.beginUpdate();
    session.completeUpdate();
    if (epochEvery > 0 && k % epochEvery === 0) session.endEpoch();
  }
}

describe('trap 2: an epoch schedule the session cannot advance', () => {
  test('a hook with the user\'s own batching: one warning naming the parameter and the fix', () => {
    const lr = param('lr', { schedule: inverse('epoch') }, { domain: 'positive' });
    const session = createSession({ params: [lr] });
    const optimizer = hook(new SGD({ learningRate: lr }), session);
    const w = tf.variable(tf.tensor1d([1, 2]));
    for (let k = 0; k < 300; k++) optimizer.minimize(() => tf.sum(tf.square(w)).asScalar());
    expect(session.clock.epoch).toBe(0);
    expect(epochWarnings()).toHaveLength(1);
    const message = epochWarnings()[0]!;
    expect(message).toMatch(/"lr"/);
    expect(message).toMatch(/session\.endEpoch\(\)/);
    expect(message).toMatch(/run\.samplesPerEpoch/);
    unhook(optimizer);
    optimizer.dispose();
    w.dispose();
  });

  test('a progress schedule measured in epochs warns too; a combined parameter is named by its source', () => {
    const base = param('lr.base', { schedule: inverse('progress') });
    const lr = base.times(0.5, 'lr');
    const session = createSession({ params: [lr], run: { epochs: 10 } });
    updates(session, 300);
    expect(epochWarnings()).toHaveLength(1);
    expect(epochWarnings()[0]).toMatch(/"lr.base"/);
  });

  test('samplesPerEpoch without batch sizes: the warning asks for the batch size', () => {
    const lr = param('lr', { schedule: inverse('epoch') });
    const session = createSession({ params: [lr], run: { samplesPerEpoch: 1000 } });
    updates(session, 300);
    expect(epochWarnings()).toHaveLength(1);
    expect(epochWarnings()[0]).toMatch(/batchSize/);
  });

  test('a sample-unit schedule without batch sizes fails loudly at the first update, asking for them', () => {
    const lr = param('lr', { schedule: inverse('sample') });
    const session = createSession({ params: [lr] });
    session.beginUpdate();
    expect(() => session.completeUpdate()).toThrow(/clock.samples: .*batch sizes/);
  });

  test('a loop that marks its own epochs, longer than 100 updates: the warning says how to declare it; declared, none', () => {
    const unsaid = createSession({ params: [param('lr', { schedule: inverse('epoch') })] });
    updates(unsaid, 300, 150);
    expect(epochWarnings()).toHaveLength(1);
    expect(epochWarnings()[0]).toMatch(/session\.expectEpochEnds\(\)/);
    warn.mockClear();

    const said = createSession({ params: [param('lr', { schedule: inverse('epoch') })] });
    said.expectEpochEnds();
    updates(said, 300, 150);
    expect(said.clock.epoch).toBe(2);
    expect(epochWarnings()).toEqual([]);
  });

  test('no warning when the session can know: samplesPerEpoch and a batch size, endEpoch(), or a batcher marking epochs', () => {
    const known = createSession({ params: [param('lr', { schedule: inverse('epoch') })], run: { samplesPerEpoch: 640 }, batchSize: 32 });
    updates(known, 300);
    expect(known.clock.epoch).toBeCloseTo(15, 12);

    const marked = createSession({ params: [param('lr', { schedule: inverse('epoch') })] });
    updates(marked, 300, 20);
    expect(marked.clock.epoch).toBe(15);

    const batched = createSession({ params: [param('lr', { schedule: inverse('epoch') })], batchSize: 1 });
    const data = Array.from({ length: 500 }, (_, i) => i);
    for (const _batch of scheduledBatches(data, { session: batched })) {
      batched.beginUpdate();
      batched.completeUpdate();
    }
    expect(batched.clock.epoch).toBe(1);

    const stepOnly = createSession({ params: [param('lr', { schedule: inverse('step') })] });
    updates(stepOnly, 300);
    expect(epochWarnings()).toEqual([]);
  });
});
