import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosine, cosineWarmRestarts, tanhDecay } from '../../../src/schedules/families/index.js';
import { expectClose, intLength, length, time, value } from './helpers.js';

const between = (v: number, a: number, b: number, eps: number): boolean => v >= Math.min(a, b) - eps && v <= Math.max(a, b) + eps;

describe('cosine', () => {
  it('anneals from init to min within [min, init], monotone, then holds min', () => {
    fc.assert(fc.property(value, value, length, fc.double({ min: 0.1, max: 4, noNaN: true }), fc.double({ min: 0.2, max: 3, noNaN: true }), time, time,
      (init, min, duration, exponent, k, a, b) => {
        const s = cosine({ init, min, duration, exponent, k });
        const eps = 1e-12 * (Math.abs(init) + Math.abs(min)) + 1e-300;
        expectClose(s.at(0), init, 0, eps);
        expectClose(s.at(duration), min, 0, eps);
        expect(s.at(duration * 2 + 5)).toBe(s.at(duration));
        expect(between(s.at(a), init, min, eps)).toBe(true);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        if (init >= min) expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo) + eps);
        else expect(s.at(hi)).toBeGreaterThanOrEqual(s.at(lo) - eps);
      }));
  });

  it('is half way at duration / 2 (exponent 1, k 1) and continuous', () => {
    fc.assert(fc.property(value, value, length, fc.double({ min: 0, max: 3000, noNaN: true }), (init, min, duration, t) => {
      const s = cosine({ init, min, duration });
      const eps = 1e-12 * (Math.abs(init) + Math.abs(min)) + 1e-300;
      expectClose(s.at(duration / 2), (init + min) / 2, 0, eps);
      // Lipschitz: |slope| <= pi/2 * |init - min| / duration.
      const h = duration * 1e-4;
      expect(Math.abs(s.at(t + h) - s.at(t))).toBeLessThanOrEqual((Math.PI / 2) * Math.abs(init - min) * 1e-4 * (1 + 1e-6) + eps);
    }));
  });

  it('periodic: rises again with period 2 * duration, symmetric around duration (PyTorch CosineAnnealingLR)', () => {
    fc.assert(fc.property(value, value, intLength, fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 5 }), (init, min, duration, t, n) => {
      const s = cosine({ init, min, duration, periodic: true });
      const eps = 1e-9 * (Math.abs(init) + Math.abs(min)) + 1e-300;
      expectClose(s.at(t + 2 * n * duration), s.at(t), 0, eps);
      expectClose(s.at(duration + (t % duration)), s.at(duration - (t % duration)), 0, eps);
      expectClose(s.at(2 * duration), init, 0, eps);
    }));
  });

  it('implements optax alpha/exponent and timm k-decay', () => {
    // optax: init * ((1 - alpha) * c^exponent + alpha), c = (1 + cos(pi t / T)) / 2.
    const c = (1 + Math.cos(Math.PI * 0.25)) / 2;
    expectClose(cosine({ init: 2, duration: 100, min: 0.2, exponent: 3 }).at(25), 2 * (0.9 * c ** 3 + 0.1), 1e-12);
    // timm: phase (t / T)^k.
    const ck = (1 + Math.cos(Math.PI * 0.25 ** 2)) / 2;
    expectClose(cosine({ init: 1, duration: 100, k: 2 }).at(25), ck, 1e-12);
  });
});

describe('cosineWarmRestarts', () => {
  const cycleStarts = (period: number, mult: number, n: number): number[] => {
    const starts = [0];
    let len = period;
    for (let i = 1; i < n; i++) {
      starts.push(starts[i - 1]! + len);
      len *= mult;
    }
    return starts;
  };

  it('restarts at the cycle peak init * peakDecay^i at each cycle start (integer periods and mults)', () => {
    fc.assert(fc.property(value, value, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (init, min, period, mult, decay) => {
      const s = cosineWarmRestarts({ init, min, period, periodMult: mult, peakDecay: decay });
      const eps = 1e-12 * (Math.abs(init) + Math.abs(min)) + 1e-300;
      cycleStarts(period, mult, 6).forEach((start, i) => {
        expectClose(s.at(start), init * decay ** i, 0, eps);
      });
    }));
  });

  it('with periodMult 1 and no peak decay is periodic with period `period`', () => {
    fc.assert(fc.property(value, value, intLength, fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 10 }), (init, min, period, t, n) => {
      // Right at a restart, float rounding of t + n*period can land on either side of the jump.
      const phase = t % period;
      fc.pre(phase > 1e-6 && period - phase > 1e-6);
      const s = cosineWarmRestarts({ init, min, period });
      expectClose(s.at(t + n * period), s.at(t), 0, 1e-9 * (Math.abs(init) + Math.abs(min)) + 1e-300);
    }));
  });

  it('stays within [min, peak] and decreases inside a cycle after the warmup', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), length, fc.double({ min: 1, max: 3, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), time,
      (init, minFrac, period, mult, warmFrac, t) => {
        const min = init * minFrac;
        const s = cosineWarmRestarts({ init, min, period, periodMult: mult, warmup: period * warmFrac });
        const v = s.at(t);
        expect(v).toBeGreaterThanOrEqual(min - 1e-12);
        expect(v).toBeLessThanOrEqual(init + 1e-12);
      }));
  });

  it('warms up linearly from min to the peak at the start of every cycle', () => {
    const s = cosineWarmRestarts({ init: 1, min: 0.1, period: 10, periodMult: 2, warmup: 2, peakDecay: 0.5 });
    for (const [start, peak] of [[0, 1], [10, 0.5], [30, 0.25]] as const) {
      expectClose(s.at(start), 0.1, 1e-12);
      expectClose(s.at(start + 1), 0.1 + (peak - 0.1) / 2, 1e-12);
      expectClose(s.at(start + 2), peak, 1e-12);
    }
    // Continuity at the end of a cycle: the value approaches min before the restart.
    expectClose(s.at(10 - 1e-9), 0.1, 1e-6);
  });
});

describe('tanhDecay', () => {
  it('follows timm TanhLRScheduler and is monotone within (min, init)', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), length, time, time, (init, minFrac, duration, a, b) => {
      const min = init * minFrac;
      const s = tanhDecay({ init, min, duration });
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo));
      expect(s.at(a)).toBeGreaterThanOrEqual(min);
      expect(s.at(a)).toBeLessThanOrEqual(init);
      expect(s.at(duration)).toBe(min + 0);
    }));
  });

  it('crosses the midpoint where lower * (1 - tr) + upper * tr = 0', () => {
    expectClose(tanhDecay({ init: 1, duration: 100 }).at(70), 0.5, 1e-12);
    expectClose(tanhDecay({ init: 1, duration: 100, lower: -6, upper: 4 }).at(60), 0.5, 1e-12);
    expectClose(tanhDecay({ init: 1, duration: 100 }).at(0), (1 - Math.tanh(-7)) / 2, 1e-15);
  });
});
