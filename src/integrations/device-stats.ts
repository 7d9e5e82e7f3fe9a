import * as tf from '@tensorflow/tfjs-core';

/**
 * One variable's gradient in an update.
 *
 * @example
 * ```ts
 * import type { GradientOf } from './device-stats.js';
 * const describe = (g: GradientOf) => `${g.name}: ${g.tensor.shape}`;
 * ```
 */
export interface GradientOf {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/**
 * What to measure in one batched read (see {@link readUpdateStats}).
 *
 * @example
 * ```ts
 * import type { StatsRequest } from './device-stats.js';
 * const r: StatsRequest = { finite: true, gradNorms: false };
 * ```
 */
export interface StatsRequest {
  /** Check every gradient for NaN/±Infinity. */
  readonly finite: boolean;
  /** Read this loss. */
  readonly loss?: tf.Tensor;
  /** Measure ||g|| per variable. */
  readonly gradNorms: boolean;
  /** Previous gradients by variable name: measure ||g - g_prev|| for the names present. */
  readonly previousGradients?: ReadonlyMap<string, tf.Tensor>;
  /** Squared per-variable parameter deltas already on the device (from the previous update). */
  readonly pendingParamDelta?: { readonly names: readonly string[]; readonly squares: tf.Tensor };
}

/**
 * The numbers one batched read returned. Squared norms are summed on the host in float64, so the
 * global norm is `sqrt(sum(squares))`.
 *
 * @example
 * ```ts
 * import type { StatsResult } from './device-stats.js';
 * const r: StatsResult = { nonFinite: {}, gradSquares: { w: 25 } };
 * ```
 */
export interface StatsResult {
  /** Variables whose gradient holds a NaN/±Infinity (value NaN). Empty when all are finite. */
  readonly nonFinite: Record<string, number>;
  readonly loss?: number;
  readonly gradSquares?: Record<string, number>;
  readonly gradDeltaSquares?: Record<string, number>;
  readonly paramDeltaSquares?: Record<string, number>;
}

/**
 * Internal to the hooks (not re-exported): computes every requested statistic on the device inside one `tf.tidy`,
 * concatenates the scalars and reads them with a single `dataSync()` — one device round trip
 * per update however many signals are subscribed. Disposes everything it creates.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { readUpdateStats } from './device-stats.js';
 * const g = tf.tensor1d([3, 4]);
 * readUpdateStats([{ name: 'w', tensor: g }], { finite: true, gradNorms: true }).gradSquares; // { w: 25 }
 * ```
 */
export function readUpdateStats(entries: readonly GradientOf[], request: StatsRequest): StatsResult {
  const layout: { key: 'finite' | 'loss' | 'grad' | 'gradDelta' | 'paramDelta'; names: readonly string[] }[] = [];
  const deltaNames = request.previousGradients ? entries.filter((e) => request.previousGradients!.has(e.name)).map((e) => e.name) : [];
  // With gradient norms requested, their sums of squares double as the finite check (a square sum
  // is non-finite iff the gradient holds NaN/±Infinity or its norm overflows float32), saving one
  // full reduction per variable.
  const finiteFromSquares = request.finite && request.gradNorms;
  const packed = tf.tidy(() => {
    const pieces: tf.Tensor[] = [];
    const perVariable = (names: readonly string[], f: (e: GradientOf) => tf.Tensor): tf.Tensor => {
      const wanted = new Set(names);
      return tf.stack(entries.filter((e) => wanted.has(e.name)).map((e) => {
        const scalar = f(e);
        return scalar.dtype === 'float32' ? scalar : tf.cast(scalar, 'float32');
      }));
    };
    const allNames = entries.map((e) => e.name);
    if (request.finite && !finiteFromSquares && entries.length > 0) {
      // 0 * x is NaN exactly when x is NaN or ±Infinity: one cheap reduction per variable.
      pieces.push(perVariable(allNames, (e) => tf.sum(tf.mul(e.tensor, 0))));
      layout.push({ key: 'finite', names: allNames });
    }
    if (request.loss) {
      pieces.push(tf.reshape(tf.cast(request.loss, 'float32'), [1]));
      layout.push({ key: 'loss', names: ['loss'] });
    }
    if (request.gradNorms && entries.length > 0) {
      pieces.push(perVariable(allNames, (e) => tf.sum(tf.square(e.tensor))));
      layout.push({ key: 'grad', names: allNames });
    }
    if (deltaNames.length > 0) {
      const prev = request.previousGradients!;
      pieces.push(perVariable(deltaNames, (e) => tf.sum(tf.square(tf.sub(e.tensor, prev.get(e.name)!)))));
      layout.push({ key: 'gradDelta', names: deltaNames });
    }
    if (request.pendingParamDelta && request.pendingParamDelta.names.length > 0) {
      pieces.push(tf.reshape(request.pendingParamDelta.squares, [-1]));
      layout.push({ key: 'paramDelta', names: request.pendingParamDelta.names });
    }
    return pieces.length === 0 ? tf.zeros([0]) : tf.concat(pieces.map((p) => tf.reshape(p, [-1])));
  });
  if (layout.length === 0) {
    packed.dispose();
    return { nonFinite: {} };
  }
  const values = packed.dataSync();
  packed.dispose();
  const result: { -readonly [K in keyof StatsResult]: StatsResult[K] } = { nonFinite: {} };
  let offset = 0;
  for (const { key, names } of layout) {
    const record: Record<string, number> = {};
    names.forEach((name, i) => {
      record[name] = values[offset + i] as number;
    });
    offset += names.length;
    if (key === 'finite') {
      for (const [name, v] of Object.entries(record)) if (!Number.isFinite(v)) result.nonFinite[name] = Number.NaN;
    } else if (key === 'loss') result.loss = record.loss;
    else if (key === 'grad') {
      result.gradSquares = record;
      if (finiteFromSquares) for (const [name, v] of Object.entries(record)) if (!Number.isFinite(v)) result.nonFinite[name] = Number.NaN;
    }
    else if (key === 'gradDelta') result.gradDeltaSquares = record;
    else result.paramDeltaSquares = record;
  }
  return result;
}

/**
 * Global and per-variable norms from squared per-variable norms.
 *
 * @example
 * ```ts
 * import { normsFromSquares } from './device-stats.js';
 * normsFromSquares({ a: 9, b: 16 }); // { global: 5, perVariable: { a: 3, b: 4 } }
 * ```
 */
export function normsFromSquares(squares: Readonly<Record<string, number>>): { global: number; perVariable: Record<string, number> } {
  let total = 0;
  const perVariable: Record<string, number> = {};
  for (const [name, sq] of Object.entries(squares)) {
    total += sq;
    perVariable[name] = Math.sqrt(sq);
  }
  return { global: Math.sqrt(total), perVariable };
}
