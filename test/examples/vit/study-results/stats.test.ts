/**
 * The study's statistics on numbers checkable by hand: 95% t-intervals (t(0.975, 2) = 4.303),
 * paired differences by seed, "detected" only when the interval excludes 0.
 */
import { describe, expect, it } from 'vitest';
import { bestCell, cells, detected, findCell, interval, pairedDifference } from '../../../../examples/vit/study-results/stats.js';
import { trial } from './synthetic.js';

describe('interval', () => {
  it('is the mean with a Student-t half-width: 1, 2, 3 gives 2 ± 4.303 / sqrt(3)', () => {
    const i = interval([1, 2, 3]);
    expect(i.n).toBe(3);
    expect(i.mean).toBe(2);
    expect(i.sd).toBe(1);
    // t quantile for df = 2 is 4.303.
    expect((i.halfWidth! * Math.sqrt(3)) / i.sd!).toBeCloseTo(4.303, 3);
    expect(i.lo).toBeCloseTo(2 - 2.4841, 4);
    expect(i.hi).toBeCloseTo(2 + 2.4841, 4);
  });

  it('has no spread or interval for one value', () => {
    expect(interval([0.4])).toEqual({ n: 1, mean: 0.4, sd: null, halfWidth: null, lo: null, hi: null });
  });

  it('two values use t(0.975, 1) = 12.706', () => {
    const i = interval([0, 1]);
    expect(i.halfWidth! / (i.sd! / Math.sqrt(2))).toBeCloseTo(12.706, 3);
  });
});

describe('detected', () => {
  it('only when the interval excludes 0', () => {
    expect(detected(interval([1, 2, 3]))).toBe(false);
    expect(detected(interval([2, 2.1, 1.9]))).toBe(true);
    expect(detected(interval([-2, -2.1, -1.9]))).toBe(true);
    expect(detected(interval([5]))).toBe(false);
    expect(detected(interval([0, 0, 0]))).toBe(false);
  });
});

describe('cells', () => {
  const trials = [
    trial('constant', 1e-3, 1, 0.5),
    trial('constant', 1e-3, 0, 0.4),
    trial('constant', 1e-2, 0, 0.1),
    trial('adamw-matched-wd', 1e-3, 0, 0.45, { weightDecay: 0.2 }),
    trial('adamw-matched-wd', 1e-3, 0, 0.46, { weightDecay: 0.3 }),
  ];

  it('group by variant, peak LR and weight decay, seeds ascending', () => {
    const all = cells(trials);
    expect(all.map((c) => [c.variant, c.peakLr, c.weightDecay, c.trials.map((t) => t.seed)])).toEqual([
      ['constant', 1e-3, 1e-4, [0, 1]],
      ['constant', 1e-2, 1e-4, [0]],
      ['adamw-matched-wd', 1e-3, 0.2, [0]],
      ['adamw-matched-wd', 1e-3, 0.3, [0]],
    ]);
    expect(all[0]!.accuracy.mean).toBeCloseTo(0.45, 12);
  });

  it('find the best cell of a variant by mean', () => {
    const all = cells(trials);
    expect(bestCell(all, 'constant')!.peakLr).toBe(1e-3);
    expect(findCell(all, 'constant', 1e-2)!.accuracy.mean).toBe(0.1);
    expect(bestCell(all, 'step')).toBeUndefined();
  });
});

describe('pairedDifference', () => {
  it('pairs by seed: a - b = 0.1, 0.2, 0.2 gives 0.1667 ± 0.1434, detected', () => {
    const a = [trial('one-cycle', 1e-3, 2, 0.7), trial('one-cycle', 1e-3, 0, 0.5), trial('one-cycle', 1e-3, 1, 0.6)];
    const b = [trial('step', 1e-3, 0, 0.4), trial('step', 1e-3, 1, 0.4), trial('step', 1e-3, 2, 0.5)];
    const p = pairedDifference(a, b)!;
    expect(p.seeds).toEqual([0, 1, 2]);
    expect(p.diff.mean).toBeCloseTo(1 / 6, 12);
    expect(p.diff.sd).toBeCloseTo(0.057735, 6);
    expect(p.diff.halfWidth).toBeCloseTo((4.302653 * 0.057735) / Math.sqrt(3), 5);
    expect(p.detected).toBe(true);
    // The other way round: the same interval, negated.
    const q = pairedDifference(b, a)!;
    expect(q.diff.mean).toBeCloseTo(-1 / 6, 12);
    expect(q.detected).toBe(true);
  });

  it('leaves out seeds only one side has; no shared seed: null', () => {
    const a = [trial('constant', 1e-3, 0, 0.5), trial('constant', 1e-3, 1, 0.6), trial('constant', 1e-3, 5, 0.9)];
    const b = [trial('step', 1e-3, 0, 0.4), trial('step', 1e-3, 1, 0.4)];
    expect(pairedDifference(a, b)!.seeds).toEqual([0, 1]);
    expect(pairedDifference(a, [trial('step', 1e-3, 9, 0.4)])).toBeNull();
  });

  it('a single pair is never a detected difference', () => {
    const p = pairedDifference([trial('constant', 1e-3, 0, 0.9)], [trial('step', 1e-3, 0, 0.1)])!;
    expect(p.diff.n).toBe(1);
    expect(p.detected).toBe(false);
  });
});
