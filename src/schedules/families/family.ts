import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { resolveDuration, type Duration, type RunLength } from '../duration.js';
import { TIME_UNITS, type JsonValue, type Schedule, type ScheduleSpec, type TimeUnit } from '../schedule.js';

/**
 * The optional second argument of every family factory: the run length used to resolve time
 * strings such as `"6ep"` or `"0.1dur"` into the schedule's unit.
 *
 * @example
 * ```ts
 * import { cosine, type FamilyOptions } from 'hyperschedule';
 * const opts: FamilyOptions = { run: { epochs: 100, stepsPerEpoch: 88 } };
 * cosine({ init: 0.1, duration: '100ep' }, opts).toJSON().duration; // 8800
 * ```
 */
export interface FamilyOptions {
  readonly run?: RunLength;
}

/**
 * The field every family accepts: the unit its time `t` counts (default `'step'`). Durations
 * given as time strings are resolved into this unit.
 *
 * @example
 * ```ts
 * import { stepDecay, type UnitArg } from 'hyperschedule';
 * const perEpoch: UnitArg = { unit: 'epoch' };
 * stepDecay({ init: 0.1, stepSize: 30, gamma: 0.1, ...perEpoch }).at(30); // 0.01 (approx.)
 * ```
 */
export interface UnitArg {
  readonly unit?: TimeUnit;
}

/** Bounds for a number argument; the error message is built from them. */
export interface NumberRule {
  readonly gt?: number;
  readonly ge?: number;
  readonly lt?: number;
  readonly le?: number;
  readonly integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.ge !== undefined) parts.push(`>= ${rule.ge}`);
  if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
  if (rule.le !== undefined) parts.push(`<= ${rule.le}`);
  return `${rule.integer ? 'a finite integer' : 'a finite number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

function satisfies(value: number, rule: NumberRule): boolean {
  return Number.isFinite(value)
    && (rule.gt === undefined || value > rule.gt)
    && (rule.ge === undefined || value >= rule.ge)
    && (rule.lt === undefined || value < rule.lt)
    && (rule.le === undefined || value <= rule.le)
    && (!rule.integer || Number.isInteger(value));
}

/**
 * Reads and validates the arguments of one family call. Every error names `family.field`, the
 * value and what is allowed; all checks run here, at construction, so `at(t)` never validates.
 */
export interface ArgReader {
  readonly family: string;
  readonly unit: TimeUnit;
  /** Raw value of a field (for family-specific checks). */
  raw(key: string): unknown;
  /** Throws a HyperscheduleError for `family.key`. */
  fail(key: string, value: unknown, allowed: string): never;
  number(key: string, rule?: NumberRule, fallback?: number): number;
  optionalNumber(key: string, rule?: NumberRule): number | undefined;
  /** A {@link Duration} resolved into the schedule's unit; `positive` rejects 0. */
  duration(key: string, positive: boolean, fallback?: number): number;
  optionalDuration(key: string, positive: boolean): number | undefined;
  /** Resolves one Duration that is not a direct field (an array entry); `field` is its full name. */
  durationAt(field: string, value: unknown, positive: boolean): number;
  boolean(key: string, fallback: boolean): boolean;
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T;
  array(key: string): readonly unknown[];
  /** Checks one finite number that is not a direct field (an array entry); `key` is relative to the family. */
  finiteAt(key: string, value: unknown): number;
}

/**
 * Creates the {@link ArgReader} for one family call.
 *
 * @example
 * ```ts
 * const r = readArgs('stepDecay', { init: 0.1, stepSize: '2ep', gamma: 0.5 }, { run: { stepsPerEpoch: 10 } });
 * r.duration('stepSize', true); // 20
 * ```
 */
export function readArgs(family: string, args: unknown, options: FamilyOptions | undefined): ArgReader {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new HyperscheduleError(family, args, 'an options object');
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new HyperscheduleError(`${family}.options`, options, 'an object { run?: RunLength } or nothing');
  }
  const record = args as Readonly<Record<string, unknown>>;
  const run = options?.run;
  const fail = (key: string, value: unknown, allowed: string): never => {
    throw new HyperscheduleError(`${family}.${key}`, value, allowed);
  };
  const unitValue = record.unit;
  if (unitValue !== undefined && !TIME_UNITS.includes(unitValue as TimeUnit)) {
    fail('unit', unitValue, `one of ${TIME_UNITS.map((u) => `"${u}"`).join(', ')}`);
  }
  const unit: TimeUnit = (unitValue as TimeUnit | undefined) ?? 'step';

  const durationAt = (field: string, value: unknown, positive: boolean): number => {
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new HyperscheduleError(field, value, `a ${positive ? 'duration > 0' : 'duration >= 0'}: a number or a time string such as "6ep"`);
    }
    const resolved = resolveDuration(value as Duration, unit, run, field);
    if (positive && !(resolved > 0)) {
      throw new HyperscheduleError(field, value, 'a duration > 0 (a number or a time string such as "1ep")');
    }
    return resolved + 0;
  };

  const reader: ArgReader = {
    family,
    unit,
    raw: (key) => record[key],
    fail,
    number(key, rule = {}, fallback) {
      const value = record[key];
      if (value === undefined && fallback !== undefined) return fallback;
      if (typeof value !== 'number' || !satisfies(value, rule)) return fail(key, value, describeRule(rule));
      return value + 0; // -0 -> 0: JSON cannot carry -0, and the round trip must be exact
    },
    optionalNumber(key, rule = {}) {
      return record[key] === undefined ? undefined : reader.number(key, rule);
    },
    duration(key, positive, fallback) {
      const value = record[key];
      if (value === undefined && fallback !== undefined) return fallback;
      return durationAt(`${family}.${key}`, value, positive);
    },
    optionalDuration(key, positive) {
      return record[key] === undefined ? undefined : durationAt(`${family}.${key}`, record[key], positive);
    },
    durationAt,
    boolean(key, fallback) {
      const value = record[key];
      if (value === undefined) return fallback;
      if (typeof value !== 'boolean') return fail(key, value, 'true or false');
      return value;
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
      const value = record[key];
      if (value === undefined) return fallback;
      if (!allowed.includes(value as T)) return fail(key, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
      return value as T;
    },
    finiteAt(key, value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(key, value, 'a finite number');
      return value + 0;
    },
    array(key) {
      const value = record[key];
      if (!Array.isArray(value)) return fail(key, value, 'an array');
      return value;
    },
  };
  return reader;
}

/** Freezes arrays nested in a spec so a returned `toJSON()` cannot be mutated. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}

/**
 * Builds the frozen {@link Schedule} value of a family: `at` is the hot path (no validation, no
 * allocation), `toJSON` returns the resolved spec (absent optional fields are left out).
 *
 * @example
 * ```ts
 * const s = makeSchedule('constant', 'step', { value: 2 }, () => 2);
 * s.toJSON(); // { type: 'constant', unit: 'step', value: 2 }
 * ```
 */
export function makeSchedule(
  type: string,
  unit: TimeUnit,
  fields: Readonly<Record<string, JsonValue | undefined>>,
  at: (t: number) => number,
): Schedule {
  const spec: Record<string, JsonValue> = { type, unit };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) spec[key] = value;
  const frozen = deepFreeze(spec as ScheduleSpec);
  return Object.freeze({ type, unit, at, toJSON: () => frozen });
}

/**
 * The codec of a family: checks that the spec has no unknown fields (a typo such as
 * `decaySteps` for `duration` is reported, not ignored), maps JSON `null` to "absent", and calls
 * the factory with the run length from the decode context.
 *
 * @example
 * ```ts
 * const codec = familyCodec('constant', ['value'], (args, opts) => constant(args as ConstantArgs, opts));
 * ```
 */
export function familyCodec(
  type: string,
  fields: readonly string[],
  build: (args: Readonly<Record<string, unknown>>, options: FamilyOptions, spec: ScheduleSpec, context: Parameters<ScheduleCodec['decode']>[1]) => Schedule,
): ScheduleCodec {
  const allowed = new Set(['type', 'unit', ...fields]);
  return Object.freeze({
    type,
    decode(spec: ScheduleSpec, context: Parameters<ScheduleCodec['decode']>[1]): Schedule {
      const args: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(spec)) {
        if (!allowed.has(key)) {
          throw new HyperscheduleError(`${type}.${key}`, value, `no such field; ${type} takes ${[...allowed].filter((k) => k !== 'type').join(', ')}`);
        }
        if (key !== 'type' && value !== null && value !== undefined) args[key] = value;
      }
      return build(args, context.run ? { run: context.run } : {}, spec, context);
    },
  });
}
