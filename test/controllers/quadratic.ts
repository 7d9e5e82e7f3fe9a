/**
 * Float64Array harness for the adaptive heavy-ball evidence test: seeded random quadratics
 * f(x) = 1/2 (x - x*)^T A (x - x*) with A = Q diag(lambda) Q^T, Q from the QR (Gram–Schmidt) of a
 * seeded Gaussian matrix and lambda geometric from 1 to kappa.
 */
import { mulberry32 } from '../../src/random.js';

/** A small seeded uniform generator in [0, 1). */
export const uniform = mulberry32;

/** Standard normal samples by Box–Muller. */
export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface Quadratic {
  readonly n: number;
  /** Row-major n×n Hessian. */
  readonly A: Float64Array;
  readonly xStar: Float64Array;
  readonly x0: Float64Array;
  readonly L: number;
  readonly mu: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** Q of the QR decomposition of M (columns orthonormalised by modified Gram–Schmidt, twice for stability); returned as its columns. */
export function orthonormalColumns(M: readonly Float64Array[]): Float64Array[] {
  const n = M.length;
  const Q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = Float64Array.from({ length: n }, (_, i) => M[i]![j]!);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        const d = dot(q, v);
        for (let i = 0; i < n; i++) v[i]! -= d * q[i]!;
      }
    }
    const len = norm(v);
    for (let i = 0; i < n; i++) v[i]! /= len;
    Q.push(v);
  }
  return Q;
}

export function randomQuadratic(n: number, kappa: number, seed: number): Quadratic {
  const g = gaussian(seed);
  const M = Array.from({ length: n }, () => Float64Array.from({ length: n }, g));
  const Q = orthonormalColumns(M);
  const lambda = Float64Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
  const A = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[k]![a]! * lambda[k]! * Q[k]![b]!;
      A[a * n + b] = s;
      A[b * n + a] = s;
    }
  }
  return { n, A, xStar: Float64Array.from({ length: n }, g), x0: Float64Array.from({ length: n }, g), L: kappa, mu: 1 };
}

/** The momentum rule of a run: called after every applied update with what a training loop would observe; returns beta for the next update. */
export interface MomentumRule {
  readonly initial: number;
  next(observation: { lr: number; gradDeltaNorm: number | null; paramDeltaNorm: number | null }): number;
}

export const fixedMomentum = (beta: number): MomentumRule => ({ initial: beta, next: () => beta });

/**
 * Heavy ball x_{k+1} = x_k - gamma g_k + beta_k (x_k - x_{k-1}) from x_{-1} = x_0 until
 * ||x_k - x*|| <= tol ||x_0 - x*||. Returns the number of updates taken, or `Infinity` if
 * `maxIterations` were not enough.
 */
export function heavyBallIterations(q: Quadratic, gamma: number, rule: MomentumRule, maxIterations: number, tol = 1e-6): number {
  const { n, A, xStar } = q;
  let x = Float64Array.from(q.x0);
  let xPrev = Float64Array.from(q.x0);
  const err = new Float64Array(n);
  const g = new Float64Array(n);
  let gPrev: Float64Array | null = null;
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) err[i] = x[i]! - xStar[i]!;
  const target = tol * norm(err);
  let beta = rule.initial;
  for (let k = 0; k <= maxIterations; k++) {
    for (let i = 0; i < n; i++) err[i] = x[i]! - xStar[i]!;
    if (norm(err) <= target) return k;
    if (k === maxIterations) break;
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += A[a * n + c]! * err[c]!;
      g[a] = s;
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = x[i]! - gamma * g[i]! + beta * (x[i]! - xPrev[i]!);
    // What a training loop observes once update k is applied: the secant pair g_k - g_{k-1}, x_k - x_{k-1}.
    let gradDeltaNorm: number | null = null;
    let paramDeltaNorm: number | null = null;
    if (gPrev) {
      for (let i = 0; i < n; i++) diff[i] = g[i]! - gPrev[i]!;
      gradDeltaNorm = norm(diff);
      for (let i = 0; i < n; i++) diff[i] = x[i]! - xPrev[i]!;
      paramDeltaNorm = norm(diff);
    }
    beta = rule.next({ lr: gamma, gradDeltaNorm, paramDeltaNorm });
    gPrev = Float64Array.from(g);
    xPrev = x;
    x = next;
  }
  return Number.POSITIVE_INFINITY;
}
