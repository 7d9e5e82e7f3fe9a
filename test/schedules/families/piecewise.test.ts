import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { piecewiseConstant, piecewiseLinear } from '../../../src/schedules/families/index.js';
import { expectClose, time, value } from './helpers.js';

const increasing = (n: number) => fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }).map((xs) => [...xs].sort((a, b) => a - b));

describe('piecewiseConstant', () => {
  it('takes values[i] on (boundaries[i-1], boundaries[i]] (Keras semantics)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(increasing(n), fc.array(value, { minLength: n + 1, maxLength: n + 1 }))), time, ([boundaries, values], t) => {
      const s = piecewiseConstant({ boundaries, values });
      const x = Math.max(t, 0);
      const index = boundaries.filter((b) => b < x).length;
      expect(s.at(t)).toBe(values[index]! + 0);
      boundaries.forEach((b, i) => {
        expect(s.at(b)).toBe(values[i]! + 0);
        expect(s.at(b + 1e-9 * Math.max(1, b))).toBe(values[i + 1]! + 0);
      });
    }));
  });
});

describe('piecewiseConstant atBoundary: next', () => {
  it('switches at the boundary (PyTorch ConstantLR / MultiStepLR style)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(increasing(n), fc.array(value, { minLength: n + 1, maxLength: n + 1 }))), time, ([boundaries, values], t) => {
      const s = piecewiseConstant({ boundaries, values, atBoundary: 'next' });
      expect(s.at(t)).toBe(values[boundaries.filter((b) => b <= Math.max(t, 0)).length]! + 0);
      boundaries.forEach((b, i) => expect(s.at(b)).toBe(values[i + 1]! + 0));
    }));
    // ConstantLR(factor 0.5, total_iters 4) on base 0.1.
    const c = piecewiseConstant({ boundaries: [4], values: [0.05, 0.1], atBoundary: 'next' });
    expect([0, 3, 3.9, 4, 10].map((t) => c.at(t))).toEqual([0.05, 0.05, 0.05, 0.1, 0.1]);
  });
});

describe('piecewiseLinear', () => {
  const pointsArb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(increasing(n), fc.array(value, { minLength: n, maxLength: n })));

  it('passes through every point, stays between neighbours, and is constant outside', () => {
    fc.assert(fc.property(pointsArb, fc.constantFrom<'linear' | 'cosine'>('linear', 'cosine'), time, ([times, values], shape, t) => {
      const s = piecewiseLinear({ points: times.map((x, i) => [x, values[i]!] as const), shape });
      times.forEach((x, i) => expectClose(s.at(x), values[i]!, 1e-12, 1e-300));
      expect(s.at(times[0]! - 10)).toBe(values[0]! + 0);
      expect(s.at(times.at(-1)! + 10)).toBe(values.at(-1)! + 0);
      const i = times.findIndex((x) => x > t);
      if (i > 0) {
        const [a, b] = [values[i - 1]!, values[i]!];
        const eps = 1e-12 * (Math.abs(a) + Math.abs(b));
        expect(s.at(t)).toBeGreaterThanOrEqual(Math.min(a, b) - eps);
        expect(s.at(t)).toBeLessThanOrEqual(Math.max(a, b) + eps);
      }
    }));
  });

  it('interpolates linearly (NumPy interp) or with a half cosine', () => {
    const points = [[0, 0], [10, 1], [30, 0.1]] as const;
    expectClose(piecewiseLinear({ points }).at(20), 0.55, 1e-12);
    expectClose(piecewiseLinear({ points, shape: 'cosine' }).at(5), 0.5, 1e-12);
    expectClose(piecewiseLinear({ points, shape: 'cosine' }).at(2.5), (1 - Math.cos(Math.PI / 4)) / 2, 1e-12);
  });
});
