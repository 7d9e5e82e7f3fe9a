import { bisect, defineFamily, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Arguments of {@link cosineWarmRestarts}. */
export interface CosineWarmRestartsArgs extends UnitArg {
  /** Peak of the first cycle (PyTorch: the optimizer's initial LR). */
  readonly init: number;
  /** Length of the first cycle (> 0; PyTorch `T_0`). */
  readonly period: Duration;
  /** Each cycle is `periodMult` times longer than the previous one (>= 1, default 1; PyTorch `T_mult`). */
  readonly periodMult?: number;
  /** Value at the end of every cycle (default 0; PyTorch `eta_min`). */
  readonly min?: number;
  /** Peak of cycle i is `init * peakDecay^i`, in [0, 1] (default 1; timm `cycle_decay`, optax sgdr). */
  readonly peakDecay?: number;
  /** Linear ramp from `min` to the cycle's peak at the start of every cycle (< `period`, default 0; timm `warmup_t` per cycle). */
  readonly warmup?: Duration;
}

/** Cycles whose start and peak are precomputed; later ones fall back to closed forms. */
const TABLE = 1024;

/**
 * SGDR, cosine annealing with warm restarts (PyTorch `CosineAnnealingWarmRestarts`): cycle i
 * has length `period * periodMult^i` and anneals from its peak `init * peakDecay^i` to `min`,
 * `min + (peak_i - min) * (1 + cos(pi * local / length_i)) / 2`, after an optional linear
 * `warmup` from `min` at the start of every cycle. Fractional `t` gives the same values as
 * PyTorch's `scheduler.step(epoch)` with a fractional epoch.
 *
 * @example
 * ```ts
 * import { cosineWarmRestarts } from 'hyperschedule';
 * const lr = cosineWarmRestarts({ init: 0.1, period: 10, periodMult: 2 });
 * [lr.at(0), lr.at(5), lr.at(10), lr.at(20)]; // [0.1, 0.05, 0.1, 0.05] (approx.)
 * ```
 */
export const cosineWarmRestarts = defineFamily<CosineWarmRestartsArgs>(
  'cosineWarmRestarts',
  ['init', 'period', 'periodMult', 'min', 'peakDecay', 'warmup'],
  (r) => {
    const init = r.number('init');
    const period = r.duration('period', true);
    const periodMult = r.number('periodMult', { ge: 1 }, 1);
    const min = r.number('min', {}, 0);
    const peakDecay = r.number('peakDecay', { ge: 0, le: 1 }, 1);
    const warmup = r.duration('warmup', false, 0);
    if (!(warmup < period)) r.fail('warmup', r.raw('warmup'), `a duration < period (${period}) so every cycle has a cosine part`);

    const peaks = Float64Array.from({ length: TABLE }, (_, i) => init * peakDecay ** i);
    // Cycle starts for periodMult > 1, so finding the cycle is a binary search, not a log and a pow.
    const starts: number[] = [0];
    if (periodMult > 1) {
      let length = period;
      while (starts.length < TABLE) {
        const next = starts[starts.length - 1]! + length;
        if (!Number.isFinite(next)) break;
        starts.push(next);
        length *= periodMult;
      }
    }
    const startTable = Float64Array.from(starts);
    const startCount = startTable.length;
    const lastStart = startCount - 1;
    const lastEnd = startTable[lastStart]! + period * periodMult ** lastStart;
    const logMult = Math.log(periodMult);
    const denom = periodMult - 1;

    return {
      spec: { init, period, periodMult, min, peakDecay, warmup },
      at: (t) => {
        const x = t > 0 ? t : 0;
        let cycle: number;
        let length: number;
        let local: number;
        if (periodMult === 1) {
          // fmod is exact, like PyTorch's epoch % T_0.
          local = x % period;
          cycle = Math.round((x - local) / period);
          length = period;
        } else if (x < lastEnd) {
          // The last cycle start <= x (startTable[0] = 0 <= x).
          cycle = bisect(startTable, startCount, x, true) - 1;
          length = cycle < lastStart ? startTable[cycle + 1]! - startTable[cycle]! : period * periodMult ** cycle;
          local = x - startTable[cycle]!;
        } else {
          // Beyond the table (only for periodMult barely above 1): PyTorch's closed form.
          cycle = Math.floor(Math.log((x / period) * denom + 1) / logMult);
          const grow = periodMult ** cycle;
          length = period * grow;
          local = x - (period * (grow - 1)) / denom;
        }
        if (local < 0) local = 0;
        else if (local > length) local = length;
        const peak = cycle < TABLE ? peaks[cycle]! : init * peakDecay ** cycle;
        if (local < warmup) return min + ((peak - min) * local) / warmup;
        return min + ((peak - min) * (1 + Math.cos((Math.PI * (local - warmup)) / (length - warmup)))) / 2;
      },
    };
  },
);
