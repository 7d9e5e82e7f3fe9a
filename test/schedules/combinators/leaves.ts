// Small local schedules for combinator tests: independent of the families, with formulas simple
// enough to check combinators against by hand.
import fc from 'fast-check';
import { expect } from 'vitest';
import { HyperscheduleError, type Schedule, type TimeUnit } from '../../../src/index.js';

/** Asserts that `fn` throws a HyperscheduleError for exactly `field`, with the standard message. */
export function expectError(fn: () => unknown, field: string): HyperscheduleError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(HyperscheduleError);
  expect((caught as HyperscheduleError).field).toBe(field);
  expect((caught as Error).message).toContain(`${field}: got`);
  return caught as HyperscheduleError;
}

export type LeafDesc =
  | { readonly kind: 'affine'; readonly a: number; readonly b: number }
  | { readonly kind: 'cos'; readonly init: number; readonly min: number; readonly period: number }
  | { readonly kind: 'exp'; readonly init: number; readonly gamma: number }
  | { readonly kind: 'stair'; readonly init: number; readonly gamma: number; readonly size: number };

export function leafFn(d: LeafDesc): (t: number) => number {
  switch (d.kind) {
    case 'affine': return (t) => d.a + d.b * t;
    case 'cos': return (t) => d.min + (d.init - d.min) * 0.5 * (1 + Math.cos((Math.PI * t) / d.period));
    case 'exp': return (t) => d.init * d.gamma ** t;
    case 'stair': return (t) => d.init * d.gamma ** Math.floor(t / d.size);
  }
}

/** A Schedule from a formula; its spec type is not registered, so it cannot go through fromJSON. */
export function leaf(d: LeafDesc, unit: TimeUnit = 'step'): Schedule {
  const f = leafFn(d);
  return { type: `test-${d.kind}`, unit, at: f, toJSON: () => ({ type: `test-${d.kind}`, unit, ...d }) };
}

export const num = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** Leaves with positive values (factors, learning rates). */
export const positiveLeafDesc: fc.Arbitrary<LeafDesc> = fc.oneof(
  fc.record({ kind: fc.constant('affine' as const), a: num(0.01, 10), b: num(0, 0.1) }),
  fc.record({ kind: fc.constant('cos' as const), init: num(0.01, 10), min: num(0.001, 0.01), period: num(1, 1000) }),
  fc.record({ kind: fc.constant('exp' as const), init: num(0.01, 10), gamma: num(0.9, 1) }),
  fc.record({ kind: fc.constant('stair' as const), init: num(0.01, 10), gamma: num(0.1, 1), size: fc.integer({ min: 1, max: 50 }) }),
);

/** Leaves of any sign. */
export const anyLeafDesc: fc.Arbitrary<LeafDesc> = fc.oneof(
  positiveLeafDesc,
  fc.record({ kind: fc.constant('affine' as const), a: num(-10, 10), b: num(-1, 1) }),
);

/** Times in [0, max]. */
export const time = (max = 1000): fc.Arbitrary<number> => num(0, max);
