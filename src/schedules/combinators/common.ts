import { HyperscheduleError } from '../../errors.js';
import type { DecodeContext } from '../codec.js';
import { resolveDuration, type Duration, type RunLength } from '../duration.js';
import { TIME_UNITS, type JsonValue, type Schedule, type ScheduleSpec, type TimeUnit } from '../schedule.js';

/**
 * The optional last argument of every combinator that takes a {@link Duration}: the run length
 * used to resolve time strings such as `"6ep"` or `"0.1dur"`.
 *
 * @example
 * ```ts
 * import { cosine, warmup, type ResolveOptions } from 'hyperschedule';
 * const opts: ResolveOptions = { run: { stepsPerEpoch: 88, epochs: 100 } };
 * warmup(cosine({ init: 0.1, duration: '100ep' }, opts), { duration: '6ep' }, opts).at(528); // 0.1
 * ```
 */
export interface ResolveOptions {
  readonly run?: RunLength;
}

/**
 * Relative tolerance for landing on a grid point: time computed in floating point can fall a hair
 * short of one (0.3 / 0.1 = 2.9999999999999996, 15 * p % p = p - 1e-16). Such a time counts as on
 * the grid point. 1e-12 of a period is far below any real step yet far above float noise.
 */
export const GRID_SNAP = 1e-12;

/** Throws unless `value` looks like a {@link Schedule} (an `at` function and a known unit). */
export function assertSchedule(value: unknown, field: string): Schedule {
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
 * Validates a non-empty list of child schedules that all count time in one unit, and returns that
 * unit. `name` is the combinator (`"product"`), `field` the argument (`"schedules"`).
 */
export function sharedUnit(schedules: unknown, name: string, field = 'schedules'): { children: Schedule[]; unit: TimeUnit } {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new HyperscheduleError(`${name}.${field}`, schedules, 'a non-empty array of schedules');
  }
  const children = schedules.map((s, i) => assertSchedule(s, `${name}.${field}[${i}]`));
  const unit = children[0]!.unit;
  children.forEach((child, i) => {
    if (child.unit !== unit) {
      throw new HyperscheduleError(`${name}.${field}[${i}].unit`, child.unit, `"${unit}" (the unit of ${field}[0]); all children must share one unit`);
    }
  });
  return { children, unit };
}

/** Throws unless `value` is a finite number. */
export function finite(value: unknown, field: string, allowed = 'a finite number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HyperscheduleError(field, value, allowed);
  return value;
}

/** Resolves a duration and checks it is strictly positive. */
export function positiveDuration(value: Duration, unit: TimeUnit, options: ResolveOptions | undefined, field: string): number {
  const resolved = resolveDuration(value, unit, options?.run, field);
  if (!(resolved > 0)) throw new HyperscheduleError(field, value, 'a duration > 0 (a number or a time string such as "1ep")');
  return resolved;
}

// ---- helpers for codecs: read one field of a spec with a clear error ----

/** `DecodeContext.fromJSON`: takes the child's key so errors name its path (`spec.sequence.schedules[1].type`). */
type FromJSON = DecodeContext['fromJSON'];

/** Reads a child schedule spec field and decodes it. */
export function decodeChild(spec: ScheduleSpec, key: string, fromJSON: FromJSON): Schedule {
  const child = spec[key];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) {
    throw new HyperscheduleError(`${spec.type}.${key}`, child, 'a schedule spec object with a "type" field');
  }
  return fromJSON(child as ScheduleSpec, key);
}

/** Reads an array-of-specs field and decodes every child. */
export function decodeChildren(spec: ScheduleSpec, key: string, fromJSON: FromJSON): Schedule[] {
  const list = spec[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new HyperscheduleError(`${spec.type}.${key}`, list, 'a non-empty array of schedule specs');
  }
  return (list as readonly JsonValue[]).map((child, i) => {
    if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      throw new HyperscheduleError(`${spec.type}.${key}[${i}]`, child, 'a schedule spec object with a "type" field');
    }
    return fromJSON(child as ScheduleSpec, `${key}[${i}]`);
  });
}

/** Reads a duration field (number or time string) of a spec; `undefined` when absent and optional. */
export function specDuration(spec: ScheduleSpec, key: string): Duration {
  const value = spec[key];
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new HyperscheduleError(`${spec.type}.${key}`, value, 'a number or a time string such as "6ep"');
  }
  return value;
}

/** Reads an optional number field of a spec. */
export function specNumber(spec: ScheduleSpec, key: string): number | undefined {
  const value = spec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new HyperscheduleError(`${spec.type}.${key}`, value, 'a finite number');
  return value;
}

/**
 * Rejects fields a combinator does not take, so a typo (`boundary` for `boundaries`) is reported
 * instead of silently ignored — the same rule the family codecs follow.
 */
export function checkFields(spec: ScheduleSpec, fields: readonly string[]): void {
  for (const key of Object.keys(spec)) {
    if (key !== 'type' && key !== 'unit' && !fields.includes(key)) {
      throw new HyperscheduleError(`${spec.type}.${key}`, spec[key], `no such field; ${spec.type} takes unit, ${fields.join(', ')}`);
    }
  }
}

/**
 * Checks a spec's optional `unit` against the unit of its decoded children: a hand-edited spec
 * that says `"epoch"` over step-based children is a mistake worth reporting.
 */
export function checkSpecUnit(spec: ScheduleSpec, unit: TimeUnit): void {
  if (spec.unit !== undefined && spec.unit !== unit) {
    throw new HyperscheduleError(`${spec.type}.unit`, spec.unit, `"${unit}" (the unit of its child schedules) or no unit`);
  }
}

/**
 * A child's spec as a JSON value for nesting. `ScheduleSpec` allows `undefined` fields (absent
 * options), which `JsonValue` does not; JSON drops them anyway, so the cast is safe.
 */
export function childSpec(schedule: Schedule): JsonValue {
  return schedule.toJSON() as unknown as JsonValue;
}
