import { HyperscheduleError } from '../../errors.js';
import { defineCombinator, runOption, specOf, type FamilyOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';

/** Noise distributions of {@link withNoise} (internal: for validation). */
const NOISE_TYPES = ['normal', 'uniform'] as const;
/** The distribution of the noise of {@link withNoise} (timm `noise_type`). */
export type NoiseType = (typeof NOISE_TYPES)[number];

/** Options of {@link withNoise}. */
export interface NoiseArgs {
  /** Bound on the relative noise, |noise| < pct, in (0, 1] so the sign never flips (default 0.67; timm `noise_pct`). */
  readonly pct?: number;
  /** Standard deviation of normal noise before truncation to ±pct (> 0, default 1; timm `noise_std`). */
  readonly std?: number;
  /** Noise applies for from <= t < to (in the child's unit; `to` omitted = forever). Default: always. */
  readonly range?: readonly [Duration, Duration?];
  /** Seed of the noise sequence (a safe integer, default 42; timm `noise_seed`). */
  readonly seed?: number;
  /** `normal` (truncated, default) or `uniform` in (-pct, pct). */
  readonly type?: NoiseType;
}

/** murmur3's 32-bit finaliser: a good avalanche for a cheap, allocation-free hash. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_32 = 4294967296;

/** A uniform number in (0, 1) from the seed's hash and a whole time index >= 0. */
function uniform(seedHash: number, index: number): number {
  const lo = index % TWO_32;
  let h = mix32(seedHash ^ mix32(lo));
  // Indices past 2^32 (sample counts) mix in their high word too.
  if (index >= TWO_32) h = mix32(h ^ mix32((index - lo) / TWO_32 + 0x9e3779b9));
  return (h + 0.5) / TWO_32;
}

// Acklam's rational approximation of the normal quantile (relative error < 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/** The standard normal quantile: z with P(Z < z) = p, for p in (0, 1). */
function normalQuantile(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < 0.5 ? p : 1 - p));
    const z = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < 0.5 ? z : -z;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** P(0 < Z < a) for the standard normal, by Simpson's rule (construction time only). */
function normalMass(a: number): number {
  if (a > 40) return 0.5;
  const n = 2000;
  const h = a / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(-0.5 * (i * h) ** 2);
  }
  return Math.min(0.5, ((sum * h) / 3) / Math.sqrt(2 * Math.PI));
}

/**
 * Adds timm-style seeded learning-rate noise to a schedule: inside `range`,
 * `at(t) = v + v * noise(floor(t))` with `v = schedule.at(t)`. The noise at each whole time index
 * is a pure function of `(seed, floor(t))` (a hash, no stateful RNG), so the schedule stays pure:
 * the same `t` always gives the same value, in any order. Normal noise is `std * z` with `z`
 * normal truncated to `|std * z| < pct` — the distribution timm's resampling loop produces, drawn
 * here by inverting the normal CDF (no loop); uniform noise is `(2u - 1) * pct`. The values are
 * not timm's (which draws from torch's generator), but the distribution is the same.
 *
 * @example
 * ```ts
 * import { constant, withNoise } from 'hyperschedule';
 * const lr = withNoise(constant({ value: 0.1 }), { range: [10, 90], seed: 7 });
 * lr.at(5);                   // 0.1 (outside the range)
 * lr.at(20) === lr.at(20.5);  // true (one draw per whole time index)
 * Math.abs(lr.at(20) - 0.1) < 0.067; // true (|noise| < pct = 0.67, relative)
 * ```
 */
export const withNoise = defineCombinator({
  type: 'withNoise',
  // The spec calls the distribution `noiseType`: `type` names the schedule type there.
  fields: ['schedule', 'pct', 'std', 'range', 'seed', 'noiseType'],
  params: (schedule: Schedule, args: NoiseArgs = {}, options?: FamilyOptions) => {
    if (typeof args !== 'object' || args === null) throw new HyperscheduleError('withNoise', args, 'an options object');
    const { type, ...rest } = args;
    return { args: { schedule, ...rest, ...(type !== undefined ? { noiseType: type } : {}) }, run: runOption(options, 'withNoise') };
  },
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const pct = r.number('pct', { gt: 0, le: 1 }, 0.67);
    const std = r.number('std', { gt: 0 }, 1);
    const seed = r.number('seed', { integer: true, ge: -Number.MAX_SAFE_INTEGER, le: Number.MAX_SAFE_INTEGER }, 42);
    const noiseType = r.oneOf('noiseType', NOISE_TYPES, 'normal');
    const rawRange = r.raw('range');
    let from = 0;
    let to = Number.POSITIVE_INFINITY;
    if (rawRange !== undefined) {
      if (!Array.isArray(rawRange) || rawRange.length < 1 || rawRange.length > 2) {
        r.fail('range', rawRange, 'a [from, to] or [from] pair of durations');
      }
      const pair = rawRange as readonly unknown[];
      from = r.durationAt('withNoise.range[0]', pair[0], false);
      if (pair[1] !== undefined && pair[1] !== null) {
        to = r.durationAt('withNoise.range[1]', pair[1], false);
        if (!(to > from)) r.fail('range[1]', pair[1], `a time > range[0] (${from})`);
      }
    }
    const seedLo = ((seed % TWO_32) + TWO_32) % TWO_32;
    const seedHash = mix32(mix32(seedLo) ^ mix32(Math.floor(seed / TWO_32) + 0x1b873593));
    const normal = noiseType === 'normal';
    const at = child.at.bind(child) as (t: number) => number;
    // Truncated normal by inversion: p uniform in (Phi(-a), Phi(a)) with a = pct / std.
    const mass = normalMass(pct / std);
    const pLow = 0.5 - mass;
    const pSpan = 2 * mass;
    const inside = pct * (1 - 1e-12);

    /** Relative noise at whole time index n; pure in (seed, n). */
    const noise = (n: number): number => {
      const u = uniform(seedHash, n);
      if (!normal) return (2 * u - 1) * pct;
      const e = std * normalQuantile(pLow + u * pSpan);
      // The quantile approximation may overshoot the bound by a hair; keep |noise| < pct.
      return e >= pct ? inside : e <= -pct ? -inside : e;
    };

    return {
      spec: { schedule: specOf(child), pct, std, range: Number.isFinite(to) ? [from, to] : [from], seed, noiseType },
      // Past a finite range only the child is left.
      end: Number.isFinite(to) && child.end !== undefined ? Math.max(to, child.end) : undefined,
      at: (t) => {
        const value = at(t);
        const x = t > 0 ? t : 0;
        if (x < from || x >= to) return value;
        // value * (1 + noise) rather than timm's v + v * noise: equal up to rounding, and an
        // infinite child value stays infinite instead of becoming Infinity - Infinity = NaN.
        return value * (1 + noise(Math.floor(x)));
      },
    };
  },
});
