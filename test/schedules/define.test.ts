import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, bisect, justAfter } from '../../src/schedules/define.js';
import {
  HyperscheduleError, clamp, constant, cosine, fromJSON, lambda, product, scale, sequence, tanhDecay, warmup, withNoise,
  type Schedule,
} from '../../src/index.js';

describe('bisect: the search of the step-wise families', () => {
  const sortedArb = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 20 }).map((xs) => Float64Array.from(xs.sort((a, b) => a - b)));
  const x = fc.oneof(fc.integer({ min: -60, max: 60 }), fc.double({ min: -60, max: 60, noNaN: true }));

  it('right counts the entries <= x, left those < x (repeated entries included)', () => {
    fc.assert(fc.property(sortedArb, x, (sorted, v) => {
      const entries = Array.from(sorted);
      expect(bisect(sorted, sorted.length, v, true)).toBe(entries.filter((e) => e <= v).length);
      expect(bisect(sorted, sorted.length, v, false)).toBe(entries.filter((e) => e < v).length);
    }));
  });

  it('searches only the first `length` entries', () => {
    const sorted = Float64Array.of(1, 2, 3, 4);
    expect(bisect(sorted, 2, 10, true)).toBe(2);
    expect(bisect(sorted, 0, 10, true)).toBe(0);
  });
});

describe('justAfter', () => {
  it('is the next double up', () => {
    for (const v of [0, 1, 0.1, 5, 1e300]) {
      const next = justAfter(v);
      expect(next).toBeGreaterThan(v);
      expect((v + next) / 2 === v || (v + next) / 2 === next).toBe(true);
    }
  });
});

describe('bad input to factories', () => {
  const errorOf = (fn: () => unknown): HyperscheduleError => {
    try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
    throw new Error('expected a HyperscheduleError');
  };

  it(`combinators built in code nest up to ${MAX_NESTING} levels, and refuse the next one naming the field`, () => {
    let s: Schedule = constant({ value: 1 });
    for (let i = 1; i < MAX_NESTING; i++) s = scale(s, 1);
    expect(s.at(5)).toBe(1);
    expect(fromJSON(s.toJSON()).at(5)).toBe(1);
    const e = errorOf(() => scale(s, 1));
    expect(e.field).toBe('scale.schedule');
    expect(e.value).toBe(MAX_NESTING + 1);
    expect(e.message).toBe(`scale.schedule: got ${MAX_NESTING + 1}, expected at most ${MAX_NESTING} levels of schedules inside schedules`);
    expect(errorOf(() => warmup(s, { duration: 1 })).field).toBe('warmup.schedule');
    expect(errorOf(() => product([constant({ value: 1 }), s])).field).toBe('product.schedules[1]');
  });

  it('a lambda that recurses into itself throws a HyperscheduleError naming it, not a bare RangeError', () => {
    const self: { s?: Schedule } = {};
    self.s = lambda({ name: 'loop', fn: (t) => self.s!.at(t) });
    const e = errorOf(() => self.s!.at(2));
    expect(e.field).toBe('lambda(loop).at(2)');
    expect(e.allowed).toContain('recurs');
    // Errors of its own still reach the caller unchanged.
    const boom = lambda({ name: 'boom', fn: () => { throw new TypeError('mine'); } });
    expect(() => boom.at(0)).toThrow(TypeError);
  });

  it('refuses unknown argument keys like fromJSON does, in one vocabulary', () => {
    const inCode = errorOf(() => cosine({ init: 1, duration: 10, unti: 'epoch' } as never));
    const inSpec = errorOf(() => fromJSON({ type: 'cosine', init: 1, duration: 10, unti: 'epoch' }));
    expect(inCode.field).toBe('cosine.unti');
    expect(inCode.message).toBe(inSpec.message);
    expect(inCode.allowed).toContain('did you mean "unit"?');
    expect(errorOf(() => warmup(constant({ value: 1 }), { duration: 2, shap: 'linear' } as never)).field).toBe('warmup.shap');
    expect(errorOf(() => clamp(constant({ value: 1 }), { min: 0, mx: 1 } as never)).field).toBe('clamp.mx');
    expect(errorOf(() => withNoise(constant({ value: 1 }), { pct: 0.5, sed: 3 } as never)).field).toBe('withNoise.sed');
    // `type` may repeat the family's own type (a spec passed to its factory), nothing else.
    expect(cosine({ type: 'cosine', init: 1, duration: 10 } as never).at(0)).toBe(1);
    expect(errorOf(() => cosine({ type: 'linear', init: 1, duration: 10 } as never)).field).toBe('cosine.type');
  });

  it('refuses unknown option keys and run-length keys, naming the closest accepted one', () => {
    const options = errorOf(() => cosine({ init: 1, duration: '1ep' }, { rn: { stepsPerEpoch: 10 } } as never));
    expect(options.field).toBe('cosine.options.rn');
    expect(options.allowed).toContain('did you mean "run"?');
    const run = errorOf(() => cosine({ init: 1, duration: '1ep' }, { run: { stepsPerEpochs: 10 } } as never));
    expect(run.field).toBe('cosine.options.run.stepsPerEpochs');
    expect(run.allowed).toContain('did you mean "stepsPerEpoch"?');
    expect(errorOf(() => cosine({ init: 1, duration: 10 }, { run: { epochs: -1 } })).field).toBe('cosine.options.run.epochs');
    const resolve = errorOf(() => warmup(constant({ value: 1 }), { duration: '1ep' }, { rn: {} } as never));
    expect(resolve.field).toBe('warmup.options.rn');
    expect(errorOf(() => sequence([constant({ value: 1 }), constant({ value: 2 })], [1], { run: { epoch: 3 } } as never)).field).toBe('sequence.options.run.epoch');
  });

  it('checks a default against the other arguments: tanhDecay({ lower: 5 }) is refused, not a rising curve', () => {
    const e = errorOf(() => tanhDecay({ init: 1, duration: 10, lower: 5 }));
    expect(e.field).toBe('tanhDecay.lower');
    expect(e.allowed).toContain('< 3');
    const upper = errorOf(() => tanhDecay({ init: 1, duration: 10, upper: -8 }));
    expect(upper.field).toBe('tanhDecay.lower');
    expect(upper.message).toContain('default');
    const both = tanhDecay({ init: 1, duration: 10, lower: 5, upper: 6 });
    expect(both.at(0)).toBeGreaterThan(both.at(5));
    expect(fromJSON(both.toJSON()).at(3)).toBe(both.at(3));
  });
});
