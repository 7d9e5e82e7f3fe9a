import { HyperscheduleError } from '../../errors.js';

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~1e-15 relative). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b), for x in [0, 1] and a, b > 0.
 *
 * @example
 * ```ts
 * import { regularizedIncompleteBeta } from './stats.js';
 * regularizedIncompleteBeta(0.5, 2, 2); // 0.5 (symmetric)
 * ```
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new HyperscheduleError('incompleteBeta.a/b', [a, b], 'two numbers > 0');
  if (!(x >= 0 && x <= 1)) throw new HyperscheduleError('incompleteBeta.x', x, 'a number in [0, 1]');
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function checkDf(df: number): void {
  if (typeof df !== 'number' || !(df > 0) || !Number.isFinite(df)) throw new HyperscheduleError('df', df, 'a finite number > 0 (degrees of freedom)');
}

/**
 * The cumulative distribution function of Student's t with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import { studentTCdf } from './stats.js';
 * studentTCdf(0, 5); // 0.5
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) throw new HyperscheduleError('t', t, 'a number');
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  if (t2 < df) {
    // Near 0, df / (df + t²) rounds to 1: use the complementary form, exact for small |t|.
    const half = 0.5 * regularizedIncompleteBeta(t2 / (df + t2), 0.5, df / 2);
    return t >= 0 ? 0.5 + half : 0.5 - half;
  }
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The quantile (inverse CDF) of Student's t: the `t` with `studentTCdf(t, df) = p`. Bisection on
 * the CDF to full double precision (the CDF is monotone, so it cannot fail to converge).
 *
 * @example
 * ```ts
 * import { studentTQuantile } from './stats.js';
 * studentTQuantile(0.975, 4); // 2.7764451051977987 (the 95% two-sided critical value)
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new HyperscheduleError('p', p, 'a probability in (0, 1)');
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Summary of a sample: size, mean, sample standard deviation (n - 1) and a two-sided confidence
 * interval for the mean from Student's t (`mean ± t_{(1+level)/2, n-1} · s / √n`). With one value
 * the spread is unknown: `std`, `halfWidth`, `lo` and `hi` are `null`.
 *
 * @example
 * ```ts
 * import type { SampleSummary } from 'hyperschedule/node';
 * const s: SampleSummary = { n: 1, mean: 0.7, std: null, halfWidth: null, lo: null, hi: null, level: 0.95 };
 * ```
 */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  readonly std: number | null;
  readonly halfWidth: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly level: number;
}

/**
 * Mean and t-distribution confidence interval (default 95%) of finite values. Throws on an empty
 * sample or a non-finite value (a failed trial must be left out, not averaged as NaN).
 *
 * @example
 * ```ts
 * import { meanConfidenceInterval } from 'hyperschedule/node';
 * const s = meanConfidenceInterval([0.70, 0.72, 0.74]);
 * [s.mean, s.halfWidth]; // [0.72, 0.0497...] (t_{0.975, 2} = 4.303, s = 0.02)
 * ```
 */
export function meanConfidenceInterval(values: readonly number[], level = 0.95): SampleSummary {
  if (!Array.isArray(values) || values.length === 0) throw new HyperscheduleError('values', values, 'a non-empty array of finite numbers');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new HyperscheduleError(`values[${i}]`, v, 'a finite number');
  });
  if (!(level > 0 && level < 1)) throw new HyperscheduleError('level', level, 'a number in (0, 1)');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, std: null, halfWidth: null, lo: null, hi: null, level };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  const halfWidth = (studentTQuantile((1 + level) / 2, n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth, level };
}
