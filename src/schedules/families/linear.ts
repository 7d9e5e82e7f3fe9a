import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link linear}. */
export interface LinearArgs extends UnitArg {
  /** Value at t = 0 (optax `init_value`; PyTorch `base * start_factor`). */
  readonly init: number;
  /** Value from `duration` on (optax `end_value`; PyTorch `base * end_factor`). */
  readonly end: number;
  /** Length of the ramp (> 0; optax `transition_steps`, PyTorch `total_iters`). */
  readonly duration: Duration;
}

/**
 * A straight line from `init` to `end` over `duration`, then constant:
 * `init + (end - init) * min(t, duration) / duration` (PyTorch `LinearLR` with
 * `init = base * startFactor`, `end = base * endFactor`; optax `linear_schedule`).
 *
 * @example
 * ```ts
 * import { linear } from 'hyperschedule';
 * const lr = linear({ init: 0.01, end: 0.1, duration: 10 });
 * [lr.at(0), lr.at(5), lr.at(20)]; // [0.01, 0.055, 0.1]
 * ```
 */
export const linear = defineFamily<LinearArgs>('linear', ['init', 'end', 'duration'], (r) => {
  const init = r.number('init');
  const end = r.number('end');
  const duration = r.duration('duration', true);
  const span = end - init;
  return {
    spec: { init, end, duration },
    end: duration,
    at: (t) => {
      const x = t > 0 ? t : 0;
      return x >= duration ? end : init + (span * x) / duration;
    },
  };
});
