import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link inverseSqrt}.
 *
 * @example
 * ```ts
 * import { inverseSqrt, type InverseSqrtArgs } from 'hyperschedule';
 * const args: InverseSqrtArgs = { init: 1, warmup: 100 };
 * inverseSqrt(args).at(400); // 0.5
 * ```
 */
export interface InverseSqrtArgs extends UnitArg {
  /** Value at the end of the warmup (the peak). */
  readonly init: number;
  /** Time scale of the decay (> 0; default `warmup`, or 10000 without warmup, as in Hugging Face). */
  readonly timescale?: Duration;
  /** Linear warmup from 0 to `init` (default 0). */
  readonly warmup?: Duration;
}

/**
 * Inverse square-root decay with Hugging Face `get_inverse_sqrt_schedule` semantics:
 * `init * t / warmup` during the warmup, then `init / sqrt((t + timescale - warmup) / timescale)`.
 *
 * @example
 * ```ts
 * import { inverseSqrt } from 'hyperschedule';
 * const lr = inverseSqrt({ init: 0.1, warmup: 100 });
 * [lr.at(50), lr.at(100), lr.at(400)]; // [0.05, 0.1, 0.05]
 * ```
 */
export function inverseSqrt(args: InverseSqrtArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('inverseSqrt', args, options);
  const init = r.number('init');
  const warmup = r.duration('warmup', false, 0);
  const timescale = r.duration('timescale', true, warmup > 0 ? warmup : 10_000);
  const shift = timescale - warmup;
  return makeSchedule('inverseSqrt', r.unit, { init, timescale, warmup }, (t) => {
    const x = t > 0 ? t : 0;
    // HF divides by max(1, warmup); for step counts that is the same as dividing by warmup.
    if (x < warmup) return (init * x) / warmup;
    return init * (1 / Math.sqrt((x + shift) / timescale));
  });
}

/**
 * Codec of {@link inverseSqrt}: `{ type: 'inverseSqrt', init, timescale, warmup }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'inverseSqrt', init: 1, warmup: 100 }).at(400); // 0.5
 * ```
 */
export const inverseSqrtCodec = familyCodec('inverseSqrt', ['init', 'timescale', 'warmup'], (args, options) => inverseSqrt(args as unknown as InverseSqrtArgs, options));
