import { checkBoolean, checkNumber, checkOneOf, isRecord, type NumberRange } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { resolveDuration, type RunLength } from './duration.js';
import { TIME_UNITS, type JsonValue, type LambdaFn, type Schedule, type ScheduleSpec, type TimeUnit } from './schedule.js';

/**
 * How every family and combinator is written: ONE definition per schedule type gives both the
 * factory users call and the `fromJSON` decode path, so the accepted fields, their checks and
 * their error messages cannot drift apart. `json.ts` finds the decode path of a factory with
 * {@link definitionOf}.
 */

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
 * The optional last argument of every combinator that takes a duration: the same
 * {@link FamilyOptions}, the run length used to resolve time strings such as `"6ep"` or `"0.1dur"`.
 *
 * @example
 * ```ts
 * import { cosine, warmup, type ResolveOptions } from 'hyperschedule';
 * const opts: ResolveOptions = { run: { stepsPerEpoch: 88, epochs: 100 } };
 * warmup(cosine({ init: 0.1, duration: '100ep' }, opts), { duration: '6ep' }, opts).at(528); // 0.1
 * ```
 */
export type ResolveOptions = FamilyOptions;

/** The field every family accepts: the unit its time `t` counts (default `'step'`). */
export interface UnitArg {
  readonly unit?: TimeUnit;
}

/** What a definition reads besides its arguments. */
interface ReadContext {
  readonly run: RunLength | undefined;
  /** Present only when decoding a spec: child schedules are then specs, rebuilt with this. */
  readonly decodeChild?: (spec: ScheduleSpec, key: string) => Schedule;
  /** `fromJSON`'s `lambdas` option (decoding only). */
  readonly lambdas?: Readonly<Record<string, LambdaFn>>;
}

/**
 * Reads and checks the arguments of one schedule: every error is a {@link HyperscheduleError}
 * naming `name.field`, the value and what is allowed. All checks run here, at construction, so
 * a schedule's `at(t)` never validates. `K` is the union of the definition's field names, so
 * reading a field the definition does not declare is a compile error.
 */
export class ArgReader<K extends string> {
  private currentUnit: TimeUnit | undefined;

  constructor(
    /** The name errors start with (`cosine`, `batchSizeSchedule`). */
    readonly name: string,
    private readonly record: Readonly<Record<string, unknown>>,
    private readonly context: ReadContext,
  ) {}

  /** True when decoding a spec (`fromJSON`), false in a factory call. */
  get decoding(): boolean {
    return this.context.decodeChild !== undefined;
  }

  /** `fromJSON`'s `lambdas` option (empty outside `fromJSON`). */
  get lambdas(): Readonly<Record<string, LambdaFn>> {
    return this.context.lambdas ?? {};
  }

  /** The schedule's unit: durations resolve into it. */
  get unit(): TimeUnit {
    if (this.currentUnit === undefined) throw new Error(`${this.name}: unit read before it was set`);
    return this.currentUnit;
  }

  /** Reads the `unit` field (default `'step'`): how a family gets its unit. */
  readUnit(): TimeUnit {
    const value = this.record.unit;
    this.currentUnit = value === undefined ? 'step' : checkOneOf(TIME_UNITS)(value, `${this.name}.unit`);
    return this.currentUnit;
  }

  /** Adopts the unit of the child schedules; a `unit` field, if given, must agree. */
  useUnit(unit: TimeUnit): TimeUnit {
    const given = this.record.unit;
    if (given !== undefined && given !== unit) this.fail('unit', given, `"${unit}" (the unit of its child schedules) or no unit`);
    this.currentUnit = unit;
    return unit;
  }

  /** Throws the {@link HyperscheduleError} for `name.key`. */
  fail(key: string, value: unknown, allowed: string): never {
    throw new HyperscheduleError(`${this.name}.${key}`, value, allowed);
  }

  /** The raw value of a field (for checks of its own). */
  raw(key: K): unknown {
    return this.record[key];
  }

  /** A number inside `range`; `fallback` when absent (no fallback: required). */
  number(key: K, range: NumberRange = {}, fallback?: number): number {
    const value = this.record[key];
    if (value === undefined && fallback !== undefined) return fallback;
    return checkNumber(range)(value, `${this.name}.${key}`);
  }

  /** A number inside `range`, or `undefined` when absent. */
  optionalNumber(key: K, range: NumberRange = {}): number | undefined {
    return this.record[key] === undefined ? undefined : this.number(key, range);
  }

  /** A finite number that is not a direct field (an array entry); `key` is relative to the name. */
  finiteAt(key: string, value: unknown): number {
    return checkNumber()(value, `${this.name}.${key}`);
  }

  /** `true` or `false`; `fallback` when absent. */
  boolean(key: K, fallback: boolean): boolean {
    const value = this.record[key];
    return value === undefined ? fallback : checkBoolean()(value, `${this.name}.${key}`);
  }

  /** One of `allowed`; `fallback` when absent. */
  oneOf<T extends string>(key: K, allowed: readonly T[], fallback: T): T {
    const value = this.record[key];
    return value === undefined ? fallback : checkOneOf(allowed)(value, `${this.name}.${key}`);
  }

  /** A required array field. */
  array(key: K): readonly unknown[] {
    const value = this.record[key];
    return Array.isArray(value) ? value : this.fail(key, value, 'an array');
  }

  /** A duration (a number or a time string) resolved into the unit; `positive` rejects 0. */
  duration(key: K, positive: boolean, fallback?: number): number {
    const value = this.record[key];
    if (value === undefined && fallback !== undefined) return fallback;
    return this.durationAt(`${this.name}.${key}`, value, positive);
  }

  /** Resolves one duration that is not a direct field; `field` is its full name. */
  durationAt(field: string, value: unknown, positive: boolean): number {
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new HyperscheduleError(field, value, `a ${positive ? 'duration > 0' : 'duration >= 0'}: a number or a time string such as "6ep"`);
    }
    const resolved = resolveDuration(value, this.unit, this.context.run, field);
    if (positive && !(resolved > 0)) throw new HyperscheduleError(field, value, 'a duration > 0 (a number or a time string such as "1ep")');
    return resolved + 0; // -0 -> 0: JSON cannot carry -0, and the round trip must be exact
  }

  /** An array of durations >= 0, strictly increasing (milestones, boundaries). */
  increasing(key: K): number[] {
    const raw = this.array(key);
    const times = raw.map((entry, i) => this.durationAt(`${this.name}.${key}[${i}]`, entry, false));
    times.forEach((time, i) => {
      if (i > 0 && !(time > times[i - 1]!)) this.fail(`${key}[${i}]`, raw[i], `a time > ${times[i - 1]} (${key} must be strictly increasing)`);
    });
    return times;
  }

  /** A child schedule: a {@link Schedule} in a factory call, a spec rebuilt by `fromJSON` when decoding. */
  schedule(key: K): Schedule {
    return this.child(this.record[key], key);
  }

  /** A non-empty array of child schedules that all count time in one unit. */
  schedules(key: K): Schedule[] {
    const list = this.record[key];
    if (!Array.isArray(list) || list.length === 0) {
      this.fail(key, list, this.decoding ? 'a non-empty array of schedule specs' : 'a non-empty array of schedules');
    }
    const children = (list as readonly unknown[]).map((entry, i) => this.child(entry, `${key}[${i}]`));
    const unit = children[0]!.unit;
    children.forEach((child, i) => {
      if (child.unit !== unit) this.fail(`${key}[${i}].unit`, child.unit, `"${unit}" (the unit of ${key}[0]); all children must share one unit`);
    });
    return children;
  }

  private child(value: unknown, key: string): Schedule {
    const decodeChild = this.context.decodeChild;
    if (decodeChild) {
      if (!isRecord(value)) this.fail(key, value, 'a schedule spec object with a "type" field');
      return decodeChild(value as ScheduleSpec, key);
    }
    return checkSchedule(value, `${this.name}.${key}`);
  }
}

/**
 * Throws unless `value` looks like a {@link Schedule} (an `at` function, `toJSON` and a known unit).
 *
 * @example
 * ```ts
 * checkSchedule(cosine({ init: 1, duration: 10 }), 'warmup.schedule').unit; // 'step'
 * ```
 */
export function checkSchedule(value: unknown, field: string): Schedule {
  const candidate = value as Partial<Schedule> | null | undefined;
  if (
    typeof candidate !== 'object' || candidate === null
    || typeof candidate.at !== 'function' || typeof candidate.toJSON !== 'function'
    || !TIME_UNITS.includes(candidate.unit as TimeUnit)
  ) {
    throw new HyperscheduleError(field, value, 'a Schedule (an object with at(t), unit and toJSON())');
  }
  return candidate as Schedule;
}

/**
 * A child's spec as a JSON value for nesting. `ScheduleSpec` allows `undefined` fields (absent
 * options), which `JsonValue` does not; JSON drops them anyway, so the cast is safe.
 */
export function specOf(schedule: Schedule): JsonValue {
  return schedule.toJSON() as unknown as JsonValue;
}

/**
 * What a definition builds: the resolved spec (exactly the declared fields; `undefined` ones are
 * left out of `toJSON()`), the value function and, when the value settles, its `end`.
 */
export interface Built<K extends string> {
  readonly spec: { readonly [P in K]: JsonValue | undefined };
  readonly at: (t: number) => number;
  readonly end?: number | undefined;
}

/**
 * The smallest double above `x >= 0`: the `end` of a schedule whose last change happens just
 * after `x` (a step that takes effect for `t > x`).
 *
 * @example
 * ```ts
 * justAfter(1) > 1; // true
 * ```
 */
export function justAfter(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = new BigInt64Array(Float64Array.of(x).buffer);
  bits[0] = bits[0]! + 1n;
  return new Float64Array(bits.buffer)[0]!;
}

/**
 * Where `x` goes in the ascending `sorted`: after the entries equal to it when `right` (Python's
 * `bisect_right`: the count of entries <= x), before them otherwise (`bisect_left`: the count of
 * entries < x). The binary search of the step-wise families' `at(t)`: it allocates nothing, and
 * takes `length` (`sorted.length`) from the caller, because reading a typed array's length on every
 * call costs a fifth of such an `at(t)`.
 *
 * @example
 * ```ts
 * bisect(Float64Array.of(10, 20), 2, 10, true);  // 1
 * bisect(Float64Array.of(10, 20), 2, 10, false); // 0
 * ```
 */
export function bisect(sorted: Float64Array, length: number, x: number, right: boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? sorted[mid]! <= x : sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Freezes arrays nested in a spec so a returned `toJSON()` cannot be mutated. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}

/** The frozen {@link Schedule} value: `at` is the hot path (no validation, no allocation). */
function makeSchedule(type: string, unit: TimeUnit, built: Built<string>): Schedule {
  const spec: Record<string, JsonValue> = { type, unit };
  for (const [key, value] of Object.entries(built.spec)) if (value !== undefined) spec[key] = value;
  const frozen = deepFreeze(spec as ScheduleSpec);
  return Object.freeze({ type, unit, at: built.at, toJSON: () => frozen, ...(built.end !== undefined ? { end: built.end } : {}) });
}

/** What `fromJSON` passes to a decode besides the spec. */
export interface DecodeContext {
  readonly run?: RunLength;
  readonly lambdas?: Readonly<Record<string, LambdaFn>>;
  /** Decodes a child spec; `key` (`schedules[1]`) names where it sits, for error paths. */
  readonly decodeChild: (spec: ScheduleSpec, key: string) => Schedule;
}

/** The decode path of one schedule type, as `fromJSON` uses it. */
export interface Definition {
  readonly type: string;
  decode(spec: ScheduleSpec, context: DecodeContext): Schedule;
}

const DEFINITIONS = new WeakMap<object, Definition>();

/**
 * The decode path of a factory made by {@link defineFamily} or {@link defineCombinator}.
 *
 * @example
 * ```ts
 * definitionOf(cosine).type; // 'cosine'
 * ```
 */
export function definitionOf(factory: object): Definition {
  const definition = DEFINITIONS.get(factory);
  if (!definition) throw new Error('not a schedule factory made by defineFamily or defineCombinator');
  return definition;
}

/**
 * Decoding: a field the definition does not declare is an error (a typo such as `decaySteps`
 * for `duration` is reported, not ignored), and JSON `null` means "absent".
 */
function specArgs(name: string, type: string, fields: readonly string[], spec: ScheduleSpec): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'type') continue;
    if (key !== 'unit' && !fields.includes(key)) {
      throw new HyperscheduleError(`${name}.${key}`, value, `no such field; ${type} takes unit, ${fields.join(', ')}`);
    }
    if (value !== null && value !== undefined) args[key] = value;
  }
  return args;
}

function decodeContext(context: DecodeContext): ReadContext {
  return { run: context.run, decodeChild: context.decodeChild, ...(context.lambdas ? { lambdas: context.lambdas } : {}) };
}

/**
 * A schedule family: `(args, options?) => Schedule`.
 */
export type Family<A> = (args: A, options?: FamilyOptions) => Schedule;

/**
 * Defines a family: its `type`, the fields of its arguments (the spec fields `fromJSON` accepts
 * besides `type` and `unit`) and `build`, which reads them and returns the formula. Gives the
 * factory; `fromJSON` decodes a spec with the same `build`.
 *
 * @example
 * ```ts
 * const constant = defineFamily<ConstantArgs>('constant', ['value'], (r) => {
 *   const value = r.number('value');
 *   return { spec: { value }, at: () => value, end: 0 };
 * });
 * ```
 */
export function defineFamily<A extends UnitArg, K extends string = Exclude<keyof A, 'unit'> & string>(
  type: string,
  fields: readonly K[],
  build: (r: ArgReader<K>) => Built<K>,
): Family<A> {
  const run = (record: Readonly<Record<string, unknown>>, context: ReadContext): Schedule => {
    const r = new ArgReader<K>(type, record, context);
    const unit = r.readUnit();
    return makeSchedule(type, unit, build(r));
  };
  const factory: Family<A> = (args, options) => {
    if (!isRecord(args)) throw new HyperscheduleError(type, args, 'an options object');
    if (options !== undefined && !isRecord(options as unknown)) throw new HyperscheduleError(`${type}.options`, options, 'an object { run?: RunLength } or nothing');
    return run(args, { run: options?.run });
  };
  DEFINITIONS.set(factory, { type, decode: (spec, context) => run(specArgs(type, type, fields, spec), decodeContext(context)) });
  return factory;
}

/**
 * How a combinator is defined: `params` turns the factory's positional arguments into named
 * fields (and the run length), `build` reads them like a family does (child schedules with
 * `r.schedule` / `r.schedules`, then `r.useUnit(child.unit)`).
 */
export interface CombinatorDefinition<K extends string, P extends unknown[]> {
  /** The spec `type`. */
  readonly type: string;
  /** The name errors start with, when it differs from `type` (the factory's name). */
  readonly name?: string;
  /** The spec fields besides `type` and `unit`. */
  readonly fields: readonly K[];
  readonly params: (...params: P) => { readonly args: { readonly [F in K]?: unknown }; readonly run?: RunLength | undefined };
  readonly build: (r: ArgReader<K>) => Built<K>;
}

/**
 * Defines a combinator (or any schedule built from other schedules): gives the factory, and
 * `fromJSON` decodes a spec with the same `build`.
 *
 * @example
 * ```ts
 * const scale = defineCombinator({
 *   type: 'scale',
 *   fields: ['schedule', 'factor'],
 *   params: (schedule: Schedule, factor: number) => ({ args: { schedule, factor } }),
 *   build(r) {
 *     const child = r.schedule('schedule');
 *     r.useUnit(child.unit);
 *     const factor = r.number('factor');
 *     return { spec: { schedule: specOf(child), factor }, at: (t) => factor * child.at(t), end: child.end };
 *   },
 * });
 * ```
 */
export function defineCombinator<K extends string, P extends unknown[]>(definition: CombinatorDefinition<K, P>): (...params: P) => Schedule {
  const { type, fields, build } = definition;
  const name = definition.name ?? type;
  const run = (record: Readonly<Record<string, unknown>>, context: ReadContext): Schedule => {
    const r = new ArgReader<K>(name, record, context);
    const built = build(r);
    return makeSchedule(type, r.unit, built);
  };
  const factory = (...params: P): Schedule => {
    const { args, run: length } = definition.params(...params);
    return run(args as Readonly<Record<string, unknown>>, { run: length });
  };
  DEFINITIONS.set(factory, { type, decode: (spec, context) => run(specArgs(name, type, fields, spec), decodeContext(context)) });
  return factory;
}
