import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link cosine}. */
export interface CosineArgs extends UnitArg {
  /** Value at t = 0 (optax `init_value`; PyTorch: the optimizer's initial LR). */
  readonly init: number;
  /** Length of the half cosine (> 0; PyTorch `T_max`, optax `decay_steps`). */
  readonly duration: Duration;
  /** Value reached at `duration` (default 0; PyTorch `eta_min`, optax `alpha * init_value`). */
  readonly min?: number;
  /** Power applied to the cosine factor (> 0, default 1; optax `exponent`). */
  readonly exponent?: number;
  /**
   * Keep following PyTorch `CosineAnnealingLR`'s closed form after `duration`: the value rises
   * back to `init` at `2 * duration` (period `2 * duration`). Default false: constant `min`.
   */
  readonly periodic?: boolean;
  /** timm k-decay: the phase is `(t / duration)^k` (> 0, default 1 = plain cosine; with `periodic` the closed form simply continues). */
  readonly k?: number;
}

/**
 * Cosine annealing from `init` to `min`:
 * `min + (init - min) * (0.5 * (1 + cos(pi * (t / duration)^k)))^exponent`, constant `min`
 * after `duration` unless `periodic`. Covers optax `cosine_decay_schedule` (`min = alpha * init`,
 * `exponent`), PyTorch `CosineAnnealingLR` (`periodic: true`) and timm's k-decay (`k`).
 *
 * @example
 * ```ts
 * import { cosine } from 'hyperschedule';
 * const lr = cosine({ init: 0.1, duration: 100 });
 * [lr.at(0), lr.at(50), lr.at(100)]; // [0.1, 0.05 (approx.), 0]
 * cosine({ init: 1, duration: 10, periodic: true }).at(20); // 1
 * ```
 */
export const cosine = defineFamily<CosineArgs>('cosine', ['init', 'duration', 'min', 'exponent', 'periodic', 'k'], (r) => {
  const init = r.number('init');
  const duration = r.duration('duration', true);
  const min = r.number('min', {}, 0);
  const exponent = r.number('exponent', { gt: 0 }, 1);
  const periodic = r.boolean('periodic', false);
  const k = r.number('k', { gt: 0 }, 1);
  // Reducing t modulo the period is only valid when the phase is linear in t.
  const cycle = k === 1 ? 2 * duration : Number.POSITIVE_INFINITY;
  const span = init - min;
  const durationK = duration ** k;
  const plain = k === 1 && exponent === 1;
  return {
    spec: { init, duration, min, exponent, periodic, k },
    end: periodic ? undefined : duration,
    at: (t) => {
      let x = t > 0 ? t : 0;
      if (x > duration) {
        // fmod is exact; reducing keeps pi * x finite (and accurate) for huge t.
        if (!periodic) return min;
        if (x >= cycle) x %= cycle;
      }
      if (plain) return min + (span * (1 + Math.cos((Math.PI * x) / duration))) / 2;
      const phase = k === 1 ? x / duration : x ** k / durationK;
      // x^k can overflow for astronomically large t (periodic, k > 1); cos(Infinity) would be NaN.
      const angle = Math.PI * phase;
      const c = 0.5 * (1 + Math.cos(angle <= Number.MAX_VALUE ? angle : Number.MAX_VALUE));
      return min + span * (exponent === 1 ? c : exponent === 2 ? c * c : c ** exponent);
    },
  };
});
