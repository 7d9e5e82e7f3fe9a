import { createHash } from 'node:crypto';
import { checkArray, checkNumber, checkObject, checkOptional, checkRecord, checkString, isRecord, type Check } from '../../check.js';
import { HyperscheduleError } from '../../errors.js';

/**
 * A JSON value (what trial parameters are made of).
 *
 * @example
 * ```ts
 * import type { JsonValue } from 'hyperschedule/node';
 * const v: JsonValue = { lr: 1e-3, tags: ['a'] };
 * ```
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The parameters of one trial: a JSON object.
 *
 * @example
 * ```ts
 * import type { TrialParams } from 'hyperschedule/node';
 * const p: TrialParams = { variant: 'one-cycle', peakLr: 5e-3, seed: 0 };
 * ```
 */
export type TrialParams = { readonly [key: string]: JsonValue };

/**
 * Values of one sweep axis: a list, or `logspace` / `linspace` like NumPy's (`[start, stop, n]`,
 * both ends included; `logspace` takes the values themselves, not exponents).
 *
 * @example
 * ```ts
 * import type { AxisValues } from 'hyperschedule/node';
 * const lrs: AxisValues = { logspace: [1e-5, 1e-2, 10] };
 * ```
 */
export type AxisValues = readonly JsonValue[] | { readonly logspace: readonly [number, number, number] } | { readonly linspace: readonly [number, number, number] };

/**
 * A sweep: trials are the union over `grids` of the full product of each grid's axes, each run
 * once per seed, with `base` giving the parameters every trial shares.
 *
 * @example
 * ```ts
 * import type { SweepConfig } from 'hyperschedule/node';
 * const study: SweepConfig = {
 *   name: 'study',
 *   base: { epochs: 100 },
 *   grids: [
 *     { variant: ['constant', 'one-cycle'], peakLr: { logspace: [1e-5, 1e-2, 10] } },
 *     { variant: ['warm-restarts'], peakLr: [4.6415888336127773e-4], t0: [10, 20, 30, 40, 50] },
 *   ],
 *   seeds: 3,
 * };
 * ```
 */
export interface SweepConfig {
  readonly name: string;
  readonly base?: TrialParams;
  readonly grids: readonly Readonly<Record<string, AxisValues>>[];
  /** A count (seeds 0..n-1) or the seeds themselves. */
  readonly seeds: number | readonly number[];
  /** Name of the seed parameter (default `'seed'`). */
  readonly seedKey?: string;
}

/**
 * One trial of a sweep: a stable id (the same parameters always give the same id, so reruns find
 * their results) and its parameters.
 *
 * @example
 * ```ts
 * import type { SweepTrial } from 'hyperschedule/node';
 * const t: SweepTrial = { id: 'variant-one-cycle_peakLr-0.005_seed-0_3f2a9c1b', params: { variant: 'one-cycle', peakLr: 0.005, seed: 0 } };
 * ```
 */
export interface SweepTrial {
  readonly id: string;
  readonly params: TrialParams;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new HyperscheduleError(field, value, allowed);
}

const finite = checkNumber();
const jsonValue: Check<JsonValue> = (value, field) => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return finite(value, field);
  if (Array.isArray(value)) return checkArray(jsonValue)(value, field);
  if (isRecord(value)) return checkRecord(jsonValue)(value, field);
  return fail(field, value, 'a JSON value (string, finite number, boolean, null, array or object)');
};

const count = checkNumber({ ge: 1, integer: true });
const triple: Check<readonly [number, number, number]> = (value, field) => {
  if (!Array.isArray(value) || value.length !== 3) return fail(field, value, '[start, stop, n]');
  return [finite(value[0], `${field}[0]`), finite(value[1], `${field}[1]`), count(value[2], `${field}[2]`)];
};
const AXIS = 'a non-empty list of values, { logspace: [start, stop, n] } or { linspace: [start, stop, n] }';
const axis: Check<AxisValues> = (value, field) => {
  if (Array.isArray(value)) return value.length > 0 ? checkArray(jsonValue)(value, field) : fail(field, value, AXIS);
  if (isRecord(value) && 'logspace' in value) return checkObject({ logspace: triple })(value, field);
  if (isRecord(value) && 'linspace' in value) return checkObject({ linspace: triple })(value, field);
  return fail(field, value, AXIS);
};

const nonEmpty = <T>(inner: Check<T[]>): Check<T[]> => (value, field) => {
  const list = inner(value, field);
  return list.length > 0 ? list : fail(field, value, 'a non-empty list');
};
const seeds: Check<number | number[]> = (value, field) =>
  Array.isArray(value) ? nonEmpty(checkArray(checkNumber({ integer: true })))(value, field) : count(value, field);
const pattern = (re: RegExp, allowed: string): Check<string> => (value, field) => {
  const text = checkString()(value, field);
  return re.test(text) ? text : fail(field, value, allowed);
};

const readConfig = checkObject({
  name: pattern(/^[\w.-]+$/, 'a non-empty name of letters, digits, _ . - only'),
  base: checkOptional(checkRecord(jsonValue)),
  grids: nonEmpty(checkArray(checkRecord(axis))),
  seeds,
  seedKey: checkOptional(pattern(/./, 'a non-empty string')),
});

/**
 * Checks a {@link SweepConfig} (e.g. read from JSON); errors name the field, the value and what is
 * allowed.
 *
 * @example
 * ```ts
 * import { parseSweepConfig } from 'hyperschedule/node';
 * parseSweepConfig({ name: 's', grids: [{ lr: [1e-3] }], seeds: 2 }).seeds; // 2
 * ```
 */
export function parseSweepConfig(value: unknown): SweepConfig {
  return readConfig(value, 'sweep');
}

/**
 * `n` values from `start` to `stop` evenly spaced on a log scale (NumPy's
 * `logspace(log10(start), log10(stop), n)`), both ends exact.
 *
 * @example
 * ```ts
 * import { logspace } from 'hyperschedule/node';
 * logspace(1e-5, 1e-2, 4); // [1e-5, 1e-4, 1e-3, 1e-2] (to rounding)
 * ```
 */
export function logspace(start: number, stop: number, n: number): number[] {
  if (!(start > 0) || !(stop > 0) || !Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new HyperscheduleError('logspace.start/stop', [start, stop], 'two finite numbers > 0');
  }
  if (!Number.isInteger(n) || n < 1) throw new HyperscheduleError('logspace.n', n, 'an integer >= 1');
  if (n === 1) return [start];
  const a = Math.log10(start);
  const b = Math.log10(stop);
  return Array.from({ length: n }, (_, i) => (i === 0 ? start : i === n - 1 ? stop : 10 ** (a + ((b - a) * i) / (n - 1))));
}

/**
 * `n` evenly spaced values from `start` to `stop`, both included.
 *
 * @example
 * ```ts
 * import { linspace } from 'hyperschedule/node';
 * linspace(10, 50, 5); // [10, 20, 30, 40, 50]
 * ```
 */
export function linspace(start: number, stop: number, n: number): number[] {
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new HyperscheduleError('linspace.start/stop', [start, stop], 'two finite numbers');
  if (!Number.isInteger(n) || n < 1) throw new HyperscheduleError('linspace.n', n, 'an integer >= 1');
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + ((stop - start) * i) / (n - 1)));
}

/**
 * The list of values of one axis.
 *
 * @example
 * ```ts
 * import { axisValues } from './config.js';
 * axisValues({ linspace: [0, 1, 3] }); // [0, 0.5, 1]
 * ```
 */
export function axisValues(values: AxisValues): JsonValue[] {
  if (Array.isArray(values)) return [...(values as readonly JsonValue[])];
  if ('logspace' in values) return logspace(...values.logspace);
  return linspace(...(values as { linspace: readonly [number, number, number] }).linspace);
}

/** JSON with object keys sorted, so equal parameters give equal text. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as { readonly [key: string]: JsonValue };
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function slugValue(value: JsonValue): string {
  const text = typeof value === 'number' ? String(Number(value.toPrecision(4))) : typeof value === 'string' ? value : canonical(value);
  return text.replace(/[^\w.+-]+/g, '-').slice(0, 40);
}

/**
 * A stable, file-name-safe id for trial parameters: the varying keys as `key-value` pairs for
 * humans, then a hash of all parameters (canonical JSON) so distinct trials never share an id.
 *
 * @example
 * ```ts
 * import { trialId } from './config.js';
 * trialId({ variant: 'constant', peakLr: 0.001, seed: 0 }, ['variant', 'peakLr', 'seed']);
 * // 'variant-constant_peakLr-0.001_seed-0_' + 8 hex digits
 * ```
 */
export function trialId(params: TrialParams, keys: readonly string[] = Object.keys(params)): string {
  const hash = createHash('sha256').update(canonical(params)).digest('hex').slice(0, 8);
  const label = keys.filter((k) => k in params).map((k) => `${k}-${slugValue(params[k]!)}`).join('_');
  return label ? `${label}_${hash}` : hash;
}

/**
 * Expands a sweep into its trials, in a stable order (grid by grid, axes in the order written,
 * seeds innermost). Trials that two grids both produce appear once.
 *
 * @example
 * ```ts
 * import { expandSweep } from 'hyperschedule/node';
 * const trials = expandSweep({ name: 's', base: { epochs: 5 }, grids: [{ lr: [1e-3, 1e-2] }], seeds: 2 });
 * trials.length;       // 4
 * trials[0]!.params;   // { epochs: 5, lr: 0.001, seed: 0 }
 * ```
 */
export function expandSweep(config: SweepConfig): SweepTrial[] {
  const c = parseSweepConfig(config);
  const seedKey = c.seedKey ?? 'seed';
  const seeds = typeof c.seeds === 'number' ? Array.from({ length: c.seeds }, (_, i) => i) : [...c.seeds];
  const seen = new Set<string>();
  const trials: SweepTrial[] = [];
  for (const [g, grid] of c.grids.entries()) {
    const axes = Object.entries(grid).map(([key, values]) => [key, axisValues(values)] as const);
    for (const [key] of axes) {
      if (key === seedKey) throw new HyperscheduleError(`sweep.grids[${g}].${key}`, key, `an axis other than the seed key "${seedKey}" (use seeds)`);
    }
    let combos: Record<string, JsonValue>[] = [{}];
    for (const [key, values] of axes) combos = combos.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
    const varying = [...axes.map(([k]) => k), seedKey];
    for (const combo of combos) {
      for (const seed of seeds) {
        const params: TrialParams = { ...(c.base ?? {}), ...combo, [seedKey]: seed };
        const key = canonical(params);
        if (seen.has(key)) continue;
        seen.add(key);
        trials.push({ id: trialId(params, varying), params });
      }
    }
  }
  return trials;
}
