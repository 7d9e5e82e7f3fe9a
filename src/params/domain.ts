import { checkNumber, checkOneOf, checkOptional, inRange, type NumberRange } from '../check.js';
import { HyperscheduleError, describeValue } from '../errors.js';

/**
 * The result of checking a candidate against a {@link ParamDomain}: the (possibly normalised)
 * value, or why it is refused.
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
  /** The interval, when the domain is one (in the `NumberRange` vocabulary of every other check). */
  readonly range?: NumberRange;
  check(value: number): DomainCheck;
}

/** Interval notation for a range: `a number > 0`, `a number in [0, 1)`, `a finite number`. */
function intervalText(range: NumberRange): string {
  const lower = range.gt ?? range.ge;
  const upper = range.lt ?? range.le;
  if (lower === undefined && upper === undefined) return 'a finite number';
  if (upper === undefined) return `a number ${range.gt !== undefined ? '>' : '>='} ${lower}`;
  if (lower === undefined) return `a number ${range.lt !== undefined ? '<' : '<='} ${upper}`;
  return `a number in ${range.gt !== undefined ? '(' : '['}${lower}, ${upper}${range.lt !== undefined ? ')' : ']'}`;
}

function interval(name: string, range: NumberRange): ParamDomain {
  const allowed = intervalText(range);
  return { name, allowed, range, check: (value) => (inRange(value, range) ? { ok: true, value } : { ok: false, reason: `expected ${allowed}` }) };
}

/**
 * Checks a candidate as a parameter does: NaN/±Infinity are refused, `-0` becomes `0` (it
 * compares equal, so keeping it would make a value depend on history), then the domain decides.
 *
 * @example
 * ```ts
 * import { checkCandidate, domains } from './domain.js';
 * checkCandidate(domains.positive, Number.NaN); // { ok: false, reason: 'non-finite candidate NaN' }
 * ```
 */
export function checkCandidate(domain: ParamDomain, candidate: number): DomainCheck {
  if (typeof candidate !== 'number' || !Number.isFinite(candidate)) return { ok: false, reason: `non-finite candidate ${describeValue(candidate)}` };
  return domain.check(candidate === 0 ? 0 : candidate);
}

/**
 * Options of {@link positiveInteger}.
 */
export interface PositiveIntegerOptions {
  /** Ceiling (e.g. what fits in memory): larger candidates are capped to it, not refused. */
  readonly max?: number;
  /** How a fractional candidate becomes an integer. Default `'round'`. */
  readonly rounding?: 'round' | 'floor' | 'ceil';
}

const readMax = checkOptional(checkNumber({ ge: 1, integer: true }));
const readRounding = checkOptional(checkOneOf(['round', 'floor', 'ceil'] as const));

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
  const max = readMax(options.max, 'positiveInteger.max');
  const rounding = readRounding(options.rounding, 'positiveInteger.rounding') ?? 'round';
  return {
    name: 'positiveInteger',
    allowed: max === undefined ? 'an integer >= 1' : `an integer in [1, ${max}]`,
    range: { ge: 1, integer: true, ...(max === undefined ? {} : { le: max }) },
    check: (value) => {
      const n = Math[rounding](value);
      if (n < 1) return { ok: false, reason: 'expected an integer >= 1 (after rounding)' };
      return { ok: true, value: max === undefined ? n : Math.min(n, max) };
    },
  };
}

/**
 * Options of {@link range}: bounds and whether each is included (default: both included).
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
  if (typeof min !== 'number' || Number.isNaN(min) || min === Number.POSITIVE_INFINITY) throw new HyperscheduleError('range.min', min, 'a number (or -Infinity)');
  if (typeof max !== 'number' || Number.isNaN(max) || max < min) throw new HyperscheduleError('range.max', max, `a number >= min (${min})`);
  const bounds: { gt?: number; ge?: number; lt?: number; le?: number } = {};
  if (Number.isFinite(min)) bounds[minInclusive ? 'ge' : 'gt'] = min;
  if (Number.isFinite(max)) bounds[maxInclusive ? 'le' : 'lt'] = max;
  return interval('range', bounds);
}

/**
 * The built-in domains. `finite` (any finite number) is the default; the usual choices are
 * `positive` for a learning rate, `nonNegative` for a weight decay, `unitInterval` ([0, 1)) for
 * a momentum or an Adam beta, `probability` ([0, 1]) for a dropout rate, `positiveInteger` for a
 * batch size.
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
  finite: interval('finite', {}),
  positive: interval('positive', { gt: 0 }),
  nonNegative: interval('nonNegative', { ge: 0 }),
  unitInterval: interval('unitInterval', { ge: 0, lt: 1 }),
  probability: interval('probability', { ge: 0, le: 1 }),
  positiveInteger: positiveInteger(),
} as const;

/**
 * A domain by name (`keyof typeof domains`) or a {@link ParamDomain} object.
 */
export type DomainLike = keyof typeof domains | ParamDomain;

/**
 * Resolves a {@link DomainLike}.
 *
 * @example
 * ```ts
 * import { toDomain } from './domain.js';
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
