import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constant, cosine, withNoise } from '../../../src/schedules/families/index.js';
import { fromJSON } from '../../../src/schedules/json.js';

const one = constant({ value: 1 });

describe('withNoise', () => {
  it('is pure: the value at t depends on (seed, floor(t)) only, in any call order', () => {
    fc.assert(fc.property(fc.integer(), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (seed, ts) => {
      const a = withNoise(one, { seed });
      const b = withNoise(one, { seed });
      const forward = ts.map((t) => a.at(t));
      const backward = [...ts].reverse().map((t) => b.at(t)).reverse();
      expect(forward).toEqual(backward);
      for (const t of ts) expect(a.at(t)).toBe(a.at(Math.floor(t) + 0.999 * (t - Math.floor(t))));
    }));
  });

  it('keeps the relative noise inside (-pct, pct) and leaves values outside the range alone', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 5, noNaN: true }), fc.constantFrom<'normal' | 'uniform'>('normal', 'uniform'), fc.integer({ min: 0, max: 1e9 }), fc.integer(),
      (pct, std, type, t, seed) => {
        const base = cosine({ init: 2, duration: 1e9, min: 1 });
        const s = withNoise(base, { pct, std, type, seed, range: [100, 1e8] });
        const ratio = s.at(t) / base.at(t);
        if (t < 100 || t >= 1e8) expect(ratio).toBe(1);
        else expect(Math.abs(ratio - 1)).toBeLessThan(pct * (1 + 1e-12));
      }));
  });

  it('has the truncated-normal / uniform statistics and depends on the seed', () => {
    const n = 20_000;
    const stats = (type: 'normal' | 'uniform', seed: number) => {
      const s = withNoise(one, { type, seed });
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const e = s.at(i) - 1;
        sum += e;
        sq += e * e;
      }
      return { mean: sum / n, sd: Math.sqrt(sq / n - (sum / n) ** 2) };
    };
    // N(0,1) truncated to |z| < 0.67 has sd 0.3755; uniform on (-0.67, 0.67) has sd 0.67/sqrt(3) = 0.3868.
    const normal = stats('normal', 42);
    expect(Math.abs(normal.mean)).toBeLessThan(0.01);
    expect(normal.sd).toBeGreaterThan(0.365);
    expect(normal.sd).toBeLessThan(0.386);
    const uniform = stats('uniform', 42);
    expect(Math.abs(uniform.mean)).toBeLessThan(0.01);
    expect(uniform.sd).toBeGreaterThan(0.38);
    expect(uniform.sd).toBeLessThan(0.394);
    const a = withNoise(one, { seed: 1 });
    const b = withNoise(one, { seed: 2 });
    let differ = 0;
    for (let i = 0; i < 100; i++) if (a.at(i) !== b.at(i)) differ++;
    expect(differ).toBeGreaterThan(95);
  });

  it('serialises its child and round-trips through fromJSON', () => {
    const s = withNoise(cosine({ init: 0.1, duration: 100, unit: 'epoch' }), { range: [5, 50], seed: 3, type: 'uniform', pct: 0.2 });
    const spec = s.toJSON();
    expect(spec).toMatchObject({ type: 'withNoise', unit: 'epoch', range: [5, 50], seed: 3, noiseType: 'uniform', schedule: { type: 'cosine', unit: 'epoch' } });
    const back = fromJSON(JSON.parse(JSON.stringify(spec)));
    for (let t = 0; t < 60; t += 0.5) expect(back.at(t)).toBe(s.at(t));
  });

  it('resolves its range in the child unit and rejects a conflicting unit', () => {
    const s = withNoise(cosine({ init: 1, duration: 1000 }), { range: ['1ep', '2ep'] }, { run: { stepsPerEpoch: 100 } });
    expect(s.toJSON().range).toEqual([100, 200]);
    expect(() => withNoise(one, { unit: 'epoch' } as never)).toThrow(/withNoise\.unit/);
  });
});
