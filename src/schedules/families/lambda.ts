import { HyperscheduleError } from '../../errors.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * A user function of training time, registered under a name so specs can refer to it.
 *
 * @example
 * ```ts
 * import type { LambdaFn } from 'hyperschedule';
 * const halving: LambdaFn = (t) => 0.1 / 2 ** Math.floor(t / 10);
 * ```
 */
export type LambdaFn = (t: number) => number;

const REGISTRY = new Map<string, LambdaFn>();

function checkName(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new HyperscheduleError(field, name, 'a non-empty string');
  return name;
}

/**
 * Registers `fn` under `name` so `lambda({ name })` and `fromJSON({ type: 'lambda', name })` can
 * find it. Registering a name again replaces the function for schedules built afterwards.
 *
 * @example
 * ```ts
 * import { registerLambda, fromJSON } from 'hyperschedule';
 * registerLambda('halving', (t) => 0.1 / 2 ** Math.floor(t / 10));
 * fromJSON({ type: 'lambda', name: 'halving' }).at(25); // 0.025
 * ```
 */
export function registerLambda(name: string, fn: LambdaFn): void {
  checkName(name, 'registerLambda.name');
  if (typeof fn !== 'function') throw new HyperscheduleError('registerLambda.fn', fn, 'a function (t: number) => number');
  REGISTRY.set(name, fn);
}

/**
 * Removes a registered lambda; returns whether it was registered.
 *
 * @example
 * ```ts
 * import { registerLambda, unregisterLambda } from 'hyperschedule';
 * registerLambda('tmp', () => 1);
 * unregisterLambda('tmp'); // true
 * ```
 */
export function unregisterLambda(name: string): boolean {
  return REGISTRY.delete(name);
}

/**
 * Names of every registered lambda, sorted.
 *
 * @example
 * ```ts
 * import { registeredLambdas } from 'hyperschedule';
 * registeredLambdas(); // e.g. ['halving']
 * ```
 */
export function registeredLambdas(): string[] {
  return [...REGISTRY.keys()].sort();
}

/**
 * Arguments of {@link lambda}.
 *
 * @example
 * ```ts
 * import { lambda, type LambdaArgs } from 'hyperschedule';
 * const args: LambdaArgs = { name: 'double', fn: (t) => 2 * t };
 * lambda(args).at(3); // 6
 * ```
 */
export interface LambdaArgs extends UnitArg {
  /** Name the function is registered under; JSON stores only this name. */
  readonly name: string;
  /** The function; when given it is registered under `name` (replacing an earlier one). */
  readonly fn?: LambdaFn;
}

/**
 * A user function of time (PyTorch `LambdaLR` with the base folded in). The spec stores only
 * `name`; rebuilding it needs the function registered under that name, else an error says so.
 * The function must be pure for the schedule to be; a non-finite result throws.
 *
 * @example
 * ```ts
 * import { lambda } from 'hyperschedule';
 * const lr = lambda({ name: 'sqrt-decay', fn: (t) => 0.1 / Math.sqrt(1 + t) });
 * lr.at(3); // 0.05
 * lr.toJSON(); // { type: 'lambda', unit: 'step', name: 'sqrt-decay' }
 * ```
 */
export function lambda(args: LambdaArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('lambda', args, options);
  const name = checkName(r.raw('name'), 'lambda.name');
  const given = r.raw('fn');
  if (given !== undefined) registerLambda(name, given as LambdaFn);
  const fn = REGISTRY.get(name);
  if (!fn) {
    const known = registeredLambdas();
    throw new HyperscheduleError('lambda.name', name, `a name registered with registerLambda(name, fn) (registered: ${known.length ? known.join(', ') : 'none'})`);
  }
  const field = `lambda(${name})`;
  return makeSchedule('lambda', r.unit, { name }, (t) => {
    const value = fn(t > 0 ? t : 0);
    // A user function is the one family that can produce NaN; stop it here, not in the optimizer.
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new HyperscheduleError(`${field}.at(${t})`, value, 'a finite number');
    return value;
  });
}

/**
 * Codec of {@link lambda}: `{ type: 'lambda', name }` (the function must be registered), used by
 * `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON, registerLambda } from 'hyperschedule';
 * registerLambda('double', (t) => 2 * t);
 * fromJSON({ type: 'lambda', name: 'double' }).at(3); // 6
 * ```
 */
export const lambdaCodec = familyCodec('lambda', ['name'], (args, options) => lambda(args as unknown as LambdaArgs, options));
