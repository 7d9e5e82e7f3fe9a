import type { Duration } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { familyCodec, makeSchedule, readArgs, type FamilyOptions, type UnitArg } from './family.js';

/**
 * Arguments of {@link linear}.
 *
 * @example
 * ```ts
 * import { linear, type LinearArgs } from 'hyperschedule';
 * const args: LinearArgs = { init: 0, end: 1, duration: 10 };
 * linear(args).at(5); // 0.5
 * ```
 */
export interface LinearArgs extends UnitArg {
  /** Value at t = 0. */
  readonly init: number;
  /** Value from `duration` on. */
  readonly end: number;
  /** Length of the ramp (> 0). */
  readonly duration: Duration;
}

/**
 * A straight line from `init` to `end` over `duration`, then constant:
 * `init + (end - init) * min(t, duration) / duration` (PyTorch `LinearLR` with
 * `init = base * startFactor`, `end = base * endFactor`; optax `linear_schedule`).
 *
 * @example
 * ```ts
 * import { linear } from 'hyperschedule';
 * const lr = linear({ init: 0.01, end: 0.1, duration: 10 });
 * [lr.at(0), lr.at(5), lr.at(20)]; // [0.01, 0.055, 0.1]
 * ```
 */
export function linear(args: LinearArgs, options?: FamilyOptions): Schedule {
  const r = readArgs('linear', args, options);
  const init = r.number('init');
  const end = r.number('end');
  const duration = r.duration('duration', true);
  const span = end - init;
  return makeSchedule('linear', r.unit, { init, end, duration }, (t) => {
    const x = t > 0 ? t : 0;
    return x >= duration ? end : init + (span * x) / duration;
  });
}

/**
 * Codec of {@link linear}: `{ type: 'linear', init, end, duration }`, used by `fromJSON`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'linear', init: 0, end: 1, duration: 10 }).at(5); // 0.5
 * ```
 */
export const linearCodec = familyCodec('linear', ['init', 'end', 'duration'], (args, options) => linear(args as unknown as LinearArgs, options));
