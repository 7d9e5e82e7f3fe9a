import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link exponentialDecay}. */
export interface ExponentialDecayArgs extends UnitArg {
  /** Value up to `begin` (optax `init_value`). */
  readonly init: number;
  /** Factor per `every` units of time (> 0; < 1 decays, > 1 grows; optax `decay_rate`, PyTorch `gamma`). */
  readonly rate: number;
  /** Time over which the value is multiplied by `rate` once (> 0, default 1; optax `transition_steps`). */
  readonly every?: Duration;
  /** Decay in whole `every` steps instead of smoothly (default false; optax `staircase`). */
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
export const exponentialDecay = defineFamily<ExponentialDecayArgs>(
  'exponentialDecay',
  ['init', 'rate', 'every', 'staircase', 'begin', 'end'],
  (r) => {
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
    return {
      spec: { init, rate, every, staircase, begin, end },
      // Constant when nothing decays; otherwise the bound is only approached.
      end: rate === 1 || init === 0 ? 0 : undefined,
      at: (t) => {
        const d = (t > 0 ? t : 0) - begin;
        let value = init;
        if (d > 0 && init !== 0) {
          const p = d / every;
          value = init * Math.exp((staircase ? Math.floor(p) : p) * logRate);
        }
        if (hasEnd) value = floor ? (value > bound ? value : bound) : (value < bound ? value : bound);
        return value;
      },
    };
  },
);
