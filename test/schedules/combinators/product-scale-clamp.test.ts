import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clamp, product, scale, type Schedule } from '../../../src/index.js';
import { anyLeafDesc, expectError, leaf, num, positiveLeafDesc, time } from './leaves.js';

describe('product', () => {
  it('is the pointwise product of its children', () => {
    fc.assert(fc.property(fc.array(anyLeafDesc, { minLength: 1, maxLength: 5 }), time(), (descs, t) => {
      const children = descs.map((d) => leaf(d));
      const expected = children.reduce((acc, c) => acc * c.at(t), 1);
      expect(product(children).at(t)).toBeCloseTo(expected, 12);
    }));
  });

  it('a base times factors in [0, 1] stays within [0, base] (ChainedScheduler of decays)', () => {
    const factor = positiveLeafDesc.map((d) => clamp(leaf(d), { max: 1 }));
    fc.assert(fc.property(positiveLeafDesc, fc.array(factor, { minLength: 1, maxLength: 4 }), time(), (base, factors, t) => {
      const b = leaf(base);
      const v = product([b, ...factors]).at(t);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(b.at(t));
    }));
  });

  it('rejects an empty list and mixed units', () => {
    expectError(() => product([]), 'product.schedules');
    expectError(() => product('x' as unknown as Schedule[]), 'product.schedules');
    expectError(() => product([leaf({ kind: 'affine', a: 1, b: 0 }), leaf({ kind: 'affine', a: 1, b: 0 }, 'sample')]), 'product.schedules[1].unit');
  });
});

describe('scale', () => {
  it('multiplies by the factor; scaling twice multiplies the factors', () => {
    fc.assert(fc.property(anyLeafDesc, num(-10, 10), num(-10, 10), time(), (d, k1, k2, t) => {
      const child = leaf(d);
      // A factor of -0 is read as 0, like every number argument (JSON cannot carry -0).
      expect(scale(child, k1).at(t)).toBe((k1 + 0) * child.at(t));
      expect(scale(scale(child, k1), k2).at(t)).toBeCloseTo(k1 * k2 * child.at(t), 10);
    }));
  });

  it('rejects a non-finite factor', () => {
    expectError(() => scale(leaf({ kind: 'affine', a: 1, b: 0 }), Number.NaN), 'scale.factor');
    expectError(() => scale(leaf({ kind: 'affine', a: 1, b: 0 }), Number.POSITIVE_INFINITY), 'scale.factor');
  });
});

describe('clamp', () => {
  const bounds = fc.tuple(num(-5, 5), num(-5, 5)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));

  it('stays within [min, max], equals the child inside, and is idempotent', () => {
    fc.assert(fc.property(anyLeafDesc, bounds, time(), (d, { min, max }, t) => {
      const child = leaf(d);
      const c = clamp(child, { min, max });
      const v = c.at(t);
      expect(v).toBeGreaterThanOrEqual(min);
      expect(v).toBeLessThanOrEqual(max);
      const raw = child.at(t);
      if (raw >= min && raw <= max) expect(v).toBe(raw);
      expect(clamp(c, { min, max }).at(t)).toBe(v);
    }));
  });

  it('one-sided bounds leave the other side free', () => {
    const child = leaf({ kind: 'affine', a: 0, b: 1 });
    expect(clamp(child, { min: 2 }).at(100)).toBe(100);
    expect(clamp(child, { min: 2 }).at(0)).toBe(2);
    expect(clamp(child, { max: 2 }).at(100)).toBe(2);
    expect(clamp(child, { max: 2 }).toJSON()).not.toHaveProperty('min');
  });

  it('rejects missing, non-finite or crossed bounds', () => {
    const child = leaf({ kind: 'affine', a: 1, b: 0 });
    expectError(() => clamp(child, {}), 'clamp.bounds');
    expectError(() => clamp(child, { min: Number.NaN }), 'clamp.min');
    expectError(() => clamp(child, { max: Number.NEGATIVE_INFINITY }), 'clamp.max');
    expectError(() => clamp(child, { min: 2, max: 1 }), 'clamp.max');
  });
});
