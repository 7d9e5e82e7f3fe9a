import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linear, polynomial } from '../../../src/schedules/families/index.js';
import { expectClose, length, time, value } from './helpers.js';

const power = fc.double({ min: 0, max: 5, noNaN: true });

describe('linear', () => {
  it('goes from init to end over duration, linearly, then stays at end', () => {
    fc.assert(fc.property(value, value, length, fc.double({ min: 0, max: 1, noNaN: true }), (init, end, duration, f) => {
      const s = linear({ init, end, duration });
      expect(s.at(0)).toBe(init + 0);
      expect(s.at(duration)).toBe(end + 0);
      expect(s.at(duration * 3)).toBe(end + 0);
      expectClose(s.at(duration * f), init + (end - init) * f, 1e-9, 1e-12);
    }));
  });

  it('is PyTorch LinearLR(startFactor 1/3, endFactor 1, totalIters 5) on base 0.05', () => {
    const s = linear({ init: 0.05 / 3, end: 0.05, duration: 5 });
    [0.05 / 3, 0.05 * (1 / 3 + (2 / 3) * 0.2), 0.05 * (1 / 3 + (2 / 3) * 0.4)].forEach((v, t) => expectClose(s.at(t), v, 1e-12));
  });
});

describe('polynomial', () => {
  it('goes from init to end, monotone, and stays at end (no cycle)', () => {
    fc.assert(fc.property(value, value, length, power, time, time, (init, end, duration, p, a, b) => {
      const s = polynomial({ init, end, duration, power: p });
      // (init - end) + end is init only up to rounding, as in Keras.
      const scale = 1e-12 * Math.max(Math.abs(init), Math.abs(end));
      expectClose(s.at(0), init, 0, scale);
      expectClose(s.at(duration), p === 0 ? init : end, 0, scale);
      const [lo, hi] = a < b ? [a, b] : [b, a];
      if (init >= end) expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo) + 1e-12);
      else expect(s.at(hi)).toBeGreaterThanOrEqual(s.at(lo) - 1e-12);
    }));
  });

  it('is PyTorch PolynomialLR with end = 0: init * (1 - min(t, T)/T)^power', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.integer({ min: 1, max: 100 }), power, fc.integer({ min: 0, max: 300 }), (init, T, p, t) => {
      expectClose(polynomial({ init, duration: T, power: p }).at(t), init * (1 - Math.min(t, T) / T) ** p, 1e-12, 1e-300);
    }));
  });

  it('with Keras cycle reaches end at every multiple of duration and restarts with a longer decay', () => {
    // Integer durations keep k * duration / duration exact (ceil at a float boundary is Keras's too).
    fc.assert(fc.property(value, value, fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.1, max: 5, noNaN: true }), fc.integer({ min: 1, max: 20 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (init, end, duration, p, k, f) => {
      const s = polynomial({ init, end, duration, power: p, cycle: true });
      expectClose(s.at(k * duration), end, 1e-9, 1e-9);
      // Inside (k, k+1] durations the decay length is (k+1) * duration.
      const t = (k + f) * duration;
      expectClose(s.at(t), (init - end) * (1 - t / ((k + 1) * duration)) ** p + end, 1e-9, 1e-9);
    }));
  });
});
