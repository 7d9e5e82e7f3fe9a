import { describe, expect, test } from 'vitest';
import { checkCandidate, domains, positiveInteger, range, toDomain } from '../../src/params/domain.js';

describe('domains', () => {
  test('built-ins and custom ranges', () => {
    expect(domains.positive.check(0).ok).toBe(false);
    expect(domains.nonNegative.check(0).ok).toBe(true);
    expect(domains.unitInterval.check(1).ok).toBe(false);
    expect(domains.probability.check(1).ok).toBe(true);
    expect(domains.positiveInteger.check(0.4)).toEqual({ ok: false, reason: 'expected an integer >= 1 (after rounding)' });
    const r = range({ min: 0.1, max: 10, minInclusive: false });
    expect([r.check(0.1).ok, r.check(10).ok, r.allowed]).toEqual([false, true, 'a number in (0.1, 10]']);
    expect(range({ min: 0 }).allowed).toBe('a number >= 0');
    expect(() => range({ min: 1, max: 0 })).toThrow(/range.max/);
    expect(toDomain(r)).toBe(r);
  });

  test('the built-ins are the NumberRanges the docs name, with the docs\' wording', () => {
    expect(Object.fromEntries(Object.entries(domains).map(([k, d]) => [k, [d.allowed, d.range]]))).toEqual({
      finite: ['a finite number', {}],
      positive: ['a number > 0', { gt: 0 }],
      nonNegative: ['a number >= 0', { ge: 0 }],
      unitInterval: ['a number in [0, 1)', { ge: 0, lt: 1 }],
      probability: ['a number in [0, 1]', { ge: 0, le: 1 }],
      positiveInteger: ['an integer >= 1', { ge: 1, integer: true }],
    });
    expect(toDomain().name).toBe('finite');
  });

  test('candidates: non-finite refused, -0 stored as 0, batch sizes rounded and capped', () => {
    expect(checkCandidate(domains.finite, Number.NaN)).toEqual({ ok: false, reason: 'non-finite candidate NaN' });
    expect(Object.is((checkCandidate(domains.nonNegative, -0) as { value: number }).value, 0)).toBe(true);
    expect(positiveInteger({ max: 512, rounding: 'floor' }).check(127.9)).toEqual({ ok: true, value: 127 });
    expect(positiveInteger({ max: 512 }).check(1e6)).toEqual({ ok: true, value: 512 });
    expect(() => positiveInteger({ max: 0 })).toThrow(/positiveInteger.max: got 0/);
    expect(() => positiveInteger({ rounding: 'up' as never })).toThrow(/positiveInteger.rounding/);
    expect(() => toDomain('nope' as never, 'lr.domain')).toThrow(/lr.domain: got "nope"/);
  });
});
