import { defineCombinator, runOption, specOf, type ResolveOptions } from '../define.js';
import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';

/** How a warmup ramps from `from` to the peak. */
export type WarmupShape = 'linear' | 'cosine' | 'exponential';

/** Every allowed {@link WarmupShape} (internal: for validation). */
const WARMUP_SHAPES: readonly WarmupShape[] = ['linear', 'cosine', 'exponential'];

/**
 * `from` when none is given, as a fraction of the peak: small enough to be a warmup from
 * (almost) nothing, and still > 0 for a positive peak, so the default ramp stays inside the
 * `'positive'` domain of a learning rate (a ramp from 0 would leave it at t = 0).
 */
const DEFAULT_FROM = 0.01;

/** Options of {@link warmup}. */
export interface WarmupOptions {
  /** Length of the ramp, in the child's unit or as a time string; 0 means no warmup (optax `warmup_steps`, PyTorch `total_iters`). */
  readonly duration: Duration;
  /**
   * Value at t = 0 (optax `init_value`; PyTorch `LinearLR` `start_factor * base`). Default: 1% of
   * the peak (`0.01 * peak`), which is > 0 whenever the peak is. Must be > 0 for an exponential ramp.
   */
  readonly from?: number;
  /** Ramp shape (default `'linear'`). */
  readonly shape?: WarmupShape;
  /**
   * `false` (default, optax / PyTorch SequentialLR): the child starts at its own time 0 when the
   * warmup ends, and the ramp ends at `schedule.at(0)`. `true` (timm): the child runs in global
   * time, the ramp ends at `schedule.at(duration)` and replaces the child's first `duration`.
   */
  readonly overlap?: boolean;
}

/**
 * Puts a warmup ramp in front of any schedule: from `from` at t = 0 up to the child's peak at
 * t = `duration` (linear: `from + (peak - from) * t / duration`; cosine: a half cosine;
 * exponential: `from * (peak / from)^(t / duration)`), then the child in local time
 * `t - duration`, so the warmup ends exactly at the child's value at its time 0 (optax
 * `warmup_*`, PyTorch `SequentialLR([LinearLR, …])`). With `overlap: true` the child runs in
 * global time (timm-style) and the ramp ends at `schedule.at(duration)`. `from` defaults to 1% of
 * the peak.
 *
 * @example
 * ```ts
 * import { constant, warmup } from 'hyperschedule';
 * const lr = warmup(constant({ value: 0.1 }), { duration: 10 });
 * lr.at(0);  // 0.001 (1% of the peak)
 * lr.at(10); // 0.1
 * warmup(constant({ value: 0.1 }), { duration: 10, from: 0 }).at(5); // 0.05
 * ```
 */
export const warmup = defineCombinator({
  type: 'warmup',
  fields: ['schedule', 'duration', 'from', 'shape', 'overlap'],
  params: (schedule: Schedule, options: WarmupOptions, resolve?: ResolveOptions) => ({ args: { schedule, ...options }, run: runOption(resolve, 'warmup') }),
  build(r) {
    const child = r.schedule('schedule');
    r.useUnit(child.unit);
    const duration = r.duration('duration', false);
    const shape = r.oneOf('shape', WARMUP_SHAPES, 'linear');
    const overlap = r.boolean('overlap', false);
    const peak = overlap ? child.at(duration) : child.at(0);
    if (!Number.isFinite(peak)) r.fail('schedule', peak, `a finite value at the warmup end (t = ${overlap ? duration : 0})`);
    if (shape === 'exponential' && !(peak > 0)) {
      r.fail('schedule', peak, 'a child whose value at the warmup end is > 0 for an exponential warmup');
    }
    const from = r.number('from', {}, DEFAULT_FROM * peak) + 0;
    if (shape === 'exponential' && !(from > 0)) r.fail('from', from, 'a number > 0 for an exponential warmup');

    const rise = peak - from;
    const ratio = shape === 'exponential' ? peak / from : 1;
    const offset = overlap ? 0 : duration;
    // One closure per shape so at() does no branching on options.
    const ramp: (t: number) => number =
      shape === 'linear' ? (t) => from + rise * (t / duration)
        : shape === 'cosine' ? (t) => from + rise * 0.5 * (1 - Math.cos((Math.PI * t) / duration))
          : (t) => from * ratio ** (t / duration);
    const childEnd = child.end;
    return {
      spec: { schedule: specOf(child), duration, from, shape, overlap },
      end: childEnd === undefined ? undefined : overlap ? Math.max(duration, childEnd) : duration + childEnd,
      at: (t) => {
        if (t >= duration) return child.at(t - offset);
        // Negative (and NaN) time counts as 0, as in every family.
        return t > 0 ? ramp(t) : from;
      },
    };
  },
});
