import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import { expandSweep, linspace, logspace, parseSweepConfig, trialId, type SweepConfig } from '../../../src/node/sweep/config.js';

describe('logspace / linspace', () => {
  it('matches the study grid (numpy.logspace(-5, -2, 10), as logged in ../shared/reference)', () => {
    const grid = logspace(1e-5, 1e-2, 10);
    // Values printed by PyTorch/NumPy in seed-results.csv.
    const want = [1e-5, 2.1544346900318823e-5, 4.641588833612782e-5, 1e-4, 2.1544346900318823e-4, 4.6415888336127773e-4, 1e-3, 2.154434690031882e-3, 4.641588833612777e-3, 1e-2];
    grid.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 17 - Math.ceil(-Math.log10(want[i]!))));
    grid.forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(1e-14));
    expect(linspace(10, 50, 9)).toEqual([10, 15, 20, 25, 30, 35, 40, 45, 50]);
  });

  it('is monotone with exact ends (property)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-8, max: 1, noNaN: true }), fc.double({ min: 1.01, max: 1e4, noNaN: true }), fc.integer({ min: 2, max: 50 }), (a, k, n) => {
      const v = logspace(a, a * k, n);
      expect(v[0]).toBe(a);
      expect(v[n - 1]).toBe(a * k);
      for (let i = 1; i < n; i++) expect(v[i]!).toBeGreaterThan(v[i - 1]!);
    }));
  });
});

describe('expandSweep', () => {
  const config: SweepConfig = {
    name: 'study',
    base: { epochs: 100 },
    grids: [
      { variant: ['constant', 'one-cycle'], peakLr: { logspace: [1e-5, 1e-2, 10] } },
      { variant: ['warm-restarts'], peakLr: [4.6415888336127773e-4], t0: { linspace: [10, 50, 9] } },
    ],
    seeds: 3,
  };

  it('is the union of each grid\'s product, times the seeds', () => {
    const trials = expandSweep(config);
    expect(trials).toHaveLength((2 * 10 + 9) * 3);
    expect(trials[0]!.params).toEqual({ epochs: 100, variant: 'constant', peakLr: 1e-5, seed: 0 });
    expect(trials[1]!.params.seed).toBe(1);
    expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
    expect(trials.at(-1)!.params).toMatchObject({ variant: 'warm-restarts', t0: 50, seed: 2 });
  });

  it('gives the same ids on every expansion (so reruns find results) and drops duplicates across grids', () => {
    expect(expandSweep(config).map((t) => t.id)).toEqual(expandSweep(config).map((t) => t.id));
    const dup = expandSweep({ name: 'd', grids: [{ a: [1, 2] }, { a: [2, 3] }], seeds: 1 });
    expect(dup.map((t) => t.params.a)).toEqual([1, 2, 3]);
    expect(trialId({ a: 1, b: 2 })).toBe(trialId({ b: 2, a: 1 }).replace(/^b-2_a-1/, 'a-1_b-2'));
    expect(trialId({ a: 1 })).not.toBe(trialId({ a: 1.00001 }));
  });

  it('rejects bad configs naming the field', () => {
    expect(() => parseSweepConfig({ name: 'x', grids: [], seeds: 1 })).toThrow(HyperscheduleError);
    expect(() => parseSweepConfig({ name: 'x', grids: [{ lr: [1] }], seeds: 0 })).toThrow(/sweep\.seeds/);
    expect(() => parseSweepConfig({ name: 'x', grids: [{ lr: { logspace: [1, 2] } }], seeds: 1 })).toThrow(/sweep\.grids\[0\]\.lr/);
    expect(() => expandSweep({ name: 'x', grids: [{ seed: [1] }], seeds: 1 })).toThrow(/seed key/);
    const grid = [{ lr: [1] }];
    expect(() => parseSweepConfig({ name: 'x', grids: grid, seeds: 1, seed: 2 })).toThrow(/sweep\.seed: .*no such field; accepted: name, base, grids, seeds, seedKey/);
    expect(() => parseSweepConfig({ name: 'a b', grids: grid, seeds: 1 })).toThrow(/sweep\.name: got "a b", expected .*letters, digits/);
    expect(() => parseSweepConfig({ name: 'x', base: { lr: Number.NaN }, grids: grid, seeds: 1 })).toThrow(/sweep\.base\.lr: .*finite number/);
    expect(() => parseSweepConfig({ name: 'x', grids: [{ lr: [] }], seeds: 1 })).toThrow(/sweep\.grids\[0\]\.lr: .*non-empty list/);
    expect(() => parseSweepConfig({ name: 'x', grids: [{ lr: { logspace: [1, 2, 0] } }], seeds: 1 })).toThrow(/sweep\.grids\[0\]\.lr\.logspace\[2\]: .*integer >= 1/);
    expect(() => parseSweepConfig({ name: 'x', grids: grid, seeds: [] })).toThrow(/sweep\.seeds: .*non-empty list/);
  });

  it('accepts every form of axis and seeds, and leaves out absent optional fields', () => {
    const config = { name: 'x.1', base: { tags: ['a', null, true], nested: { k: 1 } }, grids: [{ lr: { linspace: [0, 1, 3] }, wd: { logspace: [1e-4, 1e-2, 3] }, v: ['a', 'b'] }], seeds: [4, 7], seedKey: 'rep' };
    expect(parseSweepConfig(config)).toEqual(config);
    expect(Object.keys(parseSweepConfig({ name: 'x', grids: [{ lr: [1] }], seeds: 1 }))).toEqual(['name', 'grids', 'seeds']);
  });
});
