import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Amplitude policies of {@link cyclic} (PyTorch `CyclicLR` `mode`).
 *
 * @example
 * ```ts
 * import { CYCLIC_MODES } from 'hyperschedule';
 * CYCLIC_MODES.includes('triangular2'); // true
 * ```
 */
export const CYCLIC_MODES = ['triangular', 'triangular2', 'exp_range'] as const;
/**
 * One of {@link CYCLIC_MODES}.
 *
 * @example
 * ```ts
 * import { type CyclicMode } from 'hyperschedule';
 * const mode: CyclicMode = 'exp_range';
 * ```
 */
export type CyclicMode = (typeof CYCLIC_MODES)[number];

/**
 * Arguments of {@link cyclic}.
 *
 * @example
 * ```ts
 * import { cyclic, type CyclicArgs } from 'hyperschedule';
 * const args: CyclicArgs = { base: 0, max: 1, stepSizeUp: 10 };
 * cyclic(args).at(10); // 1
 * ```
 */
export interface CyclicArgs extends UnitArg {
  /** Value at the start of every cycle (PyTorch `base_lr`). */
  readonly base: number;
  /**
   * Value at the top of the first cycle (PyTorch `max_lr`). May be below `base` for an inverted
   * cycle: PyTorch's cycled momentum is `cyclic({ base: maxMomentum, max: baseMomentum })`.
   */
  readonly max: number;
  /** Time from `base` up to `max` (> 0). */
  readonly stepSizeUp: Duration;
  /** Time from `max` back down to `base` (>= 0, default `stepSizeUp`; 0 gives a sawtooth). */
  readonly stepSizeDown?: Duration;
  /** `triangular` (constant amplitude), `triangular2` (halved every cycle), `exp_range` (times `gamma^t`). */
  readonly mode?: CyclicMode;
  /** Amplitude factor per unit of time for `exp_range`, in (0, 1] there (default 1; a growing amplitude would overflow). */
  readonly gamma?: number;
}

/**
 * Cyclical learning rates (Smith 2017), PyTorch `CyclicLR`'s value formula: a triangle between
 * `base` and `max` with period `stepSizeUp + stepSizeDown`, its amplitude scaled per `mode`.
 *
 * @example
 * ```ts
 * import { cyclic } from 'hyperschedule';
 * const lr = cyclic({ base: 0.001, max: 0.006, stepSizeUp: 2000 });
 * [lr.at(0), lr.at(2000), lr.at(4000)]; // [0.001, 0.006, 0.001]
 * cyclic({ base: 0, max: 1, stepSizeUp: 5, mode: 'triangular2' }).at(15); // 0.5
 * ```
 */
export function cyclic(args: CyclicArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('cyclic', args, options);
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
  return makeSchedule('cyclic', r.unit, { base, max, stepSizeUp, stepSizeDown, mode, gamma }, (t) => {
    const x = t > 0 ? t : 0;
    // Same operations, in the same order, as torch.optim.lr_scheduler.CyclicLR.get_lr.
    const cycle = Math.floor(1 + x / total);
    const u = 1 + x / total - cycle;
    const factor = u <= ratio ? u / ratio : (u - 1) / (ratio - 1);
    const scale = scaleKind === 0 ? 1 : scaleKind === 1 ? 1 / 2 ** (cycle - 1) : Math.exp(x * logGamma);
    return base + height * factor * scale;
  });
}

/**
 * Codec of {@link cyclic}: `{ type: 'cyclic', base, max, stepSizeUp, stepSizeDown, mode, gamma }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'cyclic', base: 0, max: 1, stepSizeUp: 10 }).at(10); // 1
 * ```
 */
export const cyclicCodec = familyCodec(
  'cyclic',
  ['base', 'max', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma'],
  (args, options) => cyclic(args as unknown as CyclicArgs, options),
);
