import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warmup, type Schedule, type WarmupShape } from '../../../src/index.js';
import { anyLeafDesc, expectError, leaf, num, positiveLeafDesc, time } from './leaves.js';

const shapes: WarmupShape[] = ['linear', 'cosine', 'exponential'];

/** Sorted samples of [0, end]. */
const grid = (end: number, n = 64): number[] => Array.from({ length: n + 1 }, (_, i) => (end * i) / n);

describe('warmup', () => {
  it('starts at `from`, ends exactly at the child\'s value at its time 0, then runs the child in local time', () => {
    fc.assert(fc.property(
      anyLeafDesc, num(0.5, 500), num(-5, 5), fc.constantFrom<WarmupShape>('linear', 'cosine'), time(),
      (d, duration, from, shape, s) => {
        const child = leaf(d);
        const w = warmup(child, { duration, from, shape });
        expect(w.at(0)).toBe(from);
        expect(w.at(duration)).toBe(child.at(0));
        expect(w.at(duration + s)).toBe(child.at(duration + s - duration));
        // The ramp approaches the peak continuously from below the boundary.
        const eps = duration * 1e-9;
        expect(Math.abs(w.at(duration - eps) - child.at(0))).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(from) + Math.abs(child.at(0))));
      },
    ));
  });

  it('exponential warmup goes geometrically from `from` > 0 to the peak', () => {
    fc.assert(fc.property(positiveLeafDesc, num(1, 500), num(1e-4, 1), (d, duration, from) => {
      const child = leaf(d);
      const w = warmup(child, { duration, from, shape: 'exponential' });
      const peak = child.at(0);
      expect(w.at(0)).toBe(from);
      expect(w.at(duration)).toBe(peak);
      // Halfway in time is the geometric mean.
      expect(w.at(duration / 2)).toBeCloseTo(Math.sqrt(from * peak), 10);
      expect(w.at(duration * (1 - 1e-12))).toBeCloseTo(peak, 8);
    }));
  });

  it('is monotone non-decreasing over the ramp when the target is above `from`, for every shape', () => {
    fc.assert(fc.property(positiveLeafDesc, num(1, 1000), num(0, 1), fc.constantFrom(...shapes), (d, duration, fraction, shape) => {
      const child = leaf(d);
      const from = shape === 'exponential' ? Math.max(1e-6, fraction * child.at(0)) : fraction * child.at(0);
      const w = warmup(child, { duration, from, shape });
      const values = grid(duration).map((t) => w.at(t));
      values.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(values[i]! - 1e-12 * Math.abs(v)));
      values.forEach((v) => {
        expect(v).toBeGreaterThanOrEqual(from - 1e-12);
        expect(v).toBeLessThanOrEqual(child.at(0) * (1 + 1e-12));
      });
    }));
  });

  it('linear and cosine ramps pass through the midpoint value at half the duration', () => {
    fc.assert(fc.property(anyLeafDesc, num(1, 500), num(-1, 1), (d, duration, from) => {
      const child = leaf(d);
      for (const shape of ['linear', 'cosine'] as const) {
        expect(warmup(child, { duration, from, shape }).at(duration / 2)).toBeCloseTo((from + child.at(0)) / 2, 10);
      }
    }));
  });

  it('matches the optax warmup_cosine_decay_schedule formula', () => {
    // optax: linear 0 -> peak over W steps, then cosine from peak to end over decay_steps - W.
    const [peak, end, W, decay] = [0.1, 0.001, 100, 1000];
    const cosine: Schedule = leaf({ kind: 'cos', init: peak, min: end, period: decay - W });
    const w = warmup(cosine, { duration: W, from: 0 }); // optax's init_value = 0
    const optax = (t: number): number => t < W
      ? (peak * t) / W
      : end + (peak - end) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t - W, decay - W)) / (decay - W)));
    for (const t of [0, 1, 50, 99, 100, 101, 500, 999, 1000]) expect(w.at(t)).toBeCloseTo(optax(t), 12);
  });

  it('overlap: the ramp ends at schedule.at(duration) and the child keeps global time (timm)', () => {
    fc.assert(fc.property(anyLeafDesc, num(1, 500), num(-1, 1), time(), (d, duration, from, s) => {
      const child = leaf(d);
      const w = warmup(child, { duration, from, overlap: true });
      expect(w.at(duration)).toBe(child.at(duration));
      expect(w.at(duration + s)).toBe(child.at(duration + s));
      expect(w.at(duration / 2)).toBeCloseTo((from + child.at(duration)) / 2, 10);
    }));
  });

  it('a zero duration is no warmup', () => {
    const child = leaf({ kind: 'affine', a: 1, b: -0.01 });
    const w = warmup(child, { duration: 0, from: 5 });
    for (const t of [0, 1, 10]) expect(w.at(t)).toBe(child.at(t));
  });

  it('resolves time strings against the run length and keeps the child unit', () => {
    const child = leaf({ kind: 'affine', a: 1, b: 0 });
    const w = warmup(child, { duration: '2ep', from: 0 }, { run: { stepsPerEpoch: 5 } });
    expect(w.unit).toBe('step');
    expect(w.at(5)).toBeCloseTo(0.5, 15);
    expect(w.toJSON()).toMatchObject({ type: 'warmup', unit: 'step', duration: 10, from: 0, shape: 'linear' });
    expect(warmup(leaf({ kind: 'affine', a: 1, b: 0 }, 'epoch'), { duration: '0.5dur' }, { run: { epochs: 10 } }).toJSON().duration).toBe(5);
    expectError(() => warmup(child, { duration: '2ep' }), 'warmup.duration (run.stepsPerEpoch)');
  });

  it('rejects bad arguments naming the field', () => {
    const child = leaf({ kind: 'affine', a: 1, b: 0 });
    expectError(() => warmup(child, { duration: -1 }), 'warmup.duration');
    expectError(() => warmup(child, { duration: Number.NaN }), 'warmup.duration');
    expectError(() => warmup(child, { duration: 'ten' }), 'warmup.duration');
    expectError(() => warmup(child, { duration: 5, from: Number.POSITIVE_INFINITY }), 'warmup.from');
    expectError(() => warmup(child, { duration: 5, shape: 'quadratic' as WarmupShape }), 'warmup.shape');
    expectError(() => warmup(child, { duration: 5, shape: 'exponential', from: 0 }), 'warmup.from');
    expectError(() => warmup(child, { duration: 5, shape: 'exponential', from: -1 }), 'warmup.from');
    expectError(() => warmup(leaf({ kind: 'affine', a: -1, b: 0 }), { duration: 5, shape: 'exponential', from: 0.1 }), 'warmup.schedule');
    expectError(() => warmup({ at: 3 } as unknown as Schedule, { duration: 5 }), 'warmup.schedule');
  });

  it('by default starts at 1% of the peak: > 0 for a positive peak, so a positive domain holds from t = 0', () => {
    // The old default (from = 0) left a 'positive' learning rate at t = 0 (issue 9, trap 4).
    fc.assert(fc.property(positiveLeafDesc, num(1, 500), fc.constantFrom(...shapes), fc.boolean(), (d, duration, shape, overlap) => {
      const child = leaf(d);
      const peak = overlap ? child.at(duration) : child.at(0);
      const w = warmup(child, { duration, shape, overlap });
      expect(w.at(0)).toBe(0.01 * peak);
      expect(w.toJSON()).toMatchObject({ from: 0.01 * peak });
      for (const t of grid(duration)) expect(w.at(t)).toBeGreaterThan(0);
      expect(w.at(duration)).toBe(peak);
    }));
    expect(warmup(leaf({ kind: 'affine', a: 0.1, b: 0 }), { duration: 10 }).at(0)).toBeCloseTo(0.001, 15);
  });

  it('never produces NaN on the ramp', () => {
    fc.assert(fc.property(positiveLeafDesc, num(1e-3, 1e4), fc.constantFrom(...shapes), num(0, 2e4), (d, duration, shape, t) => {
      const w = warmup(leaf(d), { duration, shape, from: 1e-3 });
      expect(Number.isFinite(w.at(t))).toBe(true);
    }));
  });
});
