/**
 * mulberry32: a tiny, fast seeded generator of uniform numbers in [0, 1). Enough for shuffles and
 * resampling; not for cryptography. The same seed always gives the same sequence.
 *
 * @example
 * ```ts
 * import { mulberry32 } from './random.js';
 * const next = mulberry32(42);
 * next(); // a number in [0, 1), the same on every run
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
