import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link polynomial}. */
export interface PolynomialArgs extends UnitArg {
  /** Value at t = 0 (optax `init_value`, Keras `initial_learning_rate`). */
  readonly init: number;
  /** Value reached at `duration` (default 0; optax `end_value`, Keras `end_learning_rate`). */
  readonly end?: number;
  /** Length of the decay (> 0; optax `transition_steps`, Keras `decay_steps`, PyTorch `total_iters`). */
  readonly duration: Duration;
  /** Exponent of the decay (>= 0, default 1 = linear; optax/Keras/PyTorch `power`). */
  readonly power?: number;
  /**
   * Keras `cycle`: instead of staying at `end`, restart with the decay length stretched to the
   * next multiple of `duration` (`duration * ceil(t / duration)`). Default false.
   */
  readonly cycle?: boolean;
}

/**
 * Polynomial decay `(init - end) * (1 - t/duration)^power + end`, constant `end` after
 * `duration` (Keras `PolynomialDecay` including `cycle`; optax `polynomial_schedule`; PyTorch
 * `PolynomialLR` is `end = 0`).
 *
 * @example
 * ```ts
 * import { polynomial } from 'hyperschedule';
 * polynomial({ init: 1, duration: 10, power: 2 }).at(5); // 0.25
 * polynomial({ init: 1, end: 0, duration: 10, cycle: true }).at(15); // 0.25 (decay stretched to 20)
 * ```
 */
export const polynomial = defineFamily<PolynomialArgs>('polynomial', ['init', 'end', 'duration', 'power', 'cycle'], (r) => {
  const init = r.number('init');
  const end = r.number('end', {}, 0);
  const duration = r.duration('duration', true);
  const power = r.number('power', { ge: 0 }, 1);
  const cycle = r.boolean('cycle', false);
  const span = init - end;
  return {
    spec: { init, end, duration, power, cycle },
    end: cycle ? undefined : duration,
    at: (t) => {
      const x = t > 0 ? t : 0;
      if (cycle) {
        // Keras keeps the multiplier at 1 for t = 0 so the first cycle starts at init.
        const length = x === 0 ? duration : duration * Math.ceil(x / duration);
        // Rounding can put x a hair past length; p > 1 with a fractional power would be NaN.
        return span * (1 - (x < length ? x / length : 1)) ** power + end;
      }
      // At and after `duration` the value is `end` exactly (0^0 = 1 keeps power 0 at init, as in Keras).
      return x >= duration && power !== 0 ? end : span * (1 - x / duration) ** power + end;
    },
  };
});
