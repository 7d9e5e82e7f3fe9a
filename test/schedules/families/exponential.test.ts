import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialDecay, inverseSqrt, inverseTime } from '../../../src/schedules/families/index.js';
import { expectClose, length, time } from './helpers.js';

const positiveInit = fc.double({ min: 1e-3, max: 10, noNaN: true });
const decayRate = fc.double({ min: 0.05, max: 0.999, noNaN: true });
const t0 = fc.double({ min: 0, max: 2000, noNaN: true });

describe('exponentialDecay', () => {
  it('is PyTorch ExponentialLR with the defaults: init * rate^t', () => {
    fc.assert(fc.property(positiveInit, decayRate, fc.integer({ min: 0, max: 300 }), (init, rate, t) => {
      expectClose(exponentialDecay({ init, rate }).at(t), init * rate ** t, 1e-12, 1e-300);
    }));
  });

  it('multiplies by rate every `every` after begin, and is init before begin', () => {
    fc.assert(fc.property(positiveInit, decayRate, length, fc.double({ min: 0, max: 100, noNaN: true }), t0, (init, rate, every, begin, t) => {
      const s = exponentialDecay({ init, rate, every, begin });
      expect(s.at(begin * 0.5)).toBe(init);
      expectClose(s.at(begin + t + every), s.at(begin + t) * rate, 1e-9, 1e-300);
    }));
  });

  it('with staircase is constant within each `every` interval', () => {
    fc.assert(fc.property(positiveInit, decayRate, length, fc.integer({ min: 0, max: 20 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (init, rate, every, k, f) => {
      const s = exponentialDecay({ init, rate, every, staircase: true });
      expectClose(s.at((k + f) * every), init * rate ** k, 1e-12, 1e-300);
    }));
  });

  it('never passes `end`: a floor when decaying, a ceiling when growing', () => {
    fc.assert(fc.property(positiveInit, decayRate, fc.double({ min: 0, max: 5, noNaN: true }), time, (init, rate, end, t) => {
      expect(exponentialDecay({ init, rate, end }).at(t)).toBeGreaterThanOrEqual(end);
      expect(exponentialDecay({ init, rate: 1 / rate, end }).at(t)).toBeLessThanOrEqual(end);
    }));
  });

  it('is monotone: non-increasing for rate < 1', () => {
    fc.assert(fc.property(positiveInit, decayRate, length, fc.boolean(), time, time, (init, rate, every, staircase, a, b) => {
      const s = exponentialDecay({ init, rate, every, staircase });
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo));
    }));
  });
});

describe('inverseTime', () => {
  it('matches the Keras InverseTimeDecay docs example shape: init / (1 + rate * t / every)', () => {
    const s = inverseTime({ init: 0.1, rate: 0.5, every: 1 });
    expect(s.at(0)).toBe(0.1);
    expect(s.at(2)).toBe(0.05);
    expect(inverseTime({ init: 0.1, rate: 0.5, every: 10, staircase: true }).at(19)).toBeCloseTo(0.1 / 1.5, 15);
  });

  it('has a reciprocal that grows linearly in t', () => {
    fc.assert(fc.property(positiveInit, fc.double({ min: 0, max: 5, noNaN: true }), length, t0, fc.double({ min: 0, max: 100, noNaN: true }), (init, rate, every, t, h) => {
      const s = inverseTime({ init, rate, every });
      expectClose(init / s.at(t), 1 + (rate * t) / every, 1e-12);
      // Equal time steps add equal amounts to the reciprocal.
      expectClose(init / s.at(t + h) - init / s.at(t), (rate * h) / every, 1e-6, 1e-9 * (1 + (rate * t) / every));
    }));
  });
});

describe('inverseSqrt', () => {
  it('matches Hugging Face get_inverse_sqrt_schedule numbers', () => {
    const s = inverseSqrt({ init: 1, warmup: 4 }); // timescale defaults to warmup
    expect([0, 2, 4, 16, 64].map((t) => s.at(t))).toEqual([0, 0.5, 1, 0.5, 0.25]);
    expect(inverseSqrt({ init: 1 }).toJSON().timescale).toBe(10_000);
    expect(inverseSqrt({ init: 1 }).at(30_000)).toBe(0.5);
  });

  it('ramps linearly to init at the end of the warmup, then decays as 1/sqrt', () => {
    fc.assert(fc.property(positiveInit, fc.double({ min: 1, max: 500, noNaN: true }), fc.option(length, { nil: undefined }), t0, (init, warmup, timescale, t) => {
      const s = inverseSqrt({ init, warmup, ...(timescale === undefined ? {} : { timescale }) });
      expectClose(s.at(warmup), init, 1e-12);
      expectClose(s.at(warmup / 2), init / 2, 1e-12);
      const ts = s.toJSON().timescale as number;
      const after = warmup + t;
      // at(t)^2 * (t + timescale - warmup) is constant after the warmup.
      expectClose(s.at(after) ** 2 * (after + ts - warmup), init ** 2 * ts, 1e-9);
      expect(s.at(after + 1)).toBeLessThan(s.at(after));
    }));
  });
});
