import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link polynomial}.
 *
 * @example
 * ```ts
 * import { polynomial, type PolynomialArgs } from 'hyperschedule';
 * const args: PolynomialArgs = { init: 1, duration: 10, power: 2 };
 * polynomial(args).at(5); // 0.25
 * ```
 */
export interface PolynomialArgs extends UnitArg {
  /** Value at t = 0. */
  readonly init: number;
  /** Value reached at `duration` (default 0). */
  readonly end?: number;
  /** Length of the decay (> 0). */
  readonly duration: Duration;
  /** Exponent of the decay (>= 0, default 1 = linear). */
  readonly power?: number;
  /**
   * Keras `cycle`: instead of staying at `end`, restart with the decay length stretched to the
   * next multiple of `duration` (`duration * ceil(t / duration)`). Default false.
   */
  readonly cycle?: boolean;
}

/**
 * Polynomial decay `(init - end) * (1 - t/duration)^power + end`, constant `end` after
 * `duration` (Keras `PolynomialDecay` including `cycle`; PyTorch `PolynomialLR` is `end = 0`).
 *
 * @example
 * ```ts
 * import { polynomial } from 'hyperschedule';
 * polynomial({ init: 1, duration: 10, power: 2 }).at(5); // 0.25
 * polynomial({ init: 1, end: 0, duration: 10, cycle: true }).at(15); // 0.25 (decay stretched to 20)
 * ```
 */
export function polynomial(args: PolynomialArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('polynomial', args, options);
  const init = r.number('init');
  const end = r.number('end', {}, 0);
  const duration = r.duration('duration', true);
  const power = r.number('power', { ge: 0 }, 1);
  const cycle = r.boolean('cycle', false);
  const span = init - end;
  return makeSchedule('polynomial', r.unit, { init, end, duration, power, cycle }, (t) => {
    const x = t > 0 ? t : 0;
    let p: number;
    if (cycle) {
      // Keras keeps the multiplier at 1 for t = 0 so the first cycle starts at init.
      const length = x === 0 ? duration : duration * Math.ceil(x / duration);
      // Rounding can put x a hair past length; p > 1 with a fractional power would be NaN.
      p = x < length ? x / length : 1;
    } else {
      p = (x < duration ? x : duration) / duration;
    }
    return span * (1 - p) ** power + end;
  });
}

/**
 * Codec of {@link polynomial}: `{ type: 'polynomial', init, end, duration, power, cycle }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'polynomial', init: 1, duration: 10, power: 2 }).at(5); // 0.25
 * ```
 */
export const polynomialCodec = familyCodec('polynomial', ['init', 'end', 'duration', 'power', 'cycle'], (args, options) => polynomial(args as unknown as PolynomialArgs, options));
