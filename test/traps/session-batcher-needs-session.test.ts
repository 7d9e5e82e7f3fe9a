/**
 * Trap 5: `scheduledBatches` without a session froze the batch-size schedule (nothing advanced
 * the clock it follows). The session is now required, and the batch size is the session's
 * `batchSize` parameter.
 */
import { describe, expect, test } from 'vitest';
import { scheduledBatches } from '../../src/integrations/batcher.js';
import { createSession } from '../../src/integrations/session.js';
import { param } from '../../src/params/parameter.js';
import { positiveInteger } from '../../src/params/domain.js';
import type { Schedule } from '../../src/schedules/schedule.js';

/** 2 in the first epoch, then 4. */
const doubling: Schedule = { type: 'doubling', unit: 'epoch', at: (e) => (e < 1 ? 2 : 4), toJSON: () => ({ type: 'doubling' }) };

describe('trap 5: scheduledBatches without a session', () => {
  test('throws, naming the option and what to pass', () => {
    const batchSize = param('batchSize', { schedule: doubling }, { domain: positiveInteger() });
    expect(() => scheduledBatches([1, 2, 3, 4, 5, 6], { batchSize } as never)).toThrow(/scheduledBatches\.session/);
  });

  test('with the session the schedule advances from one epoch to the next', () => {
    const batchSize = param('batchSize', { schedule: doubling }, { domain: positiveInteger() });
    const session = createSession({ params: [batchSize] });
    const batches = scheduledBatches([1, 2, 3, 4, 5, 6, 7, 8], { session });
    const sizes: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const epochSizes: number[] = [];
      for (const batch of batches) {
        epochSizes.push(batch.length);
        session.beginUpdate();
        session.completeUpdate();
      }
      sizes.push(epochSizes);
    }
    expect(sizes).toEqual([[2, 2, 2, 2], [4, 4]]);
  });
});
