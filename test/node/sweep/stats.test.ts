import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../../src/node/sweep/trial-record.js';
import { meanConfidenceInterval, regularizedIncompleteBeta, studentTCdf, studentTQuantile } from '../../../src/node/sweep/stats.js';
import { summarizeCells } from '../../../src/node/sweep/summarize.js';

describe('Student t', () => {
  it('quantiles match published two-sided 95% critical values', () => {
    // t_{0.975, df} from standard statistical tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [9, 2.262], [10, 2.228], [30, 2.042], [100, 1.984]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    // More digits for df = 1 (Cauchy: tan(pi (p - 1/2)), closed form).
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
    // Large df tends to the normal quantile 1.959964.
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
  });

  it('the CDF is the Cauchy CDF for df = 1 and symmetric (properties)', () => {
    fc.assert(fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (t) => {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    }));
    fc.assert(fc.property(fc.double({ min: -20, max: 20, noNaN: true }), fc.double({ min: 0.5, max: 200, noNaN: true }), (t, df) => {
      expect(studentTCdf(t, df) + studentTCdf(-t, df)).toBeCloseTo(1, 12);
    }));
  });

  it('quantile inverts the CDF (property)', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
      expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
    }));
  });

  it('incomplete beta: I_x(1, 1) = x and I_x(a, 1) = x^a (closed forms)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 20, noNaN: true }), (x, a) => {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 10);
    }));
  });
});

describe('meanConfidenceInterval', () => {
  it('computes mean ± t·s/√n', () => {
    const s = meanConfidenceInterval([0.7, 0.72, 0.74]);
    expect(s.mean).toBeCloseTo(0.72, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.halfWidth).toBeCloseTo((4.302652729911275 * 0.02) / Math.sqrt(3), 9);
    expect(s.lo! + s.halfWidth!).toBeCloseTo(s.mean, 12);
  });

  it('has no interval for one value and refuses empty or non-finite samples', () => {
    expect(meanConfidenceInterval([0.5])).toMatchObject({ n: 1, mean: 0.5, halfWidth: null });
    expect(() => meanConfidenceInterval([])).toThrow(/values/);
    expect(() => meanConfidenceInterval([0.5, Number.NaN])).toThrow(/values\[1\]/);
  });

  it('covers the true mean about 95% of the time (simulation, fixed seed)', () => {
    let seed = 12345;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const runs = 4000;
    for (let i = 0; i < runs; i++) {
      const s = meanConfidenceInterval(Array.from({ length: 4 }, () => 3 + normal()));
      if (s.lo! <= 3 && 3 <= s.hi!) covered += 1;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });
});

describe('summarizeCells', () => {
  const rec = (params: Record<string, number | string>, status: 'ok' | 'failed', acc?: number): TrialRecord<{ acc: number }> => ({
    id: JSON.stringify(params), params, status, ...(acc !== undefined ? { result: { acc } } : {}),
    exitCode: status === 'ok' ? 0 : 1, signal: null, attempt: 1, startedAt: '', finishedAt: '', durationMs: 0, log: '',
  });
  it('groups by keys, leaves failed trials out, keeps first-seen order', () => {
    const cells = summarizeCells([
      rec({ v: 'b', lr: 1, seed: 0 }, 'ok', 0.5),
      rec({ v: 'a', lr: 1, seed: 0 }, 'ok', 0.6),
      rec({ v: 'b', lr: 1, seed: 1 }, 'ok', 0.7),
      rec({ v: 'b', lr: 1, seed: 2 }, 'failed'),
      rec({ v: 'c', lr: 1, seed: 0 }, 'failed'),
    ], ['v', 'lr'], (r) => r.acc);
    expect(cells.map((c) => c.key.v)).toEqual(['b', 'a', 'c']);
    expect(cells[0]).toMatchObject({ trials: 3, failed: 1, values: [0.5, 0.7] });
    expect(cells[0]!.summary!.mean).toBeCloseTo(0.6, 12);
    expect(cells[2]!.summary).toBeUndefined();
  });
});
