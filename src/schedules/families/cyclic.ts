import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Amplitude policies of {@link cyclic} (internal: for validation). */
export const CYCLIC_MODES = ['triangular', 'triangular2', 'exp_range'] as const;
/** How the amplitude of {@link cyclic} changes per cycle (PyTorch `CyclicLR` `mode`). */
export type CyclicMode = (typeof CYCLIC_MODES)[number];

/** Arguments of {@link cyclic}. */
export interface CyclicArgs extends UnitArg {
  /** Value at the start of every cycle (PyTorch `base_lr`). */
  readonly base: number;
  /**
   * Value at the top of the first cycle (PyTorch `max_lr`). May be below `base` for an inverted
   * cycle: PyTorch's cycled momentum is `cyclic({ base: maxMomentum, max: baseMomentum })`.
   */
  readonly max: number;
  /** Time from `base` up to `max` (> 0; PyTorch `step_size_up`). */
  readonly stepSizeUp: Duration;
  /** Time from `max` back down to `base` (>= 0, default `stepSizeUp`; 0 gives a sawtooth; PyTorch `step_size_down`). */
  readonly stepSizeDown?: Duration;
  /** `triangular` (constant amplitude), `triangular2` (halved every cycle), `exp_range` (times `gamma^t`); PyTorch `mode`. */
  readonly mode?: CyclicMode;
  /** Amplitude factor per unit of time for `exp_range`, in (0, 1] there (default 1; PyTorch `gamma`). */
  readonly gamma?: number;
}

/**
 * Cyclical learning rates (Smith 2017), PyTorch `CyclicLR`'s value formula: a triangle between
 * `base` and `max` with period `stepSizeUp + stepSizeDown`,
 * `base + (max - base) * triangle(t) * scale(cycle, t)`, its amplitude scaled per `mode`.
 *
 * @example
 * ```ts
 * import { cyclic } from 'hyperschedule';
 * const lr = cyclic({ base: 0.001, max: 0.006, stepSizeUp: 2000 });
 * [lr.at(0), lr.at(2000), lr.at(4000)]; // [0.001, 0.006, 0.001]
 * cyclic({ base: 0, max: 1, stepSizeUp: 5, mode: 'triangular2' }).at(15); // 0.5
 * ```
 */
export const cyclic = defineFamily<CyclicArgs>('cyclic', ['base', 'max', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma'], (r) => {
  const base = r.number('base');
  const max = r.number('max');
  const stepSizeUp = r.duration('stepSizeUp', true);
  const stepSizeDown = r.duration('stepSizeDown', false, stepSizeUp);
  const mode = r.oneOf('mode', CYCLIC_MODES, 'triangular');
  // A growing exp_range amplitude would overflow; gamma is unused by the other modes.
  const gamma = r.number('gamma', mode === 'exp_range' ? { gt: 0, le: 1 } : { gt: 0 }, 1);
  const total = stepSizeUp + stepSizeDown;
  const ratio = stepSizeUp / total;
  const height = max - base;
  const scaleKind = mode === 'triangular' ? 0 : mode === 'triangular2' ? 1 : 2;
  // gamma^t as exp(t ln gamma): faster than a pow, equal to within ~|t ln gamma| ulps.
  const logGamma = Math.log(gamma);
  return {
    spec: { base, max, stepSizeUp, stepSizeDown, mode, gamma },
    at: (t) => {
      const x = t > 0 ? t : 0;
      // Same operations, in the same order, as torch.optim.lr_scheduler.CyclicLR.get_lr.
      const cycle = Math.floor(1 + x / total);
      const u = 1 + x / total - cycle;
      const factor = u <= ratio ? u / ratio : (u - 1) / (ratio - 1);
      const scale = scaleKind === 0 ? 1 : scaleKind === 1 ? 1 / 2 ** (cycle - 1) : Math.exp(x * logGamma);
      return base + height * factor * scale;
    },
  };
});
