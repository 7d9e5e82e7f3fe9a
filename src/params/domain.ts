import { HyperscheduleError } from '../errors.js';

/**
 * The result of checking a candidate against a {@link ParamDomain}: the (possibly normalised)
 * value, or why it is refused.
 *
 * @example
 * ```ts
 * import type { DomainCheck } from 'hyperschedule';
 * const ok: DomainCheck = { ok: true, value: 0.1 };
 * ```
 */
export type DomainCheck = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/**
 * The values a parameter may take. `check` receives finite numbers only (NaN/±Infinity are
 * refused before) and may normalise (a batch size is rounded and capped).
 *
 * @example
 * ```ts
 * import { domains } from 'hyperschedule';
 * domains.unitInterval.check(0.9);  // { ok: true, value: 0.9 }
 * domains.unitInterval.check(1);    // { ok: false, reason: 'expected a number in [0, 1)' }
 * ```
 */
export interface ParamDomain {
  /** Short name, e.g. `"positive"`. */
  readonly name: string;
  /** What is allowed, for messages: `"a number > 0"`. */
  readonly allowed: string;
  check(value: number): DomainCheck;
}

function predicate(name: string, allowed: string, test: (v: number) => boolean): ParamDomain {
  return { name, allowed, check: (value) => (test(value) ? { ok: true, value } : { ok: false, reason: `expected ${allowed}` }) };
}

/**
 * Options of {@link positiveInteger}.
 *
 * @example
 * ```ts
 * import type { PositiveIntegerOptions } from 'hyperschedule';
 * const o: PositiveIntegerOptions = { max: 4096 };
 * ```
 */
export interface PositiveIntegerOptions {
  /** Ceiling (e.g. what fits in memory): larger candidates are capped to it, not refused. */
  readonly max?: number;
  /** How a fractional candidate becomes an integer. Default `'round'`. */
  readonly rounding?: 'round' | 'floor' | 'ceil';
}

/**
 * Integers >= 1 (a batch size): schedules produce fractional values, so candidates are rounded;
 * values above `max` are capped.
 *
 * @example
 * ```ts
 * import { positiveInteger } from 'hyperschedule';
 * const batch = positiveInteger({ max: 512 });
 * batch.check(127.6); // { ok: true, value: 128 }
 * batch.check(2000);  // { ok: true, value: 512 }
 * batch.check(0.2);   // { ok: false, reason: 'expected an integer >= 1 (after rounding)' }
 * ```
 */
export function positiveInteger(options: PositiveIntegerOptions = {}): ParamDomain {
  const { max, rounding = 'round' } = options;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new HyperscheduleError('positiveInteger.max', max, 'an integer >= 1');
  if (!['round', 'floor', 'ceil'].includes(rounding)) throw new HyperscheduleError('positiveInteger.rounding', rounding, '"round", "floor" or "ceil"');
  const allowed = max === undefined ? 'an integer >= 1' : `an integer in [1, ${max}]`;
  return {
    name: 'positiveInteger',
    allowed,
    check: (value) => {
      const n = Math[rounding](value);
      if (n < 1) return { ok: false, reason: 'expected an integer >= 1 (after rounding)' };
      return { ok: true, value: max === undefined ? n : Math.min(n, max) };
    },
  };
}

/**
 * Options of {@link range}: bounds and whether each is included (default: both included).
 *
 * @example
 * ```ts
 * import type { RangeOptions } from 'hyperschedule';
 * const o: RangeOptions = { min: 0, max: 1, maxInclusive: false };
 * ```
 */
export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
  readonly minInclusive?: boolean;
  readonly maxInclusive?: boolean;
}

/**
 * A custom interval.
 *
 * @example
 * ```ts
 * import { range } from 'hyperschedule';
 * const dampening = range({ min: 0, max: 1 });
 * dampening.check(1).ok;   // true
 * range({ min: 0, max: 1, maxInclusive: false }).check(1).ok; // false
 * ```
 */
export function range(options: RangeOptions): ParamDomain {
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, minInclusive = true, maxInclusive = true } = options;
  if (typeof min !== 'number' || Number.isNaN(min)) throw new HyperscheduleError('range.min', min, 'a number');
  if (typeof max !== 'number' || Number.isNaN(max) || max < min) throw new HyperscheduleError('range.max', max, `a number >= min (${min})`);
  const lo = Number.isFinite(min) ? `${minInclusive ? '[' : '('}${min}` : '(-inf';
  const hi = Number.isFinite(max) ? `${max}${maxInclusive ? ']' : ')'}` : 'inf)';
  return predicate('range', `a number in ${lo}, ${hi}`, (v) => (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max));
}

/**
 * The built-in domains. `finite` (any finite number) is the default.
 *
 * @example
 * ```ts
 * import { domains } from 'hyperschedule';
 * domains.positive.check(0).ok;      // false (a learning rate)
 * domains.nonNegative.check(0).ok;   // true  (a weight decay)
 * domains.unitInterval.check(0.99).ok; // true (a momentum / beta, in [0, 1))
 * domains.positiveInteger.check(31.7); // { ok: true, value: 32 }
 * ```
 */
export const domains = {
  finite: predicate('finite', 'a finite number', () => true),
  positive: predicate('positive', 'a number > 0', (v) => v > 0),
  nonNegative: predicate('nonNegative', 'a number >= 0', (v) => v >= 0),
  unitInterval: predicate('unitInterval', 'a number in [0, 1)', (v) => v >= 0 && v < 1),
  probability: predicate('probability', 'a number in [0, 1]', (v) => v >= 0 && v <= 1),
  positiveInteger: positiveInteger(),
} as const;

/**
 * A domain by name (`keyof typeof domains`) or a {@link ParamDomain} object.
 *
 * @example
 * ```ts
 * import type { DomainLike } from 'hyperschedule';
 * const d: DomainLike = 'positive';
 * ```
 */
export type DomainLike = keyof typeof domains | ParamDomain;

/**
 * Resolves a {@link DomainLike}.
 *
 * @example
 * ```ts
 * import { toDomain } from 'hyperschedule';
 * toDomain('unitInterval').allowed; // 'a number in [0, 1)'
 * ```
 */
export function toDomain(domain: DomainLike = 'finite', field = 'domain'): ParamDomain {
  if (typeof domain === 'string') {
    const found = (domains as Record<string, ParamDomain>)[domain];
    if (!found) throw new HyperscheduleError(field, domain, `one of ${Object.keys(domains).join(', ')} or a ParamDomain object`);
    return found;
  }
  if (typeof domain !== 'object' || domain === null || typeof domain.check !== 'function') {
    throw new HyperscheduleError(field, domain, 'a domain name or a ParamDomain object with check()');
  }
  return domain;
}
