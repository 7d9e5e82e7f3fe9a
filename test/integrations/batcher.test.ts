import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createSession, scheduledBatches } from '../../src/integrations/index.js';
import { param, positiveInteger } from '../../src/params/index.js';
import { fnSchedule } from '../params/fixtures.js';

describe('scheduledBatches', () => {
  test('arrays: a batch-size change mid-epoch takes effect on the next batch; samples feed the clock', () => {
    const batchSize = param('batchSize', { initial: 3 }, { domain: positiveInteger() });
    const session = createSession({ params: [batchSize] });
    const data = Array.from({ length: 20 }, (_, i) => i);
    const batches = scheduledBatches(data, { session });
    const seen: number[][] = [];
    const epochs: number[] = [];
    for (const batch of batches) {
      seen.push(batch);
      if (seen.length === 2) batchSize.set(5);
      session.completeUpdate(); // what a hooked optimizer does after the update
      epochs.push(session.clock.epoch);
    }
    expect(seen.map((b) => b.length)).toEqual([3, 3, 5, 5, 4]);
    expect(seen.flat()).toEqual(data);
    expect(epochs).toEqual([0.15, 0.3, 0.55, 0.8, 1]);
    expect(session.clock.state).toMatchObject({ step: 5, samples: 20, epochsCompleted: 1, samplesPerEpoch: 20 });
  });

  test('an epoch-unit batch-size schedule changes the size within the epoch at the right sample', () => {
    const batchSize = param('batchSize', { schedule: fnSchedule('step', 'epoch', (e) => (e < 0.5 ? 2 : 6)) }, { domain: positiveInteger() });
    const session = createSession({ params: [batchSize] });
    const sizes: number[] = [];
    for (const batch of scheduledBatches(Array.from({ length: 16 }, (_, i) => i), { session })) {
      sizes.push(batch.length);
      session.completeUpdate();
    }
    expect(sizes).toEqual([2, 2, 2, 2, 6, 2]); // switches once 8 of 16 samples are seen
  });

  test('a pass that stops early does not mark an epoch; dropLast drops the short tail', () => {
    const session = createSession({ batchSize: 2 });
    const batches = scheduledBatches([1, 2, 3, 4, 5], { session, dropLast: true });
    for (const b of batches) {
      expect(b).toHaveLength(2);
      break;
    }
    expect(session.clock.state.epochsCompleted).toBe(0);
    expect([...batches].map((b) => b.length)).toEqual([2, 2]);
    expect(session.clock.state.epochsCompleted).toBe(1);
  });

  test('tensors: slices hold the right rows, shuffles are seeded permutations per epoch, no tensor leaks', () => {
    const xs = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, -i]));
    const ys = tf.tensor1d(Array.from({ length: 10 }, (_, i) => 100 + i));
    const base = tf.memory().numTensors;
    const epochRows = (seed: number, epochs: number): number[][] => {
      const session = createSession({ batchSize: 4 });
      const out: number[][] = [];
      for (let e = 0; e < epochs; e++) {
        const rows: number[] = [];
        for (const { xs: bx, ys: by } of scheduledBatches({ xs, ys }, { session, shuffle: true, seed })) {
          const x = bx.arraySync() as number[][];
          const y = by.dataSync();
          x.forEach((r, i) => {
            expect(r).toEqual([r[0], -r[0]!]);
            expect(y[i]).toBe(100 + r[0]!);
            rows.push(r[0]!);
          });
          tf.dispose([bx, by]);
        }
        out.push(rows);
      }
      return out;
    };
    const a = epochRows(7, 2);
    expect([...a[0]!].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a[0]).not.toEqual(a[1]); // a new order each epoch
    expect(epochRows(7, 2)).toEqual(a); // same seed and epoch: same order (resumable)
    const plain = [...scheduledBatches(xs, { session: createSession({ batchSize: 3 }) })];
    expect(plain.map((t) => t.shape[0])).toEqual([3, 3, 3, 1]);
    expect(plain[1]!.arraySync()).toEqual([[3, -3], [4, -4], [5, -5]]);
    tf.dispose(plain);
    expect(tf.memory().numTensors).toBe(base);
    tf.dispose([xs, ys]);
  });

  test('a tf.data.Dataset of single elements is stacked into batches of the current size', async () => {
    const batchSize = param('batchSize', { initial: 2 }, { domain: positiveInteger() });
    const session = createSession({ params: [batchSize] });
    const ds = tf.data.array(Array.from({ length: 7 }, (_, i) => ({ x: tf.tensor1d([i, i]), y: i })));
    const batches = scheduledBatches(ds, { session });
    const got: number[][] = [];
    for await (const batch of batches) {
      const { x, y } = batch as unknown as { x: tf.Tensor; y: tf.Tensor };
      expect(x.shape[1]).toBe(2);
      got.push(Array.from(y.dataSync()));
      tf.dispose([x, y]);
      batchSize.set(3);
      session.completeUpdate();
    }
    expect(got).toEqual([[0, 1], [2, 3, 4], [5, 6]]);
    expect(session.clock.state).toMatchObject({ samples: 7, epochsCompleted: 1, samplesPerEpoch: 7 });
    expect(() => [...batches]).toThrow(/for await/);
  });

  test('bad inputs are refused with the field named', () => {
    const session = (size: number) => createSession({ params: [param('batchSize', { initial: size })] });
    expect(() => scheduledBatches([1], { session: session(0) })).toThrow(/scheduledBatches.batchSize: got 0/);
    expect(() => scheduledBatches([1], { session: session(1.5) })).toThrow(/scheduledBatches.batchSize: got 1.5/);
    expect(() => scheduledBatches([1], { session: createSession() })).toThrow(/scheduledBatches.session: .*createSession\(\{ batchSize: 32 \}\)/);
    expect(() => scheduledBatches([1], { session: createSession({ batchSize: 4 }), batchSize: 4 } as never)).toThrow(/scheduledBatches.batchSize: got 4, expected no such option: the batch size is the session's "batchSize" parameter/);
    expect(() => scheduledBatches(42 as never, { session: session(1) })).toThrow(/scheduledBatches.data/);
    expect(() => scheduledBatches(tf.data.array([1]), { session: session(1), shuffle: true })).toThrow(/scheduledBatches.shuffle/);
    const a = tf.zeros([3, 1]);
    const b = tf.zeros([4, 1]);
    expect(() => scheduledBatches({ a, b }, { session: session(1) })).toThrow(/scheduledBatches.data.b/);
    tf.dispose([a, b]);
  });
});
