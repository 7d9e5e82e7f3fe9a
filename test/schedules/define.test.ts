import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bisect, justAfter } from '../../src/schedules/define.js';

describe('bisect: the search of the step-wise families', () => {
  const sortedArb = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 20 }).map((xs) => Float64Array.from(xs.sort((a, b) => a - b)));
  const x = fc.oneof(fc.integer({ min: -60, max: 60 }), fc.double({ min: -60, max: 60, noNaN: true }));

  it('right counts the entries <= x, left those < x (repeated entries included)', () => {
    fc.assert(fc.property(sortedArb, x, (sorted, v) => {
      const entries = Array.from(sorted);
      expect(bisect(sorted, sorted.length, v, true)).toBe(entries.filter((e) => e <= v).length);
      expect(bisect(sorted, sorted.length, v, false)).toBe(entries.filter((e) => e < v).length);
    }));
  });

  it('searches only the first `length` entries', () => {
    const sorted = Float64Array.of(1, 2, 3, 4);
    expect(bisect(sorted, 2, 10, true)).toBe(2);
    expect(bisect(sorted, 0, 10, true)).toBe(0);
  });
});

describe('justAfter', () => {
  it('is the next double up', () => {
    for (const v of [0, 1, 0.1, 5, 1e300]) {
      const next = justAfter(v);
      expect(next).toBeGreaterThan(v);
      expect((v + next) / 2 === v || (v + next) / 2 === next).toBe(true);
    }
  });
});
