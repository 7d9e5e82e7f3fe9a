import { defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Shapes of the warmup and the cooldown of {@link warmupStableDecay} (internal: for validation). */
const WSD_SHAPES = ['linear', 'cosine', '1-sqrt'] as const;
/** The shape of a warmup or a cooldown of {@link warmupStableDecay} (Hugging Face `warmup_type` / `decay_type`). */
export type WsdShape = (typeof WSD_SHAPES)[number];

/** Arguments of {@link warmupStableDecay}. */
export interface WarmupStableDecayArgs extends UnitArg {
  /** Value of the stable phase (Hugging Face: the optimizer's LR). */
  readonly peak: number;
  /** Length of the whole schedule: warmup + stable + decay (> 0; Hugging Face `num_training_steps`). */
  readonly total: Duration;
  /** Length of the warmup (>= 0; Hugging Face `num_warmup_steps`). */
  readonly warmup: Duration;
  /** Length of the cooldown at the end (>= 0; warmup + decay <= total; Hugging Face `num_decay_steps`). */
  readonly decay: Duration;
  /** Cooldown shape: `linear` (default), `cosine` or `1-sqrt` (Hugging Face `decay_type`). */
  readonly decayShape?: WsdShape;
  /** Warmup shape: `linear` (default), `cosine` or `1-sqrt` (Hugging Face `warmup_type`). */
  readonly warmupShape?: WsdShape;
  /** Value at the end of the cooldown and from `total` on (default 0; Hugging Face `min_lr_ratio * peak`). */
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
 * of `total`: `min + (peak - min) * f((t - (total - decay)) / decay)` with `f` = `1 - p`,
 * `(1 + cos(pi p)) / 2` or `1 - sqrt(p)`; exactly `min` from `total` on.
 *
 * @example
 * ```ts
 * import { warmupStableDecay } from 'hyperschedule';
 * const lr = warmupStableDecay({ peak: 0.1, total: 1000, warmup: 100, decay: 200 });
 * [lr.at(50), lr.at(100), lr.at(800), lr.at(900), lr.at(1000)]; // [0.05, 0.1, 0.1, 0.05, 0]
 * ```
 */
export const warmupStableDecay = defineFamily<WarmupStableDecayArgs>(
  'warmupStableDecay',
  ['peak', 'total', 'warmup', 'decay', 'decayShape', 'warmupShape', 'min', 'init'],
  (r) => {
    const peak = r.number('peak');
    const total = r.duration('total', true);
    const warmup = r.duration('warmup', false);
    const decay = r.duration('decay', false);
    const decayShape = r.oneOf('decayShape', WSD_SHAPES, 'linear');
    const warmupShape = r.oneOf('warmupShape', WSD_SHAPES, 'linear');
    const min = r.number('min', {}, 0);
    const init = r.number('init', {}, min);
    // The phases are measured back from `total`, so the cooldown ends exactly at `total`
    // (warmup + stable + decay summed in floating point can land a hair past it).
    const stableEnd = total - decay;
    if (!(warmup <= stableEnd)) r.fail('decay', r.raw('decay'), `a duration with warmup (${warmup}) + decay <= total (${total})`);
    const cooldown = total - stableEnd;
    const rise = peak - init;
    const fall = peak - min;
    const warmKind = shapeIndex(warmupShape);
    const decayKind = shapeIndex(decayShape);
    return {
      spec: { peak, total, warmup, decay, decayShape, warmupShape, min, init },
      end: total,
      at: (t) => {
        const x = t > 0 ? t : 0;
        if (x >= total) return min;
        if (x < warmup) {
          const p = x / warmup;
          const f = warmKind === 0 ? p : warmKind === 1 ? 0.5 * (1 - Math.cos(Math.PI * p)) : 1 - Math.sqrt(1 - p);
          return init + rise * f;
        }
        if (x < stableEnd) return peak;
        // x < total, so p < 1 up to rounding; clamp so the shape never passes `min`.
        const q = (x - stableEnd) / cooldown;
        const p = q < 1 ? q : 1;
        const f = decayKind === 0 ? 1 - p : decayKind === 1 ? 0.5 * (1 + Math.cos(Math.PI * p)) : 1 - Math.sqrt(p);
        return min + fall * f;
      },
    };
  },
);
