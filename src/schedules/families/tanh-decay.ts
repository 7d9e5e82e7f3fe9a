import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link tanhDecay}. */
export interface TanhDecayArgs extends UnitArg {
  /** Upper level (reached only asymptotically: the curve starts at `tanh(-lower)` of the way; timm: the base LR). */
  readonly init: number;
  /** Lower level, and the value from `duration` on (default 0; timm `lr_min`). */
  readonly min?: number;
  /** Length of the decay (> 0; timm `t_initial`). */
  readonly duration: Duration;
  /** tanh argument at t = 0 (default -7, timm `lb`; must be below `upper`, given or default). */
  readonly lower?: number;
  /** tanh argument at t = duration (default 3, timm `ub`; must exceed `lower`, given or default). */
  readonly upper?: number;
}

/**
 * Hyperbolic-tangent decay (Hsueh et al. 2019), timm `TanhLRScheduler`:
 * `min + (init - min) / 2 * (1 - tanh(lower + (upper - lower) * t / duration))`, and `min` from
 * `duration` on (timm's single cycle).
 *
 * @example
 * ```ts
 * import { tanhDecay } from 'hyperschedule';
 * const lr = tanhDecay({ init: 0.1, duration: 100 });
 * lr.at(0);  // 0.09999916847...
 * lr.at(70); // 0.05 (tanh crosses 0 at 70% with the default bounds)
 * ```
 */
export const tanhDecay = defineFamily<TanhDecayArgs>('tanhDecay', ['init', 'min', 'duration', 'lower', 'upper'], (r) => {
  const init = r.number('init');
  const min = r.number('min', {}, 0);
  const duration = r.duration('duration', true);
  // lower < upper whichever of them is defaulted: `{ lower: 5 }` alone (default upper 3) would
  // build a rising curve whose own toJSON() fromJSON refuses.
  const upper = r.number('upper', {}, 3);
  const lower = r.number('lower', { lt: upper }, -7);
  const half = 0.5 * (init - min);
  return {
    spec: { init, min, duration, lower, upper },
    end: duration,
    at: (t) => {
      const x = t > 0 ? t : 0;
      if (x >= duration) return min;
      const tr = x / duration;
      return min + half * (1 - Math.tanh(lower * (1 - tr) + upper * tr));
    },
  };
});
