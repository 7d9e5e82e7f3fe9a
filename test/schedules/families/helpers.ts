import fc from 'fast-check';
import { expect } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import * as F from '../../../src/schedules/families/index.js';
import type { Schedule } from '../../../src/schedules/schedule.js';

/** |a - b| within `rel` of |b| (plus a tiny absolute floor for values that should be ~0). */
export function close(actual: number, expected: number, rel = 1e-9, abs = 1e-15): boolean {
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

export function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-15, label = ''): void {
  if (!close(actual, expected, rel, abs)) {
    throw new Error(`${label} expected ${expected}, got ${actual} (diff ${actual - expected})`);
  }
}

/** Calls `fn` and checks it throws a HyperscheduleError for `field`. */
export function expectFieldError(fn: () => unknown, field: string): HyperscheduleError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected an error naming ${field}`).toBeInstanceOf(HyperscheduleError);
  const err = caught as HyperscheduleError;
  expect(err.field).toBe(field);
  expect(err.message.startsWith(`${field}: got `)).toBe(true);
  return err;
}

// ---- arbitraries ----
export const value = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
export const positive = fc.double({ min: 1e-3, max: 10, noNaN: true, noDefaultInfinity: true });
export const length = fc.double({ min: 0.5, max: 500, noNaN: true, noDefaultInfinity: true });
export const intLength = fc.integer({ min: 1, max: 500 });
/** Times, including negative ones (treated as 0) and fractional ones. */
export const time = fc.oneof(fc.double({ min: -50, max: 3000, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 3000 }));
export const unit = fc.constantFrom<'step' | 'epoch' | 'sample' | 'progress'>('step', 'epoch', 'sample', 'progress');

const increasing = (n: number, max = 1000) =>
  fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: n, maxLength: n }).map((xs) => [...xs].sort((a, b) => a - b));

/** A random valid schedule of every family (for round-trip, purity and never-NaN properties). */
export const anySchedule: Record<string, fc.Arbitrary<Schedule>> = {
  constant: fc.record({ value, unit }).map((a) => F.constant(a)),
  stepDecay: fc.record({ init: value, stepSize: length, gamma: fc.double({ min: 0, max: 2, noNaN: true }), unit }).map((a) => F.stepDecay(a)),
  multiStepDecay: fc.record({ init: value, milestones: fc.integer({ min: 0, max: 6 }).chain((n) => increasing(n)), gamma: fc.double({ min: 0, max: 2, noNaN: true }) }).map((a) => F.multiStepDecay(a)),
  exponentialDecay: fc.record({
    init: value, rate: fc.double({ min: 0.01, max: 3, noNaN: true }), every: length, staircase: fc.boolean(), begin: fc.double({ min: 0, max: 100, noNaN: true }),
    end: fc.option(value, { nil: undefined }),
  }).map((a) => F.exponentialDecay(a)),
  linear: fc.record({ init: value, end: value, duration: length, unit }).map((a) => F.linear(a)),
  polynomial: fc.record({ init: value, end: value, duration: length, power: fc.double({ min: 0, max: 5, noNaN: true }), cycle: fc.boolean() }).map((a) => F.polynomial(a)),
  inverseTime: fc.record({ init: value, rate: fc.double({ min: 0, max: 5, noNaN: true }), every: length, staircase: fc.boolean() }).map((a) => F.inverseTime(a)),
  inverseSqrt: fc.record({ init: value, timescale: fc.option(length, { nil: undefined }), warmup: fc.double({ min: 0, max: 200, noNaN: true }) }).map((a) => F.inverseSqrt(a)),
  cosine: fc.record({
    init: value, duration: length, min: value, exponent: fc.double({ min: 0.1, max: 4, noNaN: true }), periodic: fc.boolean(), k: fc.double({ min: 0.2, max: 3, noNaN: true }),
  }).map((a) => F.cosine(a)),
  cosineWarmRestarts: fc.record({
    init: value, period: length, periodMult: fc.double({ min: 1, max: 4, noNaN: true }), min: value, peakDecay: fc.double({ min: 0, max: 1, noNaN: true }), warmupFraction: fc.double({ min: 0, max: 0.9, noNaN: true }),
  }).map(({ warmupFraction, ...a }) => F.cosineWarmRestarts({ ...a, warmup: a.period * warmupFraction })),
  cyclic: fc.record({
    base: value, max: value, stepSizeUp: length, stepSizeDown: fc.double({ min: 0, max: 500, noNaN: true }),
    mode: fc.constantFrom<'triangular' | 'triangular2' | 'exp_range'>('triangular', 'triangular2', 'exp_range'), gamma: fc.double({ min: 0.9, max: 1, noNaN: true }),
  }).map((a) => F.cyclic(a)),
  oneCycle: fc.record({
    max: positive, total: fc.integer({ min: 20, max: 2000 }), pctStart: fc.double({ min: 0.1, max: 0.45, noNaN: true }),
    anneal: fc.constantFrom<'cos' | 'linear'>('cos', 'linear'), divFactor: fc.double({ min: 1, max: 100, noNaN: true }), finalDivFactor: fc.double({ min: 1, max: 1e5, noNaN: true }), threePhase: fc.boolean(),
  }).map((a) => F.oneCycle(a)),
  oneCycleMomentum: fc.record({
    base: fc.double({ min: 0.5, max: 0.9, noNaN: true }), max: fc.double({ min: 0.9, max: 0.999, noNaN: true }), total: fc.integer({ min: 20, max: 2000 }),
    pctStart: fc.double({ min: 0.1, max: 0.45, noNaN: true }), anneal: fc.constantFrom<'cos' | 'linear'>('cos', 'linear'), threePhase: fc.boolean(),
  }).map((a) => F.oneCycleMomentum(a)),
  warmupStableDecay: fc.record({
    peak: value, total: intLength, w: fc.double({ min: 0, max: 0.5, noNaN: true }), d: fc.double({ min: 0, max: 0.5, noNaN: true }),
    decayShape: fc.constantFrom<'linear' | 'cosine' | '1-sqrt'>('linear', 'cosine', '1-sqrt'), warmupShape: fc.constantFrom<'linear' | 'cosine' | '1-sqrt'>('linear', 'cosine', '1-sqrt'),
    min: value, init: fc.option(value, { nil: undefined }),
  }).map(({ w, d, ...a }) => F.warmupStableDecay({ ...a, warmup: a.total * w, decay: a.total * d })),
  tanhDecay: fc.record({ init: value, min: value, duration: length, lower: fc.double({ min: -10, max: 0, noNaN: true }), span: fc.double({ min: 0.1, max: 12, noNaN: true }) })
    .map(({ span, ...a }) => F.tanhDecay({ ...a, upper: a.lower + span })),
  withNoise: fc.record({
    child: fc.record({ init: value, duration: length }).map((a) => F.cosine(a)), pct: fc.double({ min: 0.01, max: 1, noNaN: true }), std: fc.double({ min: 0.1, max: 3, noNaN: true }),
    from: fc.double({ min: 0, max: 100, noNaN: true }), to: fc.option(fc.double({ min: 101, max: 3000, noNaN: true }), { nil: undefined }), seed: fc.integer(), type: fc.constantFrom<'normal' | 'uniform'>('normal', 'uniform'),
  }).map(({ child, from, to, ...a }) => F.withNoise(child, { ...a, range: to === undefined ? [from] : [from, to] })),
  piecewiseConstant: fc.integer({ min: 0, max: 6 }).chain((n) => fc.record({ boundaries: increasing(n), values: fc.array(value, { minLength: n + 1, maxLength: n + 1 }), atBoundary: fc.constantFrom<'previous' | 'next'>('previous', 'next') }))
    .map((a) => F.piecewiseConstant(a)),
  piecewiseLinear: fc.integer({ min: 1, max: 6 }).chain((n) => fc.record({ times: increasing(n), values: fc.array(value, { minLength: n, maxLength: n }), shape: fc.constantFrom<'linear' | 'cosine'>('linear', 'cosine') }))
    .map(({ times, values, shape }) => F.piecewiseLinear({ points: times.map((t, i) => [t, values[i]!] as const), shape })),
};
