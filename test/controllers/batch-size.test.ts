import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSizeSchedule } from '../../src/schedules/batch/batch-size.js';
import { batchScalingFactor, scaleLrForBatch } from '../../src/schedules/batch/batch-lr-scaling.js';
import { batchForDecay, increaseBatchInsteadOfDecay } from '../../src/schedules/batch/increase-batch.js';
import { HyperscheduleError } from '../../src/errors.js';
import { scheduledBatches } from '../../src/integrations/batcher.js';
import { createSession } from '../../src/integrations/session.js';
import { positiveInteger } from '../../src/params/domain.js';
import { param } from '../../src/params/parameter.js';
import { cosine } from '../../src/schedules/families/cosine.js';
import { exponentialDecay } from '../../src/schedules/families/exponential-decay.js';
import { linear } from '../../src/schedules/families/linear.js';
import { multiStepDecay } from '../../src/schedules/families/multi-step-decay.js';
import { fromJSON } from '../../src/schedules/json.js';
import type { Schedule, ScheduleSpec } from '../../src/schedules/schedule.js';

function roundTrip(s: Schedule): Schedule {
  return fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as ScheduleSpec);
}

describe('batchSizeSchedule', () => {
  it('rounds, clamps and respects multipleOf', () => {
    const b = batchSizeSchedule(linear({ init: 10, end: 1000, duration: 99 }), { min: 16, max: 512, multipleOf: 8 });
    expect(b.at(0)).toBe(16); // 10 -> 8 -> clamped to 16
    expect(b.at(9)).toBe(104); // 10 + 90 = 100 -> 12.5 -> 13 * 8
    expect(b.at(99)).toBe(512);
    expect(batchSizeSchedule(linear({ init: 10, end: 20, duration: 10 }), { max: 100, round: 'floor' }).at(5)).toBe(15);
    expect(batchSizeSchedule(linear({ init: 10, end: 11, duration: 10 }), { max: 100, round: 'ceil' }).at(1)).toBe(11);
  });
  it('property: integer, in [min, max], a multiple of multipleOf, never NaN', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom('round' as const, 'floor' as const, 'ceil' as const),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (init, end, multipleOf, minK, spanK, round, t) => {
          const min = minK * multipleOf;
          const max = min + spanK * multipleOf;
          const b = batchSizeSchedule(linear({ init, end, duration: 100 }), { min, max, multipleOf, round });
          const v = b.at(t);
          expect(Number.isInteger(v)).toBe(true);
          expect(v % multipleOf).toBe(0);
          expect(v).toBeGreaterThanOrEqual(min);
          expect(v).toBeLessThanOrEqual(max);
          expect(roundTrip(b).at(t)).toBe(v);
        },
      ),
    );
  });
  it('rejects bad options with HyperscheduleError naming the field', () => {
    const s = linear({ init: 1, end: 2, duration: 1 });
    expect(() => batchSizeSchedule(s, { max: 0 })).toThrow(/batchSizeSchedule\.max: got 0, expected a finite integer >= 1/);
    expect(() => batchSizeSchedule(s, { min: 10, max: 5 })).toThrow(/batchSizeSchedule\.max/);
    expect(() => batchSizeSchedule(s, { max: 100, multipleOf: 8 })).toThrow(/multiple of multipleOf/);
    expect(() => batchSizeSchedule(s, { max: 10, round: 'up' as 'ceil' })).toThrow(HyperscheduleError);
    expect(() => batchSizeSchedule({} as Schedule, { max: 10 })).toThrow(/batchSizeSchedule\.schedule/);
  });
});

describe('scaleLrForBatch', () => {
  it('applies the linear, sqrt and none rules', () => {
    expect(batchScalingFactor('linear', 512, 128)).toBe(4);
    expect(batchScalingFactor('sqrt', 512, 128)).toBe(2);
    expect(batchScalingFactor('none', 512, 128)).toBe(1);
    const batch = batchSizeSchedule(linear({ init: 128, end: 512, duration: 10, unit: 'epoch' }), { max: 512 });
    const base = cosine({ init: 0.1, duration: 10, unit: 'epoch' });
    for (const rule of ['linear', 'sqrt', 'none'] as const) {
      const lr = scaleLrForBatch(base, batch, { baseBatch: 128, rule });
      for (const t of [0, 2.5, 7, 10]) {
        expect(lr.at(t)).toBeCloseTo(base.at(t) * batchScalingFactor(rule, batch.at(t), 128), 15);
        expect(roundTrip(lr).at(t)).toBe(lr.at(t));
      }
    }
  });
  it('refuses schedules in different units', () => {
    const batch = batchSizeSchedule(linear({ init: 128, end: 512, duration: 10 }), { max: 512 });
    expect(() => scaleLrForBatch(cosine({ init: 0.1, duration: 10, unit: 'epoch' }), batch, { baseBatch: 128 })).toThrow(/unit/);
  });
});

describe('increaseBatchInsteadOfDecay (Smith et al. 2017)', () => {
  const original = multiStepDecay({ init: 0.1, milestones: [60, 120, 160], gamma: 0.2, unit: 'epoch' });

  it('grows B by the decay factor until maxBatch, then decays the LR', () => {
    const { batchSize, lr, maxBatch } = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 128, datasetSize: 50000 });
    expect(maxBatch).toBe(5000);
    expect([0, 59, 60, 119, 120, 160, 200].map((t) => batchSize.at(t))).toEqual([128, 128, 640, 640, 3200, 5000, 5000]);
    expect(lr.at(0)).toBe(0.1);
    expect(lr.at(60)).toBeCloseTo(0.1, 15);
    expect(lr.at(120)).toBeCloseTo(0.1, 15);
    expect(lr.at(160)).toBeCloseTo(0.1 * 0.2 ** 3 * 5000 / 128, 15);
  });

  it('property: noise scale eps_t/B_t equals the original eps_t/baseBatch everywhere; the LR stays eps_0 wherever B is neither rounded nor capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 512 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.constantFrom('epoch' as const, 'sample' as const, 'progress' as const),
        fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (baseBatch, capFactor, rate, lr0, unit, times) => {
          const eps = exponentialDecay({ init: lr0, rate, every: 3, unit });
          const maxBatch = baseBatch * capFactor;
          const momentum = 0.9;
          const r = increaseBatchInsteadOfDecay(eps, { rule: 'linear', baseBatch, maxBatch, momentum, datasetSize: 50000 });
          for (const t of times) {
            const B = r.batchSize.at(t);
            const ideal = (baseBatch * lr0) / eps.at(t);
            expect(Number.isInteger(B) && B >= 1 && B <= maxBatch).toBe(true);
            // Same noise scale as the original run at baseBatch, up to float rounding.
            const original = (eps.at(t) * 50000) / (baseBatch * (1 - momentum));
            expect(Math.abs(r.noiseScale(t) - original)).toBeLessThanOrEqual(1e-12 * original);
            expect(Math.abs(r.lr.at(t) / B - eps.at(t) / baseBatch)).toBeLessThanOrEqual(1e-12 * (eps.at(t) / baseBatch));
            if (ideal <= maxBatch && Number.isInteger(ideal)) expect(r.lr.at(t)).toBeCloseTo(lr0, 12);
            // Rounded but not capped: the LR stays within the rounding of B of eps_0.
            if (ideal < maxBatch) expect(Math.abs(r.lr.at(t) - lr0)).toBeLessThanOrEqual((0.5 / ideal) * lr0 * (1 + 1e-9));
            if (ideal >= maxBatch) expect(B).toBe(maxBatch);
          }
        },
      ),
    );
  });

  it('B is non-decreasing when the LR schedule is non-increasing, and both round-trip through JSON', () => {
    const { batchSize, lr } = increaseBatchInsteadOfDecay(cosine({ init: 0.1, duration: 100, unit: 'epoch' }), { rule: 'linear', baseBatch: 64, maxBatch: 4096, multipleOf: 8 });
    let prev = 0;
    const b2 = roundTrip(batchSize);
    const lr2 = roundTrip(lr);
    for (let t = 0; t <= 100; t += 0.5) {
      const B = batchSize.at(t);
      expect(B).toBeGreaterThanOrEqual(prev);
      expect(B % 8).toBe(0);
      prev = B;
      expect(b2.at(t)).toBe(B);
      expect(lr2.at(t)).toBe(lr.at(t));
    }
    expect(batchSize.at(100)).toBe(4096); // cosine reaches 0: capped
    expect(lr.at(100)).toBe(0);
  });

  it('rejects step-based schedules and bad sizes', () => {
    const stepLr = multiStepDecay({ init: 0.1, milestones: [100], gamma: 0.1 });
    expect(() => increaseBatchInsteadOfDecay(stepLr, { rule: 'linear', baseBatch: 128, maxBatch: 1024 })).toThrow(/lrSchedule\.unit: got "step"/);
    expect(() => increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 128 })).toThrow(/maxBatch/);
    expect(() => increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 128, maxBatch: 64 })).toThrow(/maxBatch: got 64/);
    expect(() => increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 0, maxBatch: 64 })).toThrow(/baseBatch/);
    expect(() => increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 128, maxBatch: 1024, momentum: 1 })).toThrow(/momentum/);
    // A rising LR is no decay: the batch stays at baseBatch (it used to need referenceLr > 0).
    expect(batchForDecay(linear({ init: 0, end: 1, duration: 1, unit: 'epoch' }), { baseBatch: 8 }).at(0.5)).toBe(8);
  });
});

describe('increaseBatchInsteadOfDecay drives a session: batch size and LR parameters over epochs', () => {
  it('the batcher hands out the scheduled sizes, far fewer updates than the original, with the clock in epochs from samples', () => {
    const N = 400;
    const original = multiStepDecay({ init: 0.1, milestones: [2, 4], gamma: 0.2, unit: 'epoch' });
    const { batchSize, lr } = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: 10, maxBatch: 100 });
    const batch = param('batchSize', { schedule: batchSize }, { domain: positiveInteger() });
    const rate = param('lr', { schedule: lr }, { domain: 'positive' });
    const session = createSession({ params: [batch, rate], run: { samplesPerEpoch: N } });
    const data = Array.from({ length: N }, (_, i) => i);
    const perEpoch: { sizes: Set<number>; lrs: Set<number> }[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      const seen = { sizes: new Set<number>(), lrs: new Set<number>() };
      for (const b of scheduledBatches(data, { session })) {
        seen.sizes.add(b.length);
        seen.lrs.add(Number(rate.value.toPrecision(12)));
        session.completeUpdate({ batchSize: b.length });
      }
      perEpoch.push(seen);
    }
    expect(perEpoch.map((e) => [...e.sizes])).toEqual([[10], [10], [50], [50], [100], [100]]);
    expect(perEpoch.map((e) => [...e.lrs])).toEqual([[0.1], [0.1], [0.1], [0.1], [0.04], [0.04]]); // 0.1 * 0.2^2 * 100 / 10
    // 2 epochs each at B = 10, 50, 100: 80 + 16 + 8 updates instead of 240 at B = 10.
    expect(session.clock.snapshot().step).toBe(104);
    expect(session.clock.snapshot().epoch).toBe(6);
    session.dispose();
  });
});
