import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link exponentialDecay}.
 *
 * @example
 * ```ts
 * import { exponentialDecay, type ExponentialDecayArgs } from 'hyperschedule';
 * const args: ExponentialDecayArgs = { init: 1, rate: 0.5, every: 10 };
 * exponentialDecay(args).at(20); // 0.25
 * ```
 */
export interface ExponentialDecayArgs extends UnitArg {
  /** Value up to `begin`. */
  readonly init: number;
  /** Factor per `every` units of time (> 0; < 1 decays, > 1 grows). */
  readonly rate: number;
  /** Time over which the value is multiplied by `rate` once (> 0, default 1; optax `transition_steps`). */
  readonly every?: Duration;
  /** Decay in whole `every` steps instead of smoothly (default false). */
  readonly staircase?: boolean;
  /** Time before which the value stays `init` (default 0; optax `transition_begin`). */
  readonly begin?: Duration;
  /**
   * Bound the value never passes: a floor when `rate < 1`, a ceiling when `rate >= 1` (optax
   * `end_value`). Without it a growing schedule overflows to Infinity for very large `t`.
   */
  readonly end?: number;
}

/**
 * Exponential decay with optax `exponential_decay` semantics:
 * `init * rate^((t - begin) / every)` after `begin` (exponent floored when `staircase`), `init`
 * before, bounded by `end`. With the defaults it is PyTorch `ExponentialLR`: `init * rate^t`.
 *
 * @example
 * ```ts
 * import { exponentialDecay } from 'hyperschedule';
 * exponentialDecay({ init: 1, rate: 0.5 }).at(2); // 0.25
 * exponentialDecay({ init: 1, rate: 0.5, every: 10, staircase: true }).at(19); // 0.5
 * exponentialDecay({ init: 1, rate: 0.5, end: 0.3 }).at(5); // 0.3
 * ```
 */
export function exponentialDecay(args: ExponentialDecayArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('exponentialDecay', args, options);
  const init = r.number('init');
  const rate = r.number('rate', { gt: 0 });
  const every = r.duration('every', true, 1);
  const staircase = r.boolean('staircase', false);
  const begin = r.duration('begin', false, 0);
  const end = r.optionalNumber('end');
  const hasEnd = end !== undefined;
  const bound = end ?? 0;
  const floor = rate < 1;
  // exp(p ln rate) instead of rate^p: several times faster, and within ~|p ln rate| ulps.
  const logRate = Math.log(rate);
  return makeSchedule('exponentialDecay', r.unit, { init, rate, every, staircase, begin, end }, (t) => {
    const d = (t > 0 ? t : 0) - begin;
    let value = init;
    if (d > 0 && init !== 0) {
      const p = d / every;
      value = init * Math.exp((staircase ? Math.floor(p) : p) * logRate);
    }
    if (hasEnd) value = floor ? (value > bound ? value : bound) : (value < bound ? value : bound);
    return value;
  });
}

/**
 * Codec of {@link exponentialDecay}: `{ type: 'exponentialDecay', init, rate, every, staircase, begin, end? }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'exponentialDecay', init: 1, rate: 0.5, every: 10 }).at(20); // 0.25
 * ```
 */
export const exponentialDecayCodec = familyCodec(
  'exponentialDecay',
  ['init', 'rate', 'every', 'staircase', 'begin', 'end'],
  (args, options) => exponentialDecay(args as unknown as ExponentialDecayArgs, options),
);
