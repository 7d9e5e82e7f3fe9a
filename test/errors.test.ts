import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError, describeValue } from '../src/errors.js';
import { fromJSON } from '../src/schedules/json.js';
import { lambda } from '../src/schedules/families/lambda.js';

const TEN_MB = 10 * 1024 * 1024;
/** A flat string of `n` copies of `ch`, as JSON.parse or a file read gives (`repeat` builds a rope V8 flattens on first read). */
const flat = (ch: string, n: number): string => Buffer.alloc(n, ch).toString('latin1');

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

const elapsed = (fn: () => unknown): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

describe('describeValue', () => {
  it('writes numbers, undefined and short strings as they are', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(10n)).toBe('10');
    expect(describeValue('6 epochs')).toBe('"6 epochs"');
    expect(describeValue({ a: [1, 2], b: null })).toBe('{"a":[1,2],"b":null}');
    // Inside a value, what JSON cannot hold is written out, not turned into null.
    expect(describeValue({ lr: Number.NaN, n: 10n, inf: [Number.NEGATIVE_INFINITY] })).toBe('{"lr":"NaN","n":"10","inf":["-Infinity"]}');
  });

  it('quotes a short prefix of a 10 MB string, with its length', () => {
    const huge = flat('a', TEN_MB);
    const shown = describeValue(huge);
    expect(shown).toBe(`"${'a'.repeat(60)}…" (${TEN_MB} chars)`);
  });

  it('truncates large, deep, cyclic and throwing values without walking all of them', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const throwing = { toJSON: () => { throw new Error('no'); } };
    // Enumerating an object's keys is linear in their number (the engine lists them all), so
    // this one is wide, not huge.
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    for (const value of [big, deep, cyclic, throwing, wide, { s: flat('x', TEN_MB) }]) {
      let shown = '';
      expect(elapsed(() => { shown = describeValue(value); })).toBeLessThan(100);
      expect(shown.length).toBeLessThanOrEqual(100);
    }
    expect(describeValue(big)).toMatch(/^\[0,1,2,3,.*…$/);
    expect(describeValue(cyclic)).toBe('{"name":"loop","self":"[Circular]"}');
  });

  it('never shows a function\'s source', () => {
    function secretHelper(): number { return 42 * 1_000_000; }
    expect(describeValue(secretHelper)).toBe('a function secretHelper');
    expect(describeValue(() => 1)).toBe('a function');
  });

  it('is short and never throws, whatever the value (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.string({ minLength: 100, maxLength: 5000 })), (value) => {
      const shown = describeValue(value);
      expect(typeof shown).toBe('string');
      expect(shown.length).toBeLessThanOrEqual(120);
    }), { numRuns: 500 });
  });
});

describe('HyperscheduleError messages stay short', () => {
  it('a 10 MB string value is quoted by a prefix, not echoed whole', () => {
    const huge = flat('b', TEN_MB);
    const e = errorOf(() => fromJSON({ type: 'cosine', init: 1, duration: huge }));
    expect(e.field).toBe('cosine.duration');
    expect(e.value).toBe(huge);
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain(`(${TEN_MB} chars)`);
  });

  it('a 10 MB field name (an unknown key, a lambda name) is clipped in the message; .field keeps it whole', () => {
    const key = flat('k', TEN_MB);
    const e = errorOf(() => fromJSON({ type: 'cosine', init: 1, duration: 10, [key]: 1 }));
    expect(e.field).toBe(`cosine.${key}`);
    expect(e.message.length).toBeLessThan(1500);
    expect(e.message).toContain('chars)');
    const name = flat('n', TEN_MB);
    const bad = lambda({ name, fn: () => Number.NaN });
    const atError = errorOf(() => bad.at(0));
    expect(atError.message.length).toBeLessThan(1500);
  });

  it('an allowed-list built from user names (fromJSON lambdas) is clipped too', () => {
    const lambdas = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`fn${'x'.repeat(100)}${i}`, (t: number) => t]));
    const e = errorOf(() => fromJSON({ type: 'lambda', name: 'missing' }, { lambdas }));
    expect(e.field).toBe('lambda.name');
    expect(e.message.length).toBeLessThan(1500);
    expect(e.allowed.length).toBeGreaterThan(1_000_000);
  });
});
