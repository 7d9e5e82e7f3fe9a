import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cyclic, oneCycle, oneCycleMomentum } from '../../../src/schedules/families/index.js';
import { expectClose, intLength, time, value } from './helpers.js';

describe('cyclic', () => {
  it('triangular: periodic with period up + down, base at cycle starts and max at the top', () => {
    fc.assert(fc.property(value, value, intLength, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 2000, noNaN: true }),
      (base, max, up, down, k, t) => {
        const s = cyclic({ base, max, stepSizeUp: up, stepSizeDown: down });
        const eps = 1e-9 * (Math.abs(base) + Math.abs(max)) + 1e-300;
        const period = up + down;
        expectClose(s.at(k * period), base, 0, eps);
        expectClose(s.at(k * period + up), down === 0 ? base : max, 0, eps);
        expectClose(s.at(t + period), s.at(t), 0, eps);
        const v = s.at(t);
        expect(v).toBeGreaterThanOrEqual(Math.min(base, max) - eps);
        expect(v).toBeLessThanOrEqual(Math.max(base, max) + eps);
      }));
  });

  it('rises linearly on the way up and falls linearly on the way down', () => {
    const s = cyclic({ base: 1, max: 5, stepSizeUp: 4, stepSizeDown: 8 });
    const expected = [1, 2, 3, 5, 4, 3, 1, 2];
    [0, 1, 2, 4, 6, 8, 12, 13].forEach((t, i) => expectClose(s.at(t), expected[i]!, 1e-12));
  });

  it('triangular2 halves the amplitude every cycle; exp_range scales it by gamma^t', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 8 }), fc.double({ min: 0.9, max: 1, noNaN: true }), (up, c, gamma) => {
      const peakAt = c * 2 * up + up;
      expectClose(cyclic({ base: 1, max: 3, stepSizeUp: up, mode: 'triangular2' }).at(peakAt), 1 + 2 / 2 ** c, 1e-12);
      expectClose(cyclic({ base: 1, max: 3, stepSizeUp: up, mode: 'exp_range', gamma }).at(peakAt), 1 + 2 * gamma ** peakAt, 1e-12);
    }));
  });

  it('with max < base is the inverted cycle PyTorch uses for momentum', () => {
    const m = cyclic({ base: 0.9, max: 0.8, stepSizeUp: 10 });
    expect(m.at(0)).toBe(0.9);
    expectClose(m.at(10), 0.8, 1e-15);
    expectClose(m.at(5), 0.85, 1e-12);
  });
});

describe('oneCycle', () => {
  const arb = fc.record({
    max: fc.double({ min: 1e-4, max: 10, noNaN: true }),
    total: fc.integer({ min: 20, max: 5000 }),
    pctStart: fc.double({ min: 0.1, max: 0.45, noNaN: true }),
    anneal: fc.constantFrom<'cos' | 'linear'>('cos', 'linear'),
    divFactor: fc.double({ min: 1.5, max: 100, noNaN: true }),
    finalDivFactor: fc.double({ min: 1.5, max: 1e5, noNaN: true }),
    threePhase: fc.boolean(),
  });

  it('starts at max/divFactor, peaks at max at step pctStart*total - 1, ends at the final value at total - 1', () => {
    fc.assert(fc.property(arb, (a) => {
      const s = oneCycle(a);
      const initial = a.max / a.divFactor;
      const final = initial / a.finalDivFactor;
      const peakAt = a.pctStart * a.total - 1;
      expectClose(s.at(0), initial, 1e-12);
      expectClose(s.at(peakAt), a.max, 1e-12);
      expectClose(s.at(a.total - 1), final, 1e-9);
      expectClose(s.at(a.total + 10), s.at(a.total - 1), 1e-12);
      if (a.threePhase) expectClose(s.at(2 * a.pctStart * a.total - 2), initial, 1e-9);
    }));
  });

  it('rises monotonically to the peak, then falls monotonically, staying within [final, max]', () => {
    fc.assert(fc.property(arb, time, time, (a, t1, t2) => {
      const s = oneCycle(a);
      const peakAt = a.pctStart * a.total - 1;
      const [lo, hi] = t1 < t2 ? [t1, t2] : [t2, t1];
      const eps = 1e-12 * a.max;
      if (hi <= peakAt) expect(s.at(hi)).toBeGreaterThanOrEqual(s.at(lo) - eps);
      if (lo >= peakAt) expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo) + eps);
      expect(s.at(t1)).toBeLessThanOrEqual(a.max + eps);
      expect(s.at(t1)).toBeGreaterThanOrEqual(a.max / a.divFactor / a.finalDivFactor - eps);
    }));
  });

  it('momentum moves inversely to the learning rate (the same phase fractions)', () => {
    fc.assert(fc.property(arb, fc.double({ min: 0.5, max: 0.9, noNaN: true }), fc.double({ min: 0.01, max: 0.099, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (a, base, gap, f) => {
        const lr = oneCycle({ ...a, threePhase: false });
        const m = oneCycleMomentum({ base, max: base + gap, total: a.total, pctStart: a.pctStart, anneal: a.anneal });
        const initial = a.max / a.divFactor;
        const final = initial / a.finalDivFactor;
        const peakAt = a.pctStart * a.total - 1;
        const t1 = f * peakAt;
        expectClose((lr.at(t1) - initial) / (a.max - initial), (base + gap - m.at(t1)) / gap, 1e-6, 1e-9);
        const t2 = peakAt + f * (a.total - 1 - peakAt);
        expectClose((lr.at(t2) - final) / (a.max - final), (base + gap - m.at(t2)) / gap, 1e-6, 1e-9);
      }));
  });

  it('momentum: max -> base -> max, and with threePhase held at max in the last phase', () => {
    const m = oneCycleMomentum({ total: 100, threePhase: true });
    expect(m.at(0)).toBe(0.95);
    expectClose(m.at(29), 0.85, 1e-15);
    expectClose(m.at(58), 0.95, 1e-15);
    for (const t of [59, 70, 99, 150]) expect(m.at(t)).toBe(0.95);
  });
});
