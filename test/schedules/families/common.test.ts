import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import * as F from '../../../src/schedules/families/index.js';
import { definitionOf } from '../../../src/schedules/define.js';
import { fromJSON, scheduleTypes } from '../../../src/schedules/json.js';
import { anySchedule, expectFieldError, time } from './helpers.js';

const families = Object.entries(anySchedule);
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

describe('every family', () => {
  it('fromJSON decodes every family, and every family but lambda has an arbitrary', () => {
    const types = Object.values(F).map((family) => definitionOf(family).type).sort();
    expect(types).toEqual([...Object.keys(anySchedule), 'lambda'].sort());
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(scheduleTypes()).toContain(type);
  });

  describe.each(families)('%s', (name, arb) => {
    it('round-trips through JSON text to a schedule with the same values', () => {
      fc.assert(fc.property(arb, fc.array(time, { minLength: 1, maxLength: 20 }), (s, ts) => {
        const text = JSON.stringify(s.toJSON());
        const back = fromJSON(JSON.parse(text));
        expect(back.type).toBe(name);
        expect(back.unit).toBe(s.unit);
        expect(back.toJSON()).toEqual(s.toJSON());
        for (const t of ts) if (!same(back.at(t), s.at(t))) throw new Error(`t=${t}: ${back.at(t)} != ${s.at(t)}`);
      }), { numRuns: 150 });
    });

    it('is pure, treats t < 0 as 0 and never returns NaN for finite t', () => {
      fc.assert(fc.property(arb, fc.array(time, { minLength: 1, maxLength: 20 }), (s, ts) => {
        const first = ts.map((t) => s.at(t));
        const again = [...ts].reverse().map((t) => s.at(t)).reverse();
        first.forEach((v, i) => {
          expect(same(v, again[i]!)).toBe(true);
          expect(Number.isNaN(v)).toBe(false);
        });
        for (const t of [-1, -1e9, -Number.MAX_VALUE]) expect(s.at(t)).toBe(s.at(0));
        for (const t of [1e9, 1e15, 2 ** 53, 1e300]) expect(Number.isNaN(s.at(t))).toBe(false);
      }), { numRuns: 150 });
    });

    it('is frozen, and so is its spec', () => {
      fc.assert(fc.property(arb, (s) => {
        expect(Object.isFrozen(s)).toBe(true);
        expect(Object.isFrozen(s.toJSON())).toBe(true);
        expect(s.toJSON().type).toBe(s.type);
        expect(() => { (s as { at: unknown }).at = () => 0; }).toThrow(TypeError);
      }), { numRuns: 10 });
    });
  });
});

describe('units and time strings', () => {
  it('defaults to steps and records the unit', () => {
    expect(F.constant({ value: 1 }).unit).toBe('step');
    expect(F.cosine({ init: 1, duration: 10, unit: 'epoch' }).toJSON().unit).toBe('epoch');
  });

  it('resolves every duration-like argument into the schedule unit with the run length', () => {
    const run = { epochs: 10, stepsPerEpoch: 50 };
    expect(F.cosine({ init: 1, duration: '4ep' }, { run }).toJSON().duration).toBe(200);
    expect(F.stepDecay({ init: 1, stepSize: '0.5dur', gamma: 0.1 }, { run }).toJSON().stepSize).toBe(250);
    expect(F.multiStepDecay({ init: 1, milestones: ['2ep', 300, '0.8dur'], gamma: 0.1 }, { run }).toJSON().milestones).toEqual([100, 300, 400]);
    expect(F.oneCycle({ max: 1, total: '1dur' }, { run }).toJSON().total).toBe(500);
    expect(F.cosineWarmRestarts({ init: 1, period: '2ep', warmup: '10ba' }, { run }).toJSON()).toMatchObject({ period: 100, warmup: 10 });
    expect(F.warmupStableDecay({ peak: 1, total: '10ep', warmup: '1ep', decay: '0.2dur' }, { run }).toJSON()).toMatchObject({ total: 500, warmup: 50, decay: 100 });
    expect(F.piecewiseLinear({ points: [['1ep', 0], ['3ep', 1]] }, { run }).toJSON().points).toEqual([[50, 0], [150, 1]]);
    // Epoch-unit schedules take step strings too.
    expect(F.linear({ init: 0, end: 1, duration: '100ba', unit: 'epoch' }, { run }).toJSON().duration).toBe(2);
    expect(F.cosine({ init: 1, duration: '0.5dur', unit: 'progress' }).toJSON().duration).toBe(0.5);
  });

  it('resolves time strings in specs with the run length passed to fromJSON', () => {
    const s = fromJSON({ type: 'cosine', init: 0.1, duration: '0.5dur' }, { run: { totalSteps: 200 } });
    expect(s.toJSON().duration).toBe(100);
    expect(s.at(100)).toBe(0);
  });

  it('reports a time string that needs a missing run length', () => {
    expect(() => F.cosine({ init: 1, duration: '4ep' })).toThrow(/cosine\.duration/);
  });
});

describe('invalid arguments name family.field, the value and what is allowed', () => {
  const cases: [string, () => unknown, string][] = [
    ['missing field', () => F.cosine({ init: 1 } as never), 'cosine.duration'],
    ['NaN', () => F.constant({ value: Number.NaN }), 'constant.value'],
    ['Infinity', () => F.linear({ init: Number.POSITIVE_INFINITY, end: 0, duration: 1 }), 'linear.init'],
    ['string number', () => F.linear({ init: '1' as never, end: 0, duration: 1 }), 'linear.init'],
    ['negative duration', () => F.linear({ init: 1, end: 0, duration: -5 }), 'linear.duration'],
    ['zero duration', () => F.polynomial({ init: 1, duration: 0 }), 'polynomial.duration'],
    ['bad time string', () => F.cosine({ init: 1, duration: '5 weeks' }), 'cosine.duration'],
    ['negative gamma', () => F.stepDecay({ init: 1, stepSize: 2, gamma: -0.5 }), 'stepDecay.gamma'],
    ['zero stepSize', () => F.stepDecay({ init: 1, stepSize: 0, gamma: 0.5 }), 'stepDecay.stepSize'],
    ['milestones out of order', () => F.multiStepDecay({ init: 1, milestones: [10, 30, 20], gamma: 0.1 }), 'multiStepDecay.milestones[2]'],
    ['repeated milestone', () => F.multiStepDecay({ init: 1, milestones: [10, 10], gamma: 0.1 }), 'multiStepDecay.milestones[1]'],
    ['negative milestone', () => F.multiStepDecay({ init: 1, milestones: [-1], gamma: 0.1 }), 'multiStepDecay.milestones[0]'],
    ['milestones not an array', () => F.multiStepDecay({ init: 1, milestones: 5 as never, gamma: 0.1 }), 'multiStepDecay.milestones'],
    ['zero rate', () => F.exponentialDecay({ init: 1, rate: 0 }), 'exponentialDecay.rate'],
    ['staircase not boolean', () => F.exponentialDecay({ init: 1, rate: 0.5, staircase: 'yes' as never }), 'exponentialDecay.staircase'],
    ['negative power', () => F.polynomial({ init: 1, duration: 10, power: -1 }), 'polynomial.power'],
    ['negative inverse-time rate', () => F.inverseTime({ init: 1, rate: -1 }), 'inverseTime.rate'],
    ['zero timescale', () => F.inverseSqrt({ init: 1, timescale: 0 }), 'inverseSqrt.timescale'],
    ['zero exponent', () => F.cosine({ init: 1, duration: 10, exponent: 0 }), 'cosine.exponent'],
    ['negative k', () => F.cosine({ init: 1, duration: 10, k: -1 }), 'cosine.k'],
    ['periodMult < 1', () => F.cosineWarmRestarts({ init: 1, period: 10, periodMult: 0.5 }), 'cosineWarmRestarts.periodMult'],
    ['peakDecay > 1', () => F.cosineWarmRestarts({ init: 1, period: 10, peakDecay: 1.5 }), 'cosineWarmRestarts.peakDecay'],
    ['warmup >= period', () => F.cosineWarmRestarts({ init: 1, period: 10, warmup: 10 }), 'cosineWarmRestarts.warmup'],
    ['unknown mode', () => F.cyclic({ base: 0, max: 1, stepSizeUp: 5, mode: 'sine' as never }), 'cyclic.mode'],
    ['growing exp_range', () => F.cyclic({ base: 0, max: 1, stepSizeUp: 5, mode: 'exp_range', gamma: 1.1 }), 'cyclic.gamma'],
    ['zero stepSizeUp', () => F.cyclic({ base: 0, max: 1, stepSizeUp: 0 }), 'cyclic.stepSizeUp'],
    ['pctStart 0', () => F.oneCycle({ max: 1, total: 100, pctStart: 0 }), 'oneCycle.pctStart'],
    ['pctStart 1', () => F.oneCycle({ max: 1, total: 100, pctStart: 1 }), 'oneCycle.pctStart'],
    ['zero-length first phase', () => F.oneCycle({ max: 1, total: 10, pctStart: 0.1 }), 'oneCycle.pctStart'],
    ['unknown anneal', () => F.oneCycleMomentum({ total: 100, anneal: 'exp' as never }), 'oneCycleMomentum.anneal'],
    ['zero divFactor', () => F.oneCycle({ max: 1, total: 100, divFactor: 0 }), 'oneCycle.divFactor'],
    ['warmup + decay > total', () => F.warmupStableDecay({ peak: 1, total: 100, warmup: 60, decay: 50 }), 'warmupStableDecay.decay'],
    ['unknown decay shape', () => F.warmupStableDecay({ peak: 1, total: 100, warmup: 10, decay: 10, decayShape: 'exp' as never }), 'warmupStableDecay.decayShape'],
    ['lower >= upper', () => F.tanhDecay({ init: 1, duration: 10, lower: 3, upper: 3 }), 'tanhDecay.lower'],
    ['lower >= the default upper', () => F.tanhDecay({ init: 1, duration: 10, lower: 5 }), 'tanhDecay.lower'],
    ['upper <= the default lower', () => F.tanhDecay({ init: 1, duration: 10, upper: -8 }), 'tanhDecay.lower'],
    ['momentum above 1', () => F.oneCycleMomentum({ total: 100, max: 1.5 }), 'oneCycleMomentum.max'],
    ['momentum of 1', () => F.oneCycleMomentum({ total: 100, base: 1 }), 'oneCycleMomentum.base'],
    ['negative momentum', () => F.oneCycleMomentum({ total: 100, base: -0.1 }), 'oneCycleMomentum.base'],
    ['pct > 1', () => F.withNoise(F.constant({ value: 1 }), { pct: 1.5 }), 'withNoise.pct'],
    ['fractional seed', () => F.withNoise(F.constant({ value: 1 }), { seed: 1.5 }), 'withNoise.seed'],
    ['empty range', () => F.withNoise(F.constant({ value: 1 }), { range: [10, 5] }), 'withNoise.range[1]'],
    ['not a schedule', () => F.withNoise({} as never), 'withNoise.schedule'],
    ['boundaries out of order', () => F.piecewiseConstant({ boundaries: [5, 1], values: [1, 2, 3] }), 'piecewiseConstant.boundaries[1]'],
    ['values length', () => F.piecewiseConstant({ boundaries: [5], values: [1] }), 'piecewiseConstant.values'],
    ['no points', () => F.piecewiseLinear({ points: [] }), 'piecewiseLinear.points'],
    ['times out of order', () => F.piecewiseLinear({ points: [[5, 1], [5, 2]] }), 'piecewiseLinear.points[1][0]'],
    ['NaN point value', () => F.piecewiseLinear({ points: [[0, Number.NaN]] }), 'piecewiseLinear.points[0][1]'],
    ['unknown unit', () => F.constant({ value: 1, unit: 'hour' as never }), 'constant.unit'],
    ['options not an object', () => F.constant(null as never), 'constant'],
    ['lambda without its function', () => F.lambda({ name: 'no-fn' } as never), 'lambda.fn'],
    ['spec naming a lambda not given', () => fromJSON({ type: 'lambda', name: 'never-given' }), 'lambda.name'],
    ['spec with a typo', () => fromJSON({ type: 'cosine', init: 1, decaySteps: 10 }), 'cosine.decaySteps'],
    ['spec missing a field', () => fromJSON({ type: 'stepDecay', init: 1, gamma: 0.1 }), 'stepDecay.stepSize'],
    ['spec with a bad child', () => fromJSON({ type: 'withNoise', schedule: 3 }), 'withNoise.schedule'],
  ];
  it.each(cases)('%s', (_label, fn, field) => {
    const err = expectFieldError(fn, field);
    expect(err.allowed.length).toBeGreaterThan(0);
  });

  it('rejects any non-finite or negative length for every duration field (property)', () => {
    const bad = fc.oneof(
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, true, '', 'ep', '-3ep'),
      fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }),
    );
    const makers: [string, (d: unknown) => unknown][] = [
      ['stepDecay.stepSize', (d) => F.stepDecay({ init: 1, gamma: 0.5, stepSize: d as number })],
      ['linear.duration', (d) => F.linear({ init: 1, end: 0, duration: d as number })],
      ['cosine.duration', (d) => F.cosine({ init: 1, duration: d as number })],
      ['cosineWarmRestarts.period', (d) => F.cosineWarmRestarts({ init: 1, period: d as number })],
      ['cyclic.stepSizeUp', (d) => F.cyclic({ base: 0, max: 1, stepSizeUp: d as number })],
      ['oneCycle.total', (d) => F.oneCycle({ max: 1, total: d as number })],
      ['warmupStableDecay.warmup', (d) => F.warmupStableDecay({ peak: 1, total: 10, decay: 1, warmup: d as number })],
      ['tanhDecay.duration', (d) => F.tanhDecay({ init: 1, duration: d as number })],
      ['inverseSqrt.warmup', (d) => F.inverseSqrt({ init: 1, warmup: d as number })],
      ['exponentialDecay.every', (d) => F.exponentialDecay({ init: 1, rate: 0.5, every: d as number })],
    ];
    fc.assert(fc.property(bad, fc.constantFrom(...makers), (d, [field, make]) => {
      let caught: unknown;
      try { make(d); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(HyperscheduleError);
      expect((caught as HyperscheduleError).field).toBe(field);
    }), { numRuns: 200 });
  });
});

describe('end: the time from which the value no longer changes', () => {
  const after = fc.oneof(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constantFrom(0, 1e9, 1e15));

  describe.each(families)('%s', (_name, arb) => {
    it('at(t) === at(end) for every t >= end, when end is given', () => {
      fc.assert(fc.property(arb, after, (s, dt) => {
        if (s.end === undefined) return;
        expect(s.end).toBeGreaterThanOrEqual(0);
        expect(Object.is(s.at(s.end + dt), s.at(s.end))).toBe(true);
      }), { numRuns: 100 });
    });
  });

  it('is the duration or total where the formula has one, and absent where the value never settles', () => {
    expect(F.constant({ value: 1 }).end).toBe(0);
    expect(F.linear({ init: 1, end: 0, duration: 10 }).end).toBe(10);
    expect(F.cosine({ init: 1, duration: 10 }).end).toBe(10);
    expect(F.cosine({ init: 1, duration: 10, periodic: true }).end).toBeUndefined();
    expect(F.polynomial({ init: 1, duration: 10 }).end).toBe(10);
    expect(F.polynomial({ init: 1, duration: 10, cycle: true }).end).toBeUndefined();
    expect(F.warmupStableDecay({ peak: 1, total: 100, warmup: 10, decay: 20 }).end).toBe(100);
    expect(F.oneCycle({ max: 1, total: 100 }).end).toBe(99);
    expect(F.tanhDecay({ init: 1, duration: 10 }).end).toBe(10);
    expect(F.multiStepDecay({ init: 1, milestones: [3, 7], gamma: 0.1 }).end).toBe(7);
    expect(F.piecewiseLinear({ points: [[0, 1], [5, 2]] }).end).toBe(5);
    // Keras semantics: the last value starts just after the last boundary.
    const steps = F.piecewiseConstant({ boundaries: [5], values: [1, 2] });
    expect(steps.end).toBeGreaterThan(5);
    expect(steps.at(steps.end!)).toBe(2);
    expect(F.piecewiseConstant({ boundaries: [5], values: [1, 2], atBoundary: 'next' }).end).toBe(5);
    for (const s of [
      F.cyclic({ base: 0, max: 1, stepSizeUp: 5 }), F.cosineWarmRestarts({ init: 1, period: 10 }),
      F.stepDecay({ init: 1, stepSize: 3, gamma: 0.5 }), F.exponentialDecay({ init: 1, rate: 0.5 }),
      F.inverseTime({ init: 1, rate: 1 }), F.inverseSqrt({ init: 1 }), F.withNoise(F.constant({ value: 1 })),
      F.lambda({ name: 'f', fn: () => 1 }),
    ]) expect(s.end, s.type).toBeUndefined();
    expect(F.withNoise(F.linear({ init: 1, end: 0, duration: 10 }), { range: [0, 20] }).end).toBe(20);
  });
});

describe('decays end exactly at their final value', () => {
  const lr = fc.double({ min: 1e-6, max: 10, noNaN: true });
  const low = fc.double({ min: 0, max: 1e-3, noNaN: true });
  const span = fc.double({ min: 0.5, max: 1e4, noNaN: true });

  it('cosine, linear, polynomial and tanhDecay at their duration and after', () => {
    fc.assert(fc.property(lr, low, span, fc.double({ min: 0.1, max: 4, noNaN: true }), (init, min, duration, power) => {
      for (const t of [duration, duration * 1.5, duration + 1e9]) {
        expect(F.cosine({ init, min, duration }).at(t)).toBe(min);
        expect(F.cosine({ init, min, duration, exponent: power, k: power }).at(t)).toBe(min);
        expect(F.linear({ init, end: min, duration }).at(t)).toBe(min);
        expect(F.polynomial({ init, end: min, duration, power }).at(t)).toBe(min);
        expect(F.tanhDecay({ init, min, duration }).at(t)).toBe(min);
      }
    }));
  });

  it('oneCycle and its momentum hold the final value exactly from total - 1 on, for both anneals', () => {
    fc.assert(fc.property(lr, fc.integer({ min: 20, max: 5000 }), fc.double({ min: 0.1, max: 0.45, noNaN: true }), fc.constantFrom<'cos' | 'linear'>('cos', 'linear'), fc.boolean(),
      (max, total, pctStart, anneal, threePhase) => {
        const s = F.oneCycle({ max, total, pctStart, anneal, threePhase });
        const final = max / 25 / 1e4;
        for (const t of [total - 1, total, total * 3]) expect(s.at(t)).toBe(final);
        const m = F.oneCycleMomentum({ total, pctStart, anneal, threePhase });
        expect(m.at(total - 1)).toBe(0.95);
      }));
  });
});
