import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link inverseTime}. */
export interface InverseTimeArgs extends UnitArg {
  /** Value at t = 0 (Keras `initial_learning_rate`). */
  readonly init: number;
  /** Decay rate per `every` (>= 0; Keras `decay_rate`). */
  readonly rate: number;
  /** Time unit of the decay (> 0, default 1; Keras `decay_steps`). */
  readonly every?: Duration;
  /** Use `floor(t / every)` (default false; Keras `staircase`). */
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
export const inverseTime = defineFamily<InverseTimeArgs>('inverseTime', ['init', 'rate', 'every', 'staircase'], (r) => {
  const init = r.number('init');
  const rate = r.number('rate', { ge: 0 });
  const every = r.duration('every', true, 1);
  const staircase = r.boolean('staircase', false);
  return {
    spec: { init, rate, every, staircase },
    end: rate === 0 || init === 0 ? 0 : undefined,
    at: (t) => {
      const p = (t > 0 ? t : 0) / every;
      return init / (1 + rate * (staircase ? Math.floor(p) : p));
    },
  };
});
