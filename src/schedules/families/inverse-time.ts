import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link inverseTime}.
 *
 * @example
 * ```ts
 * import { inverseTime, type InverseTimeArgs } from 'hyperschedule';
 * const args: InverseTimeArgs = { init: 1, rate: 1, every: 10 };
 * inverseTime(args).at(10); // 0.5
 * ```
 */
export interface InverseTimeArgs extends UnitArg {
  /** Value at t = 0. */
  readonly init: number;
  /** Decay rate per `every` (>= 0; Keras `decay_rate`). */
  readonly rate: number;
  /** Time unit of the decay (> 0, default 1; Keras `decay_steps`). */
  readonly every?: Duration;
  /** Use `floor(t / every)` (default false). */
  readonly staircase?: boolean;
}

/**
 * Inverse time decay `init / (1 + rate * t / every)` (Keras `InverseTimeDecay`).
 *
 * @example
 * ```ts
 * import { inverseTime } from 'hyperschedule';
 * inverseTime({ init: 0.1, rate: 0.5, every: 10 }).at(20); // 0.05
 * ```
 */
export function inverseTime(args: InverseTimeArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('inverseTime', args, options);
  const init = r.number('init');
  const rate = r.number('rate', { ge: 0 });
  const every = r.duration('every', true, 1);
  const staircase = r.boolean('staircase', false);
  return makeSchedule('inverseTime', r.unit, { init, rate, every, staircase }, (t) => {
    const p = (t > 0 ? t : 0) / every;
    return init / (1 + rate * (staircase ? Math.floor(p) : p));
  });
}

/**
 * Codec of {@link inverseTime}: `{ type: 'inverseTime', init, rate, every, staircase }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'inverseTime', init: 1, rate: 1, every: 10 }).at(10); // 0.5
 * ```
 */
export const inverseTimeCodec = familyCodec('inverseTime', ['init', 'rate', 'every', 'staircase'], (args, options) => inverseTime(args as unknown as InverseTimeArgs, options));
