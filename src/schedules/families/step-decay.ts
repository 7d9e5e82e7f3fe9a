import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

const LEVELS = 256;

/**
 * Arguments of {@link stepDecay}.
 *
 * @example
 * ```ts
 * import { stepDecay, type StepDecayArgs } from 'hyperschedule';
 * const args: StepDecayArgs = { init: 0.1, stepSize: 30, gamma: 0.5 };
 * stepDecay(args).at(30); // 0.05
 * ```
 */
export interface StepDecayArgs extends UnitArg {
  /** Value before the first decay. */
  readonly init: number;
  /** Time between decays (> 0; a number in `unit` or a time string such as `"30ep"`). */
  readonly stepSize: Duration;
  /** Factor applied at every decay (>= 0; above 1 the value grows and can overflow to ±Infinity for huge t). */
  readonly gamma: number;
}

/**
 * Decays by `gamma` every `stepSize`: `init * gamma^floor(t / stepSize)` (PyTorch `StepLR`).
 *
 * @example
 * ```ts
 * import { stepDecay } from 'hyperschedule';
 * const lr = stepDecay({ init: 0.1, stepSize: 30, gamma: 0.1 });
 * lr.at(29); // 0.1
 * lr.at(30); // 0.010000000000000002
 * ```
 */
export function stepDecay(args: StepDecayArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('stepDecay', args, options);
  const init = r.number('init');
  const stepSize = r.duration('stepSize', true);
  const gamma = r.number('gamma', { ge: 0 });
  // The first levels are precomputed (the same init * gamma^k PyTorch's closed form evaluates),
  // so the hot path is a floor and a load. init = 0 stays 0 even where a growing gamma^k
  // overflows (0 * Infinity would be NaN).
  const levels = Float64Array.from({ length: LEVELS }, (_, k) => init * gamma ** k);
  return makeSchedule('stepDecay', r.unit, { init, stepSize, gamma }, init === 0 ? () => 0 : (t) => {
    const k = Math.floor((t > 0 ? t : 0) / stepSize);
    return k < LEVELS ? levels[k]! : init * gamma ** k;
  });
}

/**
 * Codec of {@link stepDecay}: `{ type: 'stepDecay', init, stepSize, gamma }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'stepDecay', init: 0.1, stepSize: 30, gamma: 0.5 }).at(30); // 0.05
 * ```
 */
export const stepDecayCodec = familyCodec('stepDecay', ['init', 'stepSize', 'gamma'], (args, options) => stepDecay(args as unknown as StepDecayArgs, options));
