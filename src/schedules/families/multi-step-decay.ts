import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link multiStepDecay}.
 *
 * @example
 * ```ts
 * import { multiStepDecay, type MultiStepDecayArgs } from 'hyperschedule';
 * const args: MultiStepDecayArgs = { init: 1, milestones: [30, 80], gamma: 0.5 };
 * multiStepDecay(args).at(80); // 0.25
 * ```
 */
export interface MultiStepDecayArgs extends UnitArg {
  /** Value before the first milestone. */
  readonly init: number;
  /** Times at which the value is multiplied by `gamma`, strictly increasing (each a Duration >= 0). */
  readonly milestones: readonly Duration[];
  /** Factor applied at every milestone (>= 0). */
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
export function multiStepDecay(args: MultiStepDecayArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('multiStepDecay', args, options);
  const init = r.number('init');
  const gamma = r.number('gamma', { ge: 0 });
  const milestones = r.array('milestones').map((m, i) => r.durationAt(`multiStepDecay.milestones[${i}]`, m, false));
  milestones.forEach((m, i) => {
    if (i > 0 && !(m > milestones[i - 1]!)) {
      r.fail(`milestones[${i}]`, m, `a milestone > ${milestones[i - 1]} (milestones must be strictly increasing)`);
    }
  });
  const bounds = Float64Array.from(milestones);
  // Value after k milestones, precomputed so at() is a search and a load.
  const levels = Float64Array.from({ length: bounds.length + 1 }, (_, k) => (init === 0 ? 0 : init * gamma ** k));
  const n = bounds.length;
  return makeSchedule('multiStepDecay', r.unit, { init, milestones, gamma }, (t) => {
    const x = t > 0 ? t : 0;
    // Binary search: count of milestones <= x (bisect_right).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return levels[lo]!;
  });
}

/**
 * Codec of {@link multiStepDecay}: `{ type: 'multiStepDecay', init, milestones, gamma }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'multiStepDecay', init: 1, milestones: [30, 80], gamma: 0.5 }).at(80); // 0.25
 * ```
 */
export const multiStepDecayCodec = familyCodec('multiStepDecay', ['init', 'milestones', 'gamma'], (args, options) => multiStepDecay(args as unknown as MultiStepDecayArgs, options));
