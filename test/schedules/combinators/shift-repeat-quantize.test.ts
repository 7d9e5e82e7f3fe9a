import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantize, repeat, shift } from '../../../src/index.js';
import { anyLeafDesc, expectError, leaf, num, time } from './leaves.js';

describe('shift', () => {
  it('at(t) = child.at(max(0, t - offset))', () => {
    fc.assert(fc.property(anyLeafDesc, num(0, 500), time(), (d, offset, t) => {
      const child = leaf(d);
      const s = shift(child, offset);
      expect(s.at(t)).toBe(child.at(Math.max(0, t - offset)));
      expect(s.at(offset * (1 - 1e-9) * Math.min(1, t))).toBe(child.at(0));
    }));
  });

  it('takes time strings and rejects negative offsets', () => {
    const child = leaf({ kind: 'affine', a: 0, b: 1 }, 'epoch');
    expect(shift(child, '100ba', { run: { stepsPerEpoch: 50 } }).at(5)).toBe(3);
    expectError(() => shift(child, -1), 'shift.offset');
    expectError(() => shift(child, '1ba'), 'shift.offset (run.stepsPerEpoch)');
  });
});

describe('repeat', () => {
  it('is periodic with its period and equals the child over the first period (integer grid, exact)', () => {
    fc.assert(fc.property(anyLeafDesc, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 20 }), (d, p, t, k) => {
      const child = leaf(d);
      const r = repeat(child, p);
      expect(r.at(t + k * p)).toBe(r.at(t));
      expect(r.at(t % p)).toBe(child.at(t % p));
    }));
  });

  it('is periodic for fractional periods up to rounding (continuous children)', () => {
    fc.assert(fc.property(num(0.1, 10), num(-1, 1), num(0.5, 50), num(0, 0.999), fc.integer({ min: 0, max: 50 }), (a, b, p, u, k) => {
      const r = repeat(leaf({ kind: 'affine', a, b }), p);
      expect(r.at(u * p + k * p)).toBeCloseTo(a + b * u * p, 6);
      // A multiple of the period computed in floating point restarts the child (it does not
      // jump to the child's value at the end of the period).
      expect(r.at(k * p)).toBeCloseTo(a, 9);
    }));
  });

  it('rejects a zero or negative period', () => {
    const child = leaf({ kind: 'affine', a: 1, b: 0 });
    expectError(() => repeat(child, 0), 'repeat.period');
    expectError(() => repeat(child, -3), 'repeat.period');
    expectError(() => repeat(child, '0ba'), 'repeat.period');
  });
});

describe('quantize', () => {
  it('is constant on each [k*every, (k+1)*every) and equals the child on the grid', () => {
    fc.assert(fc.property(anyLeafDesc, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 200 }), num(0, 0.999999), (d, every, k, u) => {
      const child = leaf(d);
      const q = quantize(child, every);
      expect(q.at(k * every)).toBe(child.at(k * every));
      expect(q.at((k + u) * every)).toBe(child.at(k * every));
    }));
  });

  it('defaults to whole units (PyTorch per-epoch stepping) and snaps float noise onto the grid', () => {
    const child = leaf({ kind: 'affine', a: 0, b: 1 }, 'epoch');
    const q = quantize(child);
    expect(q.at(2.999)).toBe(2);
    expect(q.at(3)).toBe(3);
    // 0.3 / 0.1 = 2.9999999999999996 in floating point, but 0.3 is the third grid point.
    expect(quantize(child, 0.1).at(0.3)).toBe(child.at(3 * 0.1));
  });

  it('quantizes a step schedule to whole epochs with a time string', () => {
    const child = leaf({ kind: 'affine', a: 0, b: 1 });
    const q = quantize(child, '1ep', { run: { stepsPerEpoch: 88 } });
    expect(q.at(87)).toBe(0);
    expect(q.at(88)).toBe(88);
    expect(q.at(200)).toBe(176);
    expect(q.toJSON()).toMatchObject({ type: 'quantize', unit: 'step', every: 88 });
  });

  it('rejects a non-positive grid', () => {
    const child = leaf({ kind: 'affine', a: 1, b: 0 });
    expectError(() => quantize(child, 0), 'quantize.every');
    expectError(() => quantize(child, Number.NaN), 'quantize.every');
  });
});
