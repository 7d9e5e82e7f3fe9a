import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { resolveDuration, type Duration } from '../duration.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, assertSchedule, checkSpecUnit, decodeChild, finite, specDuration, specNumber, type ResolveOptions } from './common.js';

/** How a warmup ramps from `from` to the peak. */
export type WarmupShape = 'linear' | 'cosine' | 'exponential';

/** Every allowed {@link WarmupShape}. */
export const WARMUP_SHAPES: readonly WarmupShape[] = ['linear', 'cosine', 'exponential'];

/**
 * Options of {@link warmup}.
 *
 * @example
 * ```ts
 * import type { WarmupOptions } from 'hyperschedule';
 * const o: WarmupOptions = { duration: '6ep', from: 0, shape: 'cosine' };
 * ```
 */
export interface WarmupOptions {
  /** Length of the ramp, in the child's unit or as a time string. 0 means no warmup. */
  readonly duration: Duration;
  /** Value at t = 0 (default 0). Must be > 0 for an exponential ramp. */
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
 * t = `duration`, then the child in local time `t - duration`, so the warmup ends exactly at the
 * child's value at its time 0 (optax `warmup_*`, PyTorch `SequentialLR([LinearLR, …])`).
 * With `overlap: true` the child runs in global time (timm-style) and the ramp ends at
 * `schedule.at(duration)`.
 *
 * @example
 * ```ts
 * import { constant, warmup } from 'hyperschedule';
 * const lr = warmup(constant({ value: 0.1 }), { duration: 10 });
 * lr.at(0);  // 0
 * lr.at(5);  // 0.05
 * lr.at(10); // 0.1
 * ```
 */
export function warmup(schedule: Schedule, options: WarmupOptions, resolve?: ResolveOptions): Schedule {
  const child = assertSchedule(schedule, 'warmup.schedule');
  if (typeof options !== 'object' || options === null) {
    throw new HyperscheduleError('warmup.options', options, 'an object { duration, from?, shape?, overlap? }');
  }
  const unit = child.unit;
  const duration = resolveDuration(options.duration, unit, resolve?.run, 'warmup.duration');
  const from = finite(options.from ?? 0, 'warmup.from');
  const shape = options.shape ?? 'linear';
  if (!WARMUP_SHAPES.includes(shape)) throw new HyperscheduleError('warmup.shape', shape, `one of ${WARMUP_SHAPES.join(', ')}`);
  const overlap = options.overlap ?? false;
  if (typeof overlap !== 'boolean') throw new HyperscheduleError('warmup.overlap', overlap, 'true or false');

  const peak = overlap ? child.at(duration) : child.at(0);
  if (!Number.isFinite(peak)) {
    throw new HyperscheduleError('warmup.schedule', peak, `a finite value at the warmup end (t = ${overlap ? duration : 0})`);
  }
  if (shape === 'exponential') {
    if (!(from > 0)) throw new HyperscheduleError('warmup.from', from, 'a number > 0 for an exponential warmup');
    if (!(peak > 0)) {
      throw new HyperscheduleError('warmup.schedule', peak, 'a child whose value at the warmup end is > 0 for an exponential warmup');
    }
  }

  const rise = peak - from;
  const ratio = shape === 'exponential' ? peak / from : 1;
  const offset = overlap ? 0 : duration;
  // One closure per shape so at() does no branching on options.
  const ramp: (t: number) => number =
    shape === 'linear' ? (t) => from + rise * (t / duration)
      : shape === 'cosine' ? (t) => from + rise * 0.5 * (1 - Math.cos((Math.PI * t) / duration))
        : (t) => from * ratio ** (t / duration);

  return Object.freeze({
    type: 'warmup',
    unit,
    at(t: number): number {
      if (t >= duration) return child.at(t - offset);
      // Negative (and NaN) time counts as 0, as in every family.
      return t > 0 ? ramp(t) : from;
    },
    toJSON(): ScheduleSpec {
      return { type: 'warmup', unit, duration, from, shape, overlap, schedule: childSpec(child) };
    },
  });
}

/**
 * Rebuilds a {@link warmup} from `{ type: 'warmup', schedule, duration, from?, shape?, overlap? }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'warmup', duration: 5, schedule: { type: 'constant', value: 1 } }).at(5); // 1
 * ```
 */
export const warmupCodec: ScheduleCodec = {
  type: 'warmup',
  decode(spec, ctx) {
    checkFields(spec, ['schedule', 'duration', 'from', 'shape', 'overlap']);
    const child = decodeChild(spec, 'schedule', ctx.fromJSON);
    checkSpecUnit(spec, child.unit);
    const shape = spec.shape ?? undefined;
    if (shape !== undefined && typeof shape !== 'string') throw new HyperscheduleError('warmup.shape', shape, `one of ${WARMUP_SHAPES.join(', ')}`);
    const overlap = spec.overlap ?? undefined;
    if (overlap !== undefined && typeof overlap !== 'boolean') throw new HyperscheduleError('warmup.overlap', overlap, 'true or false');
    const from = specNumber(spec, 'from');
    return warmup(
      child,
      {
        duration: specDuration(spec, 'duration'),
        ...(from !== undefined ? { from } : {}),
        ...(shape !== undefined ? { shape: shape as WarmupShape } : {}),
        ...(overlap !== undefined ? { overlap } : {}),
      },
      ctx.run ? { run: ctx.run } : undefined,
    );
  },
};
