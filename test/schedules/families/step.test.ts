import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constant, multiStepDecay, stepDecay } from '../../../src/schedules/families/index.js';
import { expectClose, length, time, value } from './helpers.js';

const gammaDecay = fc.double({ min: 0, max: 1, noNaN: true });

describe('constant', () => {
  it('has the same value at every time', () => {
    fc.assert(fc.property(value, time, (v, t) => constant({ value: v }).at(t) === v + 0));
  });
});

describe('stepDecay', () => {
  it('matches PyTorch StepLR known numbers', () => {
    const lr = stepDecay({ init: 0.05, stepSize: 30, gamma: 0.1 });
    // From the PyTorch docs example: 0.05 for epochs < 30, 0.005 for < 60, 0.0005 for < 90.
    expect([0, 29, 30, 59, 60, 89].map((t) => lr.at(t))).toEqual([0.05, 0.05, 0.05 * 0.1, 0.05 * 0.1, 0.05 * 0.1 ** 2, 0.05 * 0.1 ** 2]);
  });

  it('is constant on [k*s, (k+1)*s) and multiplies by gamma from one interval to the next', () => {
    fc.assert(fc.property(value, length, fc.double({ min: 0.01, max: 1.5, noNaN: true }), fc.integer({ min: 0, max: 20 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      (init, stepSize, gamma, k, frac) => {
        // Mid-interval times: at an exact multiple, k * s / s may round to just below k.
        const s = stepDecay({ init, stepSize, gamma });
        const a = s.at((k + 0.5) * stepSize);
        expectClose(s.at((k + frac) * stepSize), a, 1e-12, 1e-300);
        expectClose(s.at((k + 1 + frac) * stepSize), a * gamma, 1e-12, 1e-300);
      }));
  });

  it('never increases for gamma <= 1 and init >= 0', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 10, noNaN: true }), length, gammaDecay, time, time, (init, stepSize, gamma, a, b) => {
      const s = stepDecay({ init, stepSize, gamma });
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(s.at(hi)).toBeLessThanOrEqual(s.at(lo));
    }));
  });
});

describe('multiStepDecay', () => {
  it('equals init * gamma^(number of milestones <= t)', () => {
    fc.assert(fc.property(value, fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }), gammaDecay, time, (init, raw, gamma, t) => {
      const milestones = [...raw].sort((a, b) => a - b);
      const count = milestones.filter((m) => m <= Math.max(t, 0)).length;
      expectClose(multiStepDecay({ init, milestones, gamma }).at(t), init * gamma ** count, 1e-12, 1e-300);
    }));
  });

  it('changes exactly at the milestones (PyTorch: the decay applies at t = milestone)', () => {
    const lr = multiStepDecay({ init: 1, milestones: [30, 80], gamma: 0.1 });
    expect([29.999, 30, 79.999, 80, 1000].map((t) => lr.at(t))).toEqual([1, 0.1, 0.1, 0.1 ** 2, 0.1 ** 2]);
  });
});
