import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link constant}.
 *
 * @example
 * ```ts
 * import { constant, type ConstantArgs } from 'hyperschedule';
 * const args: ConstantArgs = { value: 0.1 };
 * constant(args).at(0); // 0.1
 * ```
 */
export interface ConstantArgs extends UnitArg {
  /** The value at every time. */
  readonly value: number;
}

/**
 * The same value at every time (PyTorch with no scheduler, optax `constant_schedule`).
 *
 * @example
 * ```ts
 * import { constant } from 'hyperschedule';
 * constant({ value: 0.1 }).at(1000); // 0.1
 * ```
 */
export function constant(args: ConstantArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('constant', args, options);
  const value = r.number('value');
  return makeSchedule('constant', r.unit, { value }, () => value);
}

/**
 * Codec of {@link constant}: `{ type: 'constant', value }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'constant', value: 0.1 }).at(0); // 0.1
 * ```
 */
export const constantCodec = familyCodec('constant', ['value'], (args, options) => constant(args as unknown as ConstantArgs, options));
