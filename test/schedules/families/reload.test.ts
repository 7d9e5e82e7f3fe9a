import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import * as F from '../../../src/schedules/families/index.js';
import { definitionOf } from '../../../src/schedules/define.js';
import { fromJSON } from '../../../src/schedules/json.js';
import type { Schedule } from '../../../src/schedules/schedule.js';

/**
 * "toJSON of anything constructible reloads": arguments are drawn loosely (any field may be
 * absent, out of range or of the wrong kind), so most draws are refused at construction; every
 * draw that IS accepted must survive toJSON -> JSON text -> fromJSON with the same values. This is
 * what `tanhDecay({ lower: 5 })` broke: a default (upper = 3) that was never checked against the
 * given lower.
 */

const MODES = ['triangular', 'triangular2', 'exp_range', 'cos', 'linear', 'cosine', '1-sqrt', 'normal', 'uniform', 'previous', 'next'];
const UNITS = ['step', 'epoch', 'sample', 'progress'];

const looseNumber = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -12, max: 12, noNaN: true, noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 300 }) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 0.5, 0.3, 3, -7, 25, 1e4, 0.95, 0.85, 1e-9, 2) },
);
const looseNumbers = fc.array(looseNumber, { maxLength: 5 });
const looseValue = fc.oneof(
  { weight: 6, arbitrary: looseNumber },
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constantFrom(...MODES), looseNumbers, fc.constant(null)) },
);

/** A loose value for one field, a little better aimed for the fields that are not numbers. */
function fieldArb(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case 'unit': return fc.constantFrom(undefined, ...UNITS);
    case 'mode': case 'anneal': case 'decayShape': case 'warmupShape': case 'shape': case 'atBoundary':
      return fc.oneof(fc.constant(undefined), fc.constantFrom(...MODES));
    case 'staircase': case 'periodic': case 'cycle': case 'threePhase': return fc.oneof(fc.constant(undefined), fc.boolean());
    case 'milestones': case 'boundaries': case 'values': return fc.oneof(looseNumbers, looseValue);
    case 'points': return fc.array(fc.tuple(looseNumber, looseNumber), { minLength: 1, maxLength: 4 });
    default: return looseValue;
  }
}

const build = (family: (args: never) => Schedule, args: Record<string, unknown>): Schedule | undefined => {
  try {
    return family(args as never);
  } catch (e) {
    if (!(e instanceof HyperscheduleError)) throw e;
    return undefined;
  }
};

const families = Object.entries(F).filter(([name]) => name !== 'lambda' && name !== 'withNoise') as [string, (args: never) => Schedule][];

/** Valid arguments of each family: draws keep each field or replace it with a loose value. */
const VALID: Readonly<Record<string, Record<string, unknown>>> = {
  constant: { value: 1 },
  stepDecay: { init: 1, stepSize: 10, gamma: 0.5 },
  multiStepDecay: { init: 1, milestones: [10, 20], gamma: 0.5 },
  exponentialDecay: { init: 1, rate: 0.5, every: 10 },
  linear: { init: 1, end: 0, duration: 10 },
  polynomial: { init: 1, end: 0, duration: 10 },
  cosine: { init: 1, duration: 10 },
  cosineWarmRestarts: { init: 1, period: 10 },
  cyclic: { base: 0, max: 1, stepSizeUp: 5 },
  oneCycle: { max: 1, total: 100 },
  oneCycleMomentum: { total: 100 },
  inverseTime: { init: 1, rate: 0.5 },
  inverseSqrt: { init: 1 },
  warmupStableDecay: { peak: 1, total: 100, warmup: 10, decay: 20 },
  tanhDecay: { init: 1, duration: 10 },
  piecewiseConstant: { boundaries: [5, 10], values: [1, 2, 3] },
  piecewiseLinear: { points: [[0, 1], [10, 0]] },
};

/** Each field kept from {@link VALID} (two times in three) or replaced by a loose value. */
const argsArb = (name: string, fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(Object.fromEntries(fields.map((f) => [f, fc.oneof({ weight: 2, arbitrary: fc.constant(VALID[name]?.[f]) }, { weight: 1, arbitrary: fieldArb(f) })])), { requiredKeys: [] });
const TIMES = [0, 0.5, 1, 2, 3, 7.5, 10, 29, 99, 100, 250, 1000, 1e6];

function expectReloads(s: Schedule): void {
  const back = fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  expect(back.toJSON()).toEqual(s.toJSON());
  for (const t of TIMES) expect(Object.is(back.at(t), s.at(t)) || back.at(t) === s.at(t)).toBe(true);
}

describe('anything a family accepts, its toJSON() reloads with the same values (property)', () => {
  it.each(families)('%s', (name, family) => {
    const fields = ['unit', ...definitionOf(family).fields];
    expect(VALID[name], `valid arguments of ${name}`).toBeDefined();
    let accepted = 0;
    fc.assert(fc.property(argsArb(name, fields), (args) => {
      const s = build(family, args);
      if (s === undefined) return;
      accepted += 1;
      expectReloads(s);
    }), { numRuns: 1500 });
    // The property is only worth something if enough draws are accepted.
    expect(accepted).toBeGreaterThan(100);
  });

  it('withNoise', () => {
    const child = F.cosine({ init: 1, duration: 100 });
    fc.assert(fc.property(fc.record({ pct: fieldArb('pct'), std: fieldArb('std'), seed: fieldArb('seed'), range: fc.oneof(looseNumbers, looseValue), type: fc.constantFrom(undefined, 'normal', 'uniform') }, { requiredKeys: [] }), (args) => {
      let s: Schedule | undefined;
      try { s = F.withNoise(child, args as never); } catch (e) { if (!(e instanceof HyperscheduleError)) throw e; }
      if (s !== undefined) expectReloads(s);
    }), { numRuns: 500 });
  });

  it('lambda (its function given back to fromJSON)', () => {
    const fn = (t: number) => 1 / (1 + t);
    const s = F.lambda({ name: 'harmonic', fn });
    expect(fromJSON(JSON.parse(JSON.stringify(s.toJSON())), { lambdas: { harmonic: fn } }).at(3)).toBe(0.25);
  });
});
