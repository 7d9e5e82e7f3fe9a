import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

const LEVELS = 256;

/** Arguments of {@link stepDecay}. */
export interface StepDecayArgs extends UnitArg {
  /** Value before the first decay (PyTorch: the optimizer's initial LR). */
  readonly init: number;
  /** Time between decays (> 0; a number in `unit` or a time string such as `"30ep"`; PyTorch `step_size`). */
  readonly stepSize: Duration;
  /** Factor applied at every decay (>= 0; above 1 the value grows and can overflow to ±Infinity for huge t; PyTorch `gamma`). */
  readonly gamma: number;
}

/**
 * Decays by `gamma` every `stepSize`: `init * gamma^floor(t / stepSize)` (PyTorch `StepLR`;
 * optax `exponential_decay` with `staircase=True`).
 *
 * @example
 * ```ts
 * import { stepDecay } from 'hyperschedule';
 * const lr = stepDecay({ init: 0.1, stepSize: 30, gamma: 0.1 });
 * lr.at(29); // 0.1
 * lr.at(30); // 0.010000000000000002
 * ```
 */
export const stepDecay = defineFamily<StepDecayArgs>('stepDecay', ['init', 'stepSize', 'gamma'], (r) => {
  const init = r.number('init');
  const stepSize = r.duration('stepSize', true);
  const gamma = r.number('gamma', { ge: 0 });
  // The first levels are precomputed (the same init * gamma^k PyTorch's closed form evaluates),
  // so the hot path is a floor and a load. init = 0 stays 0 even where a growing gamma^k
  // overflows (0 * Infinity would be NaN).
  const levels = Float64Array.from({ length: LEVELS }, (_, k) => init * gamma ** k);
  return {
    spec: { init, stepSize, gamma },
    // gamma = 0 drops to 0 at the first step and stays there.
    end: init === 0 || gamma === 1 ? 0 : gamma === 0 ? stepSize : undefined,
    at: init === 0 ? () => 0 : (t) => {
      const k = Math.floor((t > 0 ? t : 0) / stepSize);
      return k < LEVELS ? levels[k]! : init * gamma ** k;
    },
  };
});
