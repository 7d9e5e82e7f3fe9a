import { HyperscheduleError } from './errors.js';

/**
 * The one validation vocabulary of hyperschedule: schedules, `fromTorch`, domains, optimizers and
 * every `state()`/`restore()` parser read input with these checks, so every error is a
 * {@link HyperscheduleError} naming the field, the value and the allowed range.
 *
 * Hand-written rather than zod: zod alone is ~450 KB of a browser bundle, and these few checks
 * are all the core needs.
 */

/** Bounds for a number; the error message is built from them. */
export interface NumberRange {
  readonly gt?: number;
  readonly ge?: number;
  readonly lt?: number;
  readonly le?: number;
  readonly integer?: boolean;
}

/**
 * Describes a {@link NumberRange} for an error message.
 *
 * @example
 * ```ts
 * describeRange({ ge: 0, lt: 1 }); // 'a finite number >= 0 and < 1'
 * ```
 */
export function describeRange(range: NumberRange): string {
  const parts: string[] = [];
  if (range.gt !== undefined) parts.push(`> ${range.gt}`);
  if (range.ge !== undefined) parts.push(`>= ${range.ge}`);
  if (range.lt !== undefined) parts.push(`< ${range.lt}`);
  if (range.le !== undefined) parts.push(`<= ${range.le}`);
  return `${range.integer ? 'a finite integer' : 'a finite number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/**
 * Whether `value` is finite and inside `range`.
 *
 * @example
 * ```ts
 * inRange(0.5, { gt: 0, le: 1 }); // true
 * ```
 */
export function inRange(value: number, range: NumberRange): boolean {
  return Number.isFinite(value)
    && (range.gt === undefined || value > range.gt)
    && (range.ge === undefined || value >= range.ge)
    && (range.lt === undefined || value < range.lt)
    && (range.le === undefined || value <= range.le)
    && (!range.integer || Number.isInteger(value));
}

/**
 * Reads one value: returns it typed, or throws a {@link HyperscheduleError} naming `field`.
 * Readers compose (`object`, `array`, `nullable`, ...) like a tiny zod.
 */
export type Check<T> = (value: unknown, field: string) => T;

function fail(field: string, value: unknown, allowed: string): never {
  throw new HyperscheduleError(field, value, allowed);
}

/**
 * A finite number inside `range` (`-0` is read as `0`, since JSON cannot carry `-0`).
 *
 * @example
 * ```ts
 * checkNumber({ ge: 0 })(3, 'clock.step'); // 3
 * ```
 */
export function checkNumber(range: NumberRange = {}): Check<number> {
  return (value, field) => (typeof value === 'number' && inRange(value, range) ? value + 0 : fail(field, value, describeRange(range)));
}

/**
 * `true` or `false`.
 *
 * @example
 * ```ts
 * checkBoolean()(true, 'clock.samplesCounted'); // true
 * ```
 */
export function checkBoolean(): Check<boolean> {
  return (value, field) => (typeof value === 'boolean' ? value : fail(field, value, 'true or false'));
}

/**
 * Any string.
 *
 * @example
 * ```ts
 * checkString()('lr', 'name'); // 'lr'
 * ```
 */
export function checkString(): Check<string> {
  return (value, field) => (typeof value === 'string' ? value : fail(field, value, 'a string'));
}

/**
 * One of the listed values; `expected` replaces the generated "one of ..." when the choice needs
 * explaining.
 *
 * @example
 * ```ts
 * checkOneOf(['step', 'epoch'] as const)('epoch', 'unit'); // 'epoch'
 * ```
 */
export function checkOneOf<T extends string | number>(allowed: readonly T[], expected?: string): Check<T> {
  return (value, field) => (allowed.includes(value as T) ? (value as T) : fail(field, value, expected ?? `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`));
}

/**
 * Any value, unchecked (for a nested state another parser reads).
 *
 * @example
 * ```ts
 * checkUnknown()({ any: 1 }, 'controller'); // { any: 1 }
 * ```
 */
export function checkUnknown(): Check<unknown> {
  return (value) => value;
}

/**
 * `null`, or what `inner` accepts.
 *
 * @example
 * ```ts
 * checkNullable(checkNumber())(null, 'next'); // null
 * ```
 */
export function checkNullable<T>(inner: Check<T>): Check<T | null> {
  return (value, field) => (value === null ? null : inner(value, field));
}

/**
 * `undefined` (absent), or what `inner` accepts.
 *
 * @example
 * ```ts
 * checkOptional(checkNumber())(undefined, 'min'); // undefined
 * ```
 */
export function checkOptional<T>(inner: Check<T>): Check<T | undefined> {
  return (value, field) => (value === undefined ? undefined : inner(value, field));
}

/**
 * An array whose every entry `inner` accepts; errors name the index (`history[3]`).
 *
 * @example
 * ```ts
 * checkArray(checkNumber({ ge: 0 }))([1, 2], 'queued'); // [1, 2]
 * ```
 */
export function checkArray<T>(inner: Check<T>): Check<T[]> {
  return (value, field) => (Array.isArray(value) ? value.map((v, i) => inner(v, `${field}[${i}]`)) : fail(field, value, 'an array'));
}

/**
 * A plain object (not `null`, not an array).
 *
 * @example
 * ```ts
 * isRecord({ a: 1 }); // true
 * ```
 */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object whose values `inner` accepts, keyed by any string.
 *
 * @example
 * ```ts
 * checkRecord(checkNumber())({ lr: 0.1 }, 'values'); // { lr: 0.1 }
 * ```
 */
export function checkRecord<T>(inner: Check<T>): Check<Record<string, T>> {
  return (value, field) => {
    if (!isRecord(value)) return fail(field, value, 'an object');
    const out: Record<string, T> = {};
    for (const [key, v] of Object.entries(value)) out[key] = inner(v, `${field}.${key}`);
    return out;
  };
}

type Shape = Readonly<Record<string, Check<unknown>>>;
type ShapeOutput<S extends Shape> = { -readonly [K in keyof S]: ReturnType<S[K]> };

/**
 * An object with exactly the listed fields (an unknown field is an error naming the accepted
 * ones, so a typo is reported, not ignored).
 *
 * @example
 * ```ts
 * const point = checkObject({ step: checkNumber({ ge: 0, integer: true }), value: checkNumber() });
 * point({ step: 3, value: 0.1 }, 'history[0]'); // { step: 3, value: 0.1 }
 * ```
 */
export function checkObject<S extends Shape>(shape: S): Check<ShapeOutput<S>> {
  const keys = Object.keys(shape);
  return (value, field) => {
    const record = checkOptions(value, field, keys);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const read = (shape[key] as Check<unknown>)(record[key], `${field}.${key}`);
      if (read !== undefined) out[key] = read;
    }
    return out as ShapeOutput<S>;
  };
}

/**
 * Exactly `expected` (a format version, say).
 *
 * @example
 * ```ts
 * checkLiteral(1)(1, 'version'); // 1
 * ```
 */
export function checkLiteral<T extends string | number | boolean>(expected: T): Check<T> {
  return (value, field) => (value === expected ? expected : fail(field, value, JSON.stringify(expected)));
}

/**
 * What an unknown field is told: the accepted names after `lead`, and the closest one when a
 * typo, a case or a snake_case spelling of it was given (`did you mean "unit"?`).
 *
 * @example
 * ```ts
 * noSuchField('unti', ['unit', 'run']); // 'no such field; accepted: unit, run (did you mean "unit"?)'
 * ```
 */
export function noSuchField(key: string, accepted: readonly string[], lead = 'accepted:'): string {
  const closest = closestName(key, accepted);
  const list = accepted.length > 0 ? accepted.join(', ') : 'nothing';
  return `no such field; ${lead} ${list}${closest === undefined ? '' : ` (did you mean "${closest}"?)`}`;
}

/**
 * Refuses every key of `record` that is not in `accepted`, naming `field.key`: how options
 * objects, specs and saved states all report a typo instead of ignoring it.
 *
 * @example
 * ```ts
 * checkKnownKeys({ unit: 'epoch' }, 'fromTorch.options', ['unit', 'run']); // fine
 * ```
 */
export function checkKnownKeys(record: Readonly<Record<string, unknown>>, field: string, accepted: readonly string[], lead?: string): void {
  for (const key of Object.keys(record)) {
    if (!accepted.includes(key)) fail(`${field}.${key}`, record[key], noSuchField(key, accepted, lead));
  }
}

/**
 * An options object (or any object of known fields): a plain object whose keys are all in
 * `accepted`, else an error naming `field` (or `field.key` and the closest accepted key).
 *
 * @example
 * ```ts
 * checkOptions({ run: { epochs: 3 } }, 'fromJSON.options', ['run', 'lambdas']).run; // { epochs: 3 }
 * // checkOptions(7, 'fromJSON.options', ['run', 'lambdas']) throws:
 * //   fromJSON.options: got 7, expected an object { run, lambdas }
 * ```
 */
export function checkOptions(value: unknown, field: string, accepted: readonly string[]): Readonly<Record<string, unknown>> {
  if (!isRecord(value)) fail(field, value, `an object { ${accepted.join(', ')} }`);
  checkKnownKeys(value, field, accepted);
  return value;
}

/** A name compared without case, `_` or `-`: `T_max`, `tmax` and `tMax` are one name. */
function normalName(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase();
}

/**
 * The accepted name closest to `name`: equal up to case, `_` and `-`, or within a few edits
 * (a typo, a swapped pair of letters); `undefined` when none is that close. Costs O(length of the
 * candidates) whatever `name` is.
 *
 * @example
 * ```ts
 * closestName('T_max', ['tMax', 'etaMin']); // 'tMax'
 * closestName('unti', ['unit', 'run']);     // 'unit'
 * ```
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > 200) return undefined;
  const wanted = normalName(name);
  // Edits allowed: 1 up to 3 characters, 2 up to 6, then 3.
  const limit = wanted.length <= 3 ? 1 : wanted.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const normal = normalName(candidate);
    const distance = normal === wanted ? 0 : wanted && normal ? editDistance(wanted, normal) : bestDistance;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: optimal string alignment. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const swap = a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? (before[j - 2] as number) + 1 : i + j;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1), swap);
    }
    before = above;
    above = row;
  }
  return above[b.length] as number;
}
