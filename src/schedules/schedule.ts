/**
 * The unit a schedule counts training time in.
 * - `step`: optimizer updates applied (PyTorch `scheduler.step()` per batch, optax `count`).
 * - `epoch`: (fractional) passes over the training set, derived from samples seen.
 * - `sample`: training examples consumed.
 * - `progress`: fraction of the whole run in [0, 1].
 */
export type TimeUnit = 'step' | 'epoch' | 'sample' | 'progress';

/** Every allowed {@link TimeUnit}, in a fixed order (internal: for validation and CLIs). */
export const TIME_UNITS: readonly TimeUnit[] = ['step', 'epoch', 'sample', 'progress'];

/**
 * A user function of training time, for the `lambda` family (PyTorch `LambdaLR`).
 */
export type LambdaFn = (t: number) => number;

/**
 * A JSON value: what a schedule spec may contain.
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The serialised form of a schedule: `type` names the family or combinator, the other fields are
 * its arguments (child schedules appear as nested specs). `fromJSON(spec)` rebuilds an equal
 * schedule.
 */
export interface ScheduleSpec {
  readonly type: string;
  readonly unit?: TimeUnit;
  readonly [key: string]: JsonValue | undefined;
}

/**
 * A pure value of training time: `at(t)` depends on `t` and the spec only — no hidden step
 * counter, so resuming a run is just restoring its clock.
 *
 * @example
 * ```ts
 * import { cosine } from 'hyperschedule';
 * const lr = cosine({ init: 0.1, duration: 100 });
 * lr.at(0);   // 0.1
 * lr.at(50);  // 0.05
 * lr.toJSON(); // { type: 'cosine', unit: 'step', init: 0.1, duration: 100, ... }
 * ```
 */
export interface Schedule {
  /** Family or combinator name, equal to `toJSON().type`. */
  readonly type: string;
  /** The time unit `t` is measured in. */
  readonly unit: TimeUnit;
  /** The value at training time `t` (in {@link Schedule.unit}). Never NaN for finite `t >= 0`. */
  at(t: number): number;
  /**
   * The time (in {@link Schedule.unit}) from which the value no longer changes: `at(t) === at(end)`
   * for every `t >= end`. `undefined` when the schedule never settles (cyclic, warm restarts,
   * an exponential decay, ...). Checking a schedule over `[0, end]` covers every value it takes.
   */
  readonly end?: number;
  /** The JSON spec that rebuilds this schedule with `fromJSON`. */
  toJSON(): ScheduleSpec;
}
