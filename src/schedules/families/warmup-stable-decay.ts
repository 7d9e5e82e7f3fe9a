import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Shapes of the warmup and the cooldown of {@link warmupStableDecay} (HF `warmup_type` / `decay_type`).
 *
 * @example
 * ```ts
 * import { WSD_SHAPES } from 'hyperschedule';
 * WSD_SHAPES.includes('1-sqrt'); // true
 * ```
 */
export const WSD_SHAPES = ['linear', 'cosine', '1-sqrt'] as const;
/**
 * One of {@link WSD_SHAPES}.
 *
 * @example
 * ```ts
 * import { type WsdShape } from 'hyperschedule';
 * const shape: WsdShape = '1-sqrt';
 * ```
 */
export type WsdShape = (typeof WSD_SHAPES)[number];

/**
 * Arguments of {@link warmupStableDecay}.
 *
 * @example
 * ```ts
 * import { warmupStableDecay, type WarmupStableDecayArgs } from 'hyperschedule';
 * const args: WarmupStableDecayArgs = { peak: 1, total: 100, warmup: 10, decay: 20 };
 * warmupStableDecay(args).at(50); // 1
 * ```
 */
export interface WarmupStableDecayArgs extends UnitArg {
  /** Value of the stable phase. */
  readonly peak: number;
  /** Length of the whole schedule: warmup + stable + decay (> 0). */
  readonly total: Duration;
  /** Length of the warmup (>= 0). */
  readonly warmup: Duration;
  /** Length of the cooldown at the end (>= 0; warmup + decay <= total). */
  readonly decay: Duration;
  /** Cooldown shape: `linear` (default), `cosine` or `1-sqrt`. */
  readonly decayShape?: WsdShape;
  /** Warmup shape: `linear` (default), `cosine` or `1-sqrt`. */
  readonly warmupShape?: WsdShape;
  /** Value at the end of the cooldown and after `total` (default 0; HF `min_lr_ratio * peak`). */
  readonly min?: number;
  /** Value at t = 0 (default `min`, as in Hugging Face, where the warmup starts at `min_lr_ratio`). */
  readonly init?: number;
}

/** The shape functions, progress p in [0, 1) -> factor; warmup rises 0 -> 1, decay falls 1 -> 0. */
function shapeIndex(shape: WsdShape): number {
  return shape === 'linear' ? 0 : shape === 'cosine' ? 1 : 2;
}

/**
 * Warmup–stable–decay (MiniCPM's WSD), Hugging Face `get_wsd_schedule` semantics: ramp from
 * `init` to `peak` over `warmup`, hold `peak`, then cool down to `min` over the last `decay`
 * of `total`; `min` afterwards.
 *
 * @example
 * ```ts
 * import { warmupStableDecay } from 'hyperschedule';
 * const lr = warmupStableDecay({ peak: 0.1, total: 1000, warmup: 100, decay: 200 });
 * [lr.at(50), lr.at(100), lr.at(800), lr.at(900), lr.at(1000)]; // [0.05, 0.1, 0.1, 0.05, 0]
 * ```
 */
export function warmupStableDecay(args: WarmupStableDecayArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('warmupStableDecay', args, options);
  const peak = r.number('peak');
  const total = r.duration('total', true);
  const warmup = r.duration('warmup', false);
  const decay = r.duration('decay', false);
  const decayShape = r.oneOf('decayShape', WSD_SHAPES, 'linear');
  const warmupShape = r.oneOf('warmupShape', WSD_SHAPES, 'linear');
  const min = r.number('min', {}, 0);
  const init = r.number('init', {}, min);
  const stable = total - warmup - decay;
  if (!(stable >= 0)) r.fail('decay', r.raw('decay'), `a duration with warmup (${warmup}) + decay <= total (${total})`);
  const stableEnd = warmup + stable;
  const decayEnd = stableEnd + decay;
  const rise = peak - init;
  const fall = peak - min;
  const warmKind = shapeIndex(warmupShape);
  const decayKind = shapeIndex(decayShape);
  return makeSchedule('warmupStableDecay', r.unit, { peak, total, warmup, decay, decayShape, warmupShape, min, init }, (t) => {
    const x = t > 0 ? t : 0;
    if (x < warmup) {
      const p = x / warmup;
      const f = warmKind === 0 ? p : warmKind === 1 ? 0.5 * (1 - Math.cos(Math.PI * p)) : 1 - Math.sqrt(1 - p);
      return init + rise * f;
    }
    if (x < stableEnd) return peak;
    if (x < decayEnd) {
      const p = (x - stableEnd) / decay;
      const f = decayKind === 0 ? 1 - p : decayKind === 1 ? 0.5 * (1 + Math.cos(Math.PI * p)) : 1 - Math.sqrt(p);
      return min + fall * f;
    }
    return min;
  });
}

/**
 * Codec of {@link warmupStableDecay}, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'warmupStableDecay', peak: 1, total: 100, warmup: 10, decay: 20 }).at(50); // 1
 * ```
 */
export const warmupStableDecayCodec = familyCodec(
  'warmupStableDecay',
  ['peak', 'total', 'warmup', 'decay', 'decayShape', 'warmupShape', 'min', 'init'],
  (args, options) => warmupStableDecay(args as unknown as WarmupStableDecayArgs, options),
);
