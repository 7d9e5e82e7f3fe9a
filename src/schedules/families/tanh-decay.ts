import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link tanhDecay}.
 *
 * @example
 * ```ts
 * import { tanhDecay, type TanhDecayArgs } from 'hyperschedule';
 * const args: TanhDecayArgs = { init: 1, duration: 100 };
 * tanhDecay(args).at(100); // 0
 * ```
 */
export interface TanhDecayArgs extends UnitArg {
  /** Upper level (reached only asymptotically: the curve starts at `tanh(-lower)` of the way). */
  readonly init: number;
  /** Lower level, and the value from `duration` on (default 0; timm `lr_min`). */
  readonly min?: number;
  /** Length of the decay (> 0; timm `t_initial`). */
  readonly duration: Duration;
  /** tanh argument at t = 0 (default -7, timm `lb`). */
  readonly lower?: number;
  /** tanh argument at t = duration (default 3, timm `ub`; must exceed `lower`). */
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
export function tanhDecay(args: TanhDecayArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('tanhDecay', args, options);
  const init = r.number('init');
  const min = r.number('min', {}, 0);
  const duration = r.duration('duration', true);
  const lower = r.number('lower', {}, -7);
  const upper = r.number('upper', { gt: lower }, 3);
  const half = 0.5 * (init - min);
  return makeSchedule('tanhDecay', r.unit, { init, min, duration, lower, upper }, (t) => {
    const x = t > 0 ? t : 0;
    if (x >= duration) return min;
    const tr = x / duration;
    return min + half * (1 - Math.tanh(lower * (1 - tr) + upper * tr));
  });
}

/**
 * Codec of {@link tanhDecay}: `{ type: 'tanhDecay', init, min, duration, lower, upper }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'tanhDecay', init: 1, duration: 100 }).at(100); // 0
 * ```
 */
export const tanhDecayCodec = familyCodec('tanhDecay', ['init', 'min', 'duration', 'lower', 'upper'], (args, options) => tanhDecay(args as unknown as TanhDecayArgs, options));
