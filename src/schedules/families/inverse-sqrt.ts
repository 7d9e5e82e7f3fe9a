import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link inverseSqrt}. */
export interface InverseSqrtArgs extends UnitArg {
  /** Value at the end of the warmup, the peak (Hugging Face: the optimizer's LR). */
  readonly init: number;
  /** Time scale of the decay (> 0; default `warmup`, or 10000 without warmup; Hugging Face `timescale`). */
  readonly timescale?: Duration;
  /** Linear warmup from 0 to `init` (default 0; Hugging Face `num_warmup_steps`). */
  readonly warmup?: Duration;
}

/**
 * Inverse square-root decay with Hugging Face `get_inverse_sqrt_schedule` semantics:
 * `init * t / warmup` during the warmup, then `init / sqrt((t + timescale - warmup) / timescale)`.
 *
 * @example
 * ```ts
 * import { inverseSqrt } from 'hyperschedule';
 * const lr = inverseSqrt({ init: 0.1, warmup: 100 });
 * [lr.at(50), lr.at(100), lr.at(400)]; // [0.05, 0.1, 0.05]
 * ```
 */
export const inverseSqrt = defineFamily<InverseSqrtArgs>('inverseSqrt', ['init', 'timescale', 'warmup'], (r) => {
  const init = r.number('init');
  const warmup = r.duration('warmup', false, 0);
  const timescale = r.duration('timescale', true, warmup > 0 ? warmup : 10_000);
  const shift = timescale - warmup;
  return {
    spec: { init, timescale, warmup },
    end: init === 0 ? 0 : undefined,
    at: (t) => {
      const x = t > 0 ? t : 0;
      // HF divides by max(1, warmup); for step counts that is the same as dividing by warmup.
      if (x < warmup) return (init * x) / warmup;
      return init * (1 / Math.sqrt((x + shift) / timescale));
    },
  };
});
