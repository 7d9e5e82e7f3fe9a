import { checkBoolean, checkKnownKeys, checkNumber, checkOneOf, checkOptions, describeRange, inRange, isRecord, type NumberRange } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { checkRunLength, resolveDuration, type Duration, type RunLength } from './duration.js';
import { TIME_UNITS, type JsonValue, type LambdaFn, type Schedule, type ScheduleSpec, type TimeUnit } from './schedule.js';

/**
 * How every family and combinator is written: ONE definition per schedule type gives both the
 * factory users call and the `fromJSON` decode path, so the accepted fields, their checks and
 * their error messages cannot drift apart. `json.ts` finds the decode path of a factory with
 * {@link definitionOf}.
 */

/**
 * How deep schedules may nest inside schedules (a leaf counts 1, `scale(leaf)` 2, ...): `fromJSON`
 * refuses a deeper spec and every combinator a deeper child, with an error naming where. 100 is
 * far beyond any real schedule (a warmup around a sequence of products is 4) and keeps every walk
 * of a schedule (`at`, `toJSON`, `fromJSON`) far from the engine's stack limit, so a hostile or
 * self-containing spec gets a field-naming error instead of `Maximum call stack size exceeded`.
 */
export const MAX_NESTING = 100;

/** What a nesting error expects. */
export const NESTING_ALLOWED = `at most ${MAX_NESTING} levels of schedules inside schedules`;

/** The nesting depth of every schedule a factory made (one absent from here counts 1). */
const NESTING = new WeakMap<Schedule, number>();

/**
 * The nesting depth of a schedule: 1 for a family or a schedule made elsewhere, one more than its
 * deepest child for a combinator.
 *
 * @example
 * ```ts
 * nestingOf(scale(constant({ value: 1 }), 2)); // 2
 * ```
 */
export function nestingOf(schedule: Schedule): number {
  return NESTING.get(schedule) ?? 1;
}

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
  /** The nesting depth of the schedule being built: one more than its deepest child read so far. */
  private depthSoFar = 1;

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
    if (this.currentUnit === undefined) throw new Error(`${this.name}: unit read before set`);
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

  /** The nesting depth of the schedule being built (see {@link MAX_NESTING}). */
  get depth(): number {
    return this.depthSoFar;
  }

  /** Throws the {@link HyperscheduleError} for `name.key`. */
  fail(key: string, value: unknown, allowed: string): never {
    throw new HyperscheduleError(`${this.name}.${key}`, value, allowed);
  }

  /** The raw value of a field (for checks of its own). */
  raw(key: K): unknown {
    return this.record[key];
  }

  /**
   * A number inside `range`; `fallback` when absent (no fallback: required). A fallback is checked
   * against `range` too: a range that depends on another argument (`upper > lower`) can exclude
   * the default, and the schedule must not be built from a value its own spec would refuse.
   */
  number(key: K, range: NumberRange = {}, fallback?: number): number {
    const value = this.record[key];
    if (value === undefined && fallback !== undefined) {
      if (!inRange(fallback, range)) this.fail(key, value, `${describeRange(range)} (not its default, ${fallback})`);
      return fallback;
    }
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
    // resolveDuration refuses anything but a number >= 0 or a time string.
    const resolved = resolveDuration(value as Duration, this.unit, this.context.run, field);
    if (positive && !(resolved > 0)) throw new HyperscheduleError(field, value, 'a duration > 0');
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
      this.fail(key, list, 'a non-empty array of schedules');
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
    let child: Schedule;
    if (decodeChild) {
      if (!isRecord(value)) this.fail(key, value, 'a schedule spec object with a "type" field');
      child = decodeChild(value as ScheduleSpec, key);
    } else {
      child = checkSchedule(value, `${this.name}.${key}`);
    }
    const depth = nestingOf(child) + 1;
    if (depth > MAX_NESTING) this.fail(key, depth, NESTING_ALLOWED);
    this.depthSoFar = Math.max(this.depthSoFar, depth);
    return child;
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
function makeSchedule(type: string, unit: TimeUnit, built: Built<string>, depth: number): Schedule {
  const spec: Record<string, JsonValue> = { type, unit };
  for (const [key, value] of Object.entries(built.spec)) if (value !== undefined) spec[key] = value;
  const frozen = deepFreeze(spec as ScheduleSpec);
  const schedule: Schedule = Object.freeze({ type, unit, at: built.at, toJSON: () => frozen, ...(built.end !== undefined ? { end: built.end } : {}) });
  if (depth > 1) NESTING.set(schedule, depth);
  return schedule;
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
  /** The spec fields besides `type` and `unit`. */
  readonly fields: readonly string[];
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
 * The arguments of one schedule, from a factory call or a spec (`decoding`): a field not in
 * `accepted` is refused (a typo such as `decaySteps` for `duration` is reported, not ignored), an
 * `undefined` field (and in a spec, JSON `null`) is absent, and `type` may only repeat the
 * schedule's own type (a spec passed back to its factory).
 */
function readArgs(name: string, type: string, accepted: readonly string[], record: Readonly<Record<string, unknown>>, decoding: boolean): Record<string, unknown> {
  const { type: given, ...rest } = record;
  if (given !== undefined && given !== type) throw new HyperscheduleError(`${name}.type`, given, `${JSON.stringify(type)} or no type`);
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) args[key] = value;
  checkKnownKeys(args, name, accepted, `${type} takes`);
  if (decoding) for (const key of Object.keys(args)) if (args[key] === null) delete args[key];
  return args;
}

/**
 * Reads the optional last argument of a combinator that resolves time strings
 * (`{ run?: RunLength }`): unknown keys and a bad run length are refused, naming `name.options`.
 *
 * @example
 * ```ts
 * runOption({ run: { stepsPerEpoch: 88 } }, 'warmup'); // { stepsPerEpoch: 88 }
 * ```
 */
export function runOption(options: unknown, name: string): RunLength | undefined {
  return options === undefined ? undefined : checkRunLength(checkOptions(options, `${name}.options`, ['run']).run, `${name}.options.run`);
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
 * factory; `fromJSON` decodes a spec with the same `build`. `codeOnly` lists arguments a factory
 * call takes that a spec cannot hold (`lambda`'s `fn`); any other unknown argument is refused, in
 * a call as in a spec.
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
  codeOnly: readonly K[] = [],
): Family<A> {
  const run = (record: Readonly<Record<string, unknown>>, context: ReadContext): Schedule => {
    const r = new ArgReader<K>(type, record, context);
    const unit = r.readUnit();
    const built = build(r);
    return makeSchedule(type, unit, built, r.depth);
  };
  const accepted = ['unit', ...fields];
  const factory: Family<A> = (args, options) => {
    if (!isRecord(args)) throw new HyperscheduleError(type, args, 'an options object');
    return run(readArgs(type, type, [...accepted, ...codeOnly], args, false), { run: runOption(options, type) });
  };
  DEFINITIONS.set(factory, { type, fields, decode: (spec, context) => run(readArgs(type, type, accepted, spec, true), decodeContext(context)) });
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
    return makeSchedule(type, r.unit, built, r.depth);
  };
  const accepted = ['unit', ...fields];
  const factory = (...params: P): Schedule => {
    const { args, run: length } = definition.params(...params);
    return run(readArgs(name, type, accepted, args as Readonly<Record<string, unknown>>, false), { run: length });
  };
  DEFINITIONS.set(factory, { type, fields, decode: (spec, context) => run(readArgs(name, type, accepted, spec, true), decodeContext(context)) });
  return factory;
}
