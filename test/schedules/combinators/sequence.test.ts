import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequence, type Schedule } from '../../../src/index.js';
import { anyLeafDesc, expectError, leaf, num } from './leaves.js';

/** 1..4 children with strictly increasing integer boundaries. */
const chain = fc.array(anyLeafDesc, { minLength: 1, maxLength: 4 }).chain((descs) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: descs.length - 1, maxLength: descs.length - 1 })
    .map((b) => ({ children: descs.map((d) => leaf(d)), boundaries: [...b].sort((x, y) => x - y) })));

describe('sequence', () => {
  it('runs child i on [b[i-1], b[i]) in local time t - b[i-1] (restart at each boundary)', () => {
    fc.assert(fc.property(chain, num(0, 1), ({ children, boundaries }, u) => {
      const s = sequence(children, boundaries);
      const starts = [0, ...boundaries];
      const ends = [...boundaries, 2000];
      children.forEach((child, i) => {
        const start = starts[i]!;
        const t = start + u * (ends[i]! - start);
        if (t < ends[i]!) expect(s.at(t)).toBe(child.at(t - start));
        // Exactly at its boundary a child starts at its own time 0.
        expect(s.at(start)).toBe(child.at(0));
      });
    }));
  });

  it('is continuous at a boundary where the next child starts where the previous one got to', () => {
    // Affine children a_i + slope_i * t chained so each starts at the previous one's end value.
    const slopes = fc.array(num(-1, 1), { minLength: 2, maxLength: 5 });
    fc.assert(fc.property(slopes, num(-10, 10), fc.integer({ min: 1, max: 200 }), (bs, a0, len) => {
      const boundaries = bs.slice(1).map((_, i) => (i + 1) * len);
      let a = a0;
      const children: Schedule[] = bs.map((b) => {
        const child = leaf({ kind: 'affine', a, b });
        a += b * len;
        return child;
      });
      const s = sequence(children, boundaries);
      for (const b of boundaries) {
        const eps = 1e-6;
        expect(Math.abs(s.at(b) - s.at(b - eps))).toBeLessThanOrEqual(eps + 1e-9);
      }
    }));
  });

  it('a single child with no boundaries is the child', () => {
    const child = leaf({ kind: 'exp', init: 1, gamma: 0.9 });
    const s = sequence([child], []);
    for (const t of [0, 3.5, 100]) expect(s.at(t)).toBe(child.at(t));
  });

  it('resolves time-string boundaries and serialises resolved numbers', () => {
    const s = sequence([leaf({ kind: 'affine', a: 1, b: 0 }), leaf({ kind: 'affine', a: 2, b: 0 })], ['2ep'], { run: { stepsPerEpoch: 10 } });
    expect(s.at(19)).toBe(1);
    expect(s.at(20)).toBe(2);
    expect(s.toJSON()).toMatchObject({ type: 'sequence', unit: 'step', boundaries: [20] });
  });

  it('rejects bad arguments naming the field', () => {
    const a = leaf({ kind: 'affine', a: 1, b: 0 });
    const b = leaf({ kind: 'affine', a: 2, b: 0 });
    const c = leaf({ kind: 'affine', a: 3, b: 0 });
    expectError(() => sequence([], []), 'sequence.schedules');
    expectError(() => sequence([a, b], []), 'sequence.boundaries');
    expectError(() => sequence([a, b], [1, 2]), 'sequence.boundaries');
    expectError(() => sequence([a, b, c], [10, 5]), 'sequence.boundaries[1]');
    expectError(() => sequence([a, b, c], [10, 10]), 'sequence.boundaries[1]');
    expectError(() => sequence([a, b], [-1]), 'sequence.boundaries[0]');
    expectError(() => sequence([a, b], [Number.NaN]), 'sequence.boundaries[0]');
    expectError(() => sequence([a, b], ['1ep']), 'sequence.boundaries[0] (run.stepsPerEpoch)');
    expectError(() => sequence([a, leaf({ kind: 'affine', a: 2, b: 0 }, 'epoch')], [5]), 'sequence.schedules[1].unit');
    expectError(() => sequence([a, null as unknown as Schedule], [5]), 'sequence.schedules[1]');
  });
});
