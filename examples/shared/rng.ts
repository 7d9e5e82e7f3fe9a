import { HyperscheduleError } from 'hyperschedule';

/**
 * A seeded pseudo-random source. Every random choice in the data pipeline (split, shuffle,
 * augmentation) and in the example model's initialisation draws from one of these, so a run is
 * repeatable from its seed alone.
 *
 * @example
 * ```ts
 * import { createRng } from './rng.js';
 * const rng = createRng(42);
 * rng.next(); // a number in [0, 1), the same for every run with seed 42
 * ```
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** splitmix32: spreads a 32-bit seed over the state so that nearby seeds give unrelated streams. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Mixes several integers (seed, epoch, index, ...) into one 32-bit seed, so that per-sample random
 * streams can be derived without consuming a shared generator (augmentation then does not depend
 * on the batch size or the order batches are drawn in).
 *
 * @example
 * ```ts
 * import { mixSeed } from './rng.js';
 * mixSeed(42, 3, 1017) === mixSeed(42, 3, 1017); // true
 * ```
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const next = splitmix32((h ^ (p >>> 0)) >>> 0);
    h = next();
    // Fold in the high part too, so seeds beyond 2^32 are not silently aliased.
    h = (h ^ Math.floor(p / 0x100000000)) >>> 0;
  }
  return h >>> 0;
}

/**
 * Creates an xoshiro128** generator (fast, 128-bit state, passes BigCrush) from an integer seed.
 *
 * @example
 * ```ts
 * import { createRng } from './rng.js';
 * const a = createRng(7), b = createRng(7);
 * a.int(10) === b.int(10); // true
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new HyperscheduleError('seed', seed, 'a finite integer');
  }
  const sm = splitmix32(mixSeed(seed));
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare: number | undefined;
  const rng: Rng = {
    next: () => nextU32() / 0x100000000,
    int: (n: number) => Math.floor((nextU32() / 0x100000000) * n),
    uniform: (lo: number, hi: number) => lo + (hi - lo) * (nextU32() / 0x100000000),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      // 1 - u keeps the log argument in (0, 1].
      const u = 1 - nextU32() / 0x100000000;
      const v = nextU32() / 0x100000000;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A seeded Fisher–Yates permutation of `0..n-1`.
 *
 * @example
 * ```ts
 * import { permutation } from './rng.js';
 * permutation(5, 1); // e.g. Int32Array [3, 0, 4, 1, 2], the same for every run with seed 1
 * ```
 */
export function permutation(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new HyperscheduleError('permutation.n', n, 'an integer >= 0');
  const rng = createRng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
