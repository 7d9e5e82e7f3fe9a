import { bisect, defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link multiStepDecay}. */
export interface MultiStepDecayArgs extends UnitArg {
  /** Value before the first milestone (PyTorch: the optimizer's initial LR). */
  readonly init: number;
  /** Times at which the value is multiplied by `gamma`, strictly increasing (each a Duration >= 0; PyTorch `milestones`). */
  readonly milestones: readonly Duration[];
  /** Factor applied at every milestone (>= 0; PyTorch `gamma`). */
  readonly gamma: number;
}

/**
 * Multiplies by `gamma` at each milestone: `init * gamma^(number of milestones <= t)`
 * (PyTorch `MultiStepLR`; milestones must be strictly increasing, so no repeated milestone).
 *
 * @example
 * ```ts
 * import { multiStepDecay } from 'hyperschedule';
 * const lr = multiStepDecay({ init: 1, milestones: [30, 80], gamma: 0.5 });
 * [lr.at(29), lr.at(30), lr.at(80)]; // [1, 0.5, 0.25]
 * ```
 */
export const multiStepDecay = defineFamily<MultiStepDecayArgs>('multiStepDecay', ['init', 'milestones', 'gamma'], (r) => {
  const init = r.number('init');
  const gamma = r.number('gamma', { ge: 0 });
  const milestones = r.increasing('milestones');
  const bounds = Float64Array.from(milestones);
  // Value after k milestones, precomputed so at() is a search and a load.
  const levels = Float64Array.from({ length: bounds.length + 1 }, (_, k) => (init === 0 ? 0 : init * gamma ** k));
  const n = bounds.length;
  return {
    spec: { init, milestones, gamma },
    end: n > 0 ? bounds[n - 1] : 0,
    // The milestones <= t have passed (bisect_right).
    at: (t) => levels[bisect(bounds, n, t > 0 ? t : 0, true)]!,
  };
});
