import { describe, expect, it } from 'vitest';
import { scheduledBatches } from '../../../src/integrations/batcher.js';
import { createSession } from '../../../src/integrations/session.js';
import type { ClockRun } from '../../../src/clock/state.js';
import { positiveInteger } from '../../../src/params/domain.js';
import { param } from '../../../src/params/parameter.js';
import { increaseBatchInsteadOfDecay, type IncreaseBatchOptions } from '../../../src/schedules/batch/increase-batch.js';
import { warmup } from '../../../src/schedules/combinators/warmup.js';
import { cosine } from '../../../src/schedules/families/cosine.js';
import { cyclic } from '../../../src/schedules/families/cyclic.js';
import { multiStepDecay } from '../../../src/schedules/families/multi-step-decay.js';
import { oneCycle } from '../../../src/schedules/families/one-cycle.js';
import { fromJSON } from '../../../src/schedules/json.js';
import type { Schedule, ScheduleSpec } from '../../../src/schedules/schedule.js';

const roundTrip = (s: Schedule): Schedule => fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as ScheduleSpec);
const grid = (end: number, n: number): number[] => Array.from({ length: n + 1 }, (_, i) => (end * i) / n);
const step = multiStepDecay({ init: 0.1, milestones: [60, 120, 160], gamma: 0.2, unit: 'epoch' });

describe('increaseBatchInsteadOfDecay: the scaling rule', () => {
  it("'linear' grows B by the decay factor α, 'sqrt' by α² (Malladi et al. 2022)", () => {
    const linear = increaseBatchInsteadOfDecay(step, { rule: 'linear', baseBatch: 128, maxBatch: 5000 });
    const sqrt = increaseBatchInsteadOfDecay(step, { rule: 'sqrt', baseBatch: 128, maxBatch: 5000 });
    expect([0, 60, 120].map((t) => linear.batchSize.at(t))).toEqual([128, 640, 3200]); // α = 5, 25
    expect([0, 60, 120].map((t) => sqrt.batchSize.at(t))).toEqual([128, 3200, 5000]); // α² = 25, 625 (capped)
    expect(sqrt.lr.at(60)).toBeCloseTo(0.1, 12); // 0.02 * √25
    expect(sqrt.lr.at(120)).toBeCloseTo(0.004 * Math.sqrt(5000 / 128), 12); // capped: the LR decays
  });

  it("'sqrt' keeps eps²/B of the original run at every t (rounded and capped B included)", () => {
    const original = cosine({ init: 3e-3, duration: 50, unit: 'epoch' });
    const r = increaseBatchInsteadOfDecay(original, { rule: 'sqrt', baseBatch: 64, maxBatch: 4096, datasetSize: 45000 });
    for (const t of grid(50, 200)) {
      const eps = original.at(t);
      const B = r.batchSize.at(t);
      expect(B).toBeGreaterThanOrEqual(64);
      expect(r.lr.at(t) ** 2 / B).toBeCloseTo(eps ** 2 / 64, 15);
      expect(r.noiseScale(t)).toBeCloseTo((eps ** 2 * 45000) / 64, 9);
    }
  });

  it('is required, and momentum (SGD) is refused with the sqrt rule', () => {
    const without = { baseBatch: 128, maxBatch: 5000 } as unknown as IncreaseBatchOptions;
    expect(() => increaseBatchInsteadOfDecay(step, without)).toThrow(/increaseBatchInsteadOfDecay\.rule: got undefined, expected "linear" \(SGD.*"sqrt" \(Adam/);
    expect(() => increaseBatchInsteadOfDecay(step, { ...without, rule: 'none' } as unknown as IncreaseBatchOptions)).toThrow(/rule: got "none"/);
    expect(() => increaseBatchInsteadOfDecay(step, { rule: 'sqrt', baseBatch: 128, maxBatch: 5000, momentum: 0.9 })).toThrow(/momentum: got 0.9/);
  });

  it('survives toJSON / fromJSON (the rule and the running peak are in the spec)', () => {
    for (const rule of ['linear', 'sqrt'] as const) {
      const lr = warmup(cosine({ init: 0.1, duration: 1, unit: 'progress' }), { duration: 0.1, from: 0.01 });
      const r = increaseBatchInsteadOfDecay(lr, { rule, baseBatch: 10, maxBatch: 1000 });
      const [batch, rate] = [roundTrip(r.batchSize), roundTrip(r.lr)];
      expect(JSON.stringify(batch.toJSON())).toContain(`"rule":"${rule}"`);
      expect(JSON.stringify(rate.toJSON())).toContain(`"rule":"${rule}"`);
      for (const t of grid(1, 100)) {
        expect(batch.at(t)).toBe(r.batchSize.at(t));
        expect(rate.at(t)).toBe(r.lr.at(t));
      }
    }
  });

  it('a batchForDecay spec saved before the rule existed loads as linear', () => {
    const old = { type: 'batchForDecay', baseBatch: 10, referenceLr: 0.1, maxBatch: 1000, lr: step.toJSON() } as ScheduleSpec;
    expect(fromJSON(old).at(60)).toBeCloseTo(50, 9);
  });
});

describe('increaseBatchInsteadOfDecay in progress units is not stretched by a step-counted run (issue 11 repro)', () => {
  const runs: [string, ClockRun][] = [
    ['epochs × stepsPerEpoch', { epochs: 10, stepsPerEpoch: 100, samplesPerEpoch: 1000 }],
    ['totalSteps', { epochs: 10, totalSteps: 1000, samplesPerEpoch: 1000 }],
  ];
  for (const [label, run] of runs) {
    it(`${label}: 10 epochs through scheduledBatches end at progress 1, B = 100, LR 0`, () => {
      const grown = increaseBatchInsteadOfDecay(cosine({ init: 0.1, duration: 1, unit: 'progress' }), { rule: 'linear', baseBatch: 10, maxBatch: 100 });
      const batch = param('batchSize', { schedule: grown.batchSize }, { domain: positiveInteger() });
      const rate = param('lr', { schedule: grown.lr }, { domain: 'nonNegative' });
      const session = createSession({ params: [batch, rate], run });
      const data = Array.from({ length: 1000 }, (_, i) => i);
      const lastEpoch: number[] = [];
      for (let epoch = 0; epoch < 10; epoch++) {
        for (const b of scheduledBatches(data, { session })) {
          if (epoch === 9) lastEpoch.push(b.length);
          session.completeUpdate({ batchSize: b.length });
        }
      }
      const end = session.clock.snapshot();
      expect(end.epoch).toBe(10);
      expect(end.progress).toBe(1); // was 0.642
      expect(batch.value).toBe(100); // was 35
      expect(rate.value).toBeCloseTo(0, 12); // was 0.0995
      expect(Math.min(...lastEpoch.slice(0, -1))).toBeGreaterThanOrEqual(95); // the last epoch runs at about maxBatch
      session.dispose();
    });
  }
});

describe('increaseBatchInsteadOfDecay on non-monotone LR schedules: growth follows only the decay after the peak so far', () => {
  const base = 10;
  /** B >= base; B = base and the original LR while the LR is at a new peak; eps/B kept (linear). */
  function checkFollowsPeak(original: Schedule, end: number, maxBatch: number, rising: (t: number) => boolean): void {
    const r = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: base, maxBatch });
    for (const t of grid(end, 400)) {
      const [B, eps] = [r.batchSize.at(t), original.at(t)];
      expect(B).toBeGreaterThanOrEqual(base);
      expect(r.lr.at(t) / B).toBeCloseTo(eps / base, 12);
      if (rising(t)) {
        expect(B).toBe(base);
        expect(r.lr.at(t)).toBeCloseTo(eps, 15);
      }
    }
  }

  it('warmup + cosine: the warmup is kept, then B grows from base as the cosine decays', () => {
    const original = warmup(cosine({ init: 0.1, duration: 20, unit: 'epoch' }), { duration: 2, from: 0.01 });
    checkFollowsPeak(original, 20, 200, (t) => t <= 2);
    const r = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: base, maxBatch: 200 });
    const t = 11; // cosine at ~half: B ≈ base · 0.1 / eps(t), LR ≈ the peak 0.1
    expect(r.batchSize.at(t)).toBe(Math.round((base * 0.1) / original.at(t)));
    expect(Math.abs(r.lr.at(t) - 0.1)).toBeLessThan(0.1 * (0.5 / r.batchSize.at(t)) + 1e-12);
    expect(r.batchSize.at(20)).toBe(200);
  });

  it('one-cycle: base batch while the LR rises (30%), then growth', () => {
    const original = oneCycle({ max: 0.01, total: 100, unit: 'epoch' });
    checkFollowsPeak(original, 100, 5000, (t) => t <= 29);
    const r = increaseBatchInsteadOfDecay(original, { rule: 'sqrt', baseBatch: base, maxBatch: 5000 });
    expect(r.batchSize.at(29)).toBe(base);
    expect(r.batchSize.at(64)).toBe(Math.round(base * (0.01 / original.at(64)) ** 2));
  });

  it('cyclic: base batch at every peak, grown in every trough, never below base', () => {
    const original = cyclic({ base: 0.001, max: 0.006, stepSizeUp: 5, unit: 'epoch' });
    checkFollowsPeak(original, 40, 1000, (t) => t <= 5);
    const r = increaseBatchInsteadOfDecay(original, { rule: 'linear', baseBatch: base, maxBatch: 1000 });
    expect([0, 5, 10, 15, 20].map((t) => r.batchSize.at(t))).toEqual([10, 10, 60, 10, 60]);
  });
});
