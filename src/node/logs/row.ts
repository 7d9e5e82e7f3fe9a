import type { MetricScope, StatKind } from '../../signals/types.js';

/**
 * One line of a run log: one applied update (or metrics reported between updates), as a flat
 * record of numbers. Its keys:
 *
 * - `step` (updates applied, this one included), `epoch` (fractional), `samples` (when every
 *   update's batch size was known), `wallTime` (Unix seconds), `batchSize` (samples in this
 *   update, when known);
 * - `loss`: the update's training loss;
 * - `param/<name>`: every parameter of the session, at the value this update used;
 * - `signal/<kind>` (and `signal/<kind>/<variable>` for per-variable statistics): device
 *   statistics such as `signal/gradNorm`;
 * - `<scope>/<name>`: metrics (`batch/acc`, `epoch/val_loss`, `eval/val_acc`, ...).
 *
 * A value that was NaN or ±Infinity is `null` (the number itself never reaches a log).
 *
 * @example
 * ```ts
 * import type { RunLogRow } from 'hyperschedule/node';
 * const lrOf = (row: RunLogRow) => row['param/lr'];
 * ```
 */
export interface RunLogRow {
  readonly step: number;
  readonly wallTime: number;
  readonly [key: string]: number | null;
}

/**
 * The key of a parameter's column.
 *
 * @example
 * ```ts
 * import { paramKey } from './row.js';
 * paramKey('lr'); // 'param/lr'
 * ```
 */
export function paramKey(name: string): string {
  return `param/${name}`;
}

/**
 * The key of a device statistic's column (`loss` is the update's loss: key `loss`).
 *
 * @example
 * ```ts
 * import { signalKey } from './row.js';
 * signalKey('gradNorm'); // 'signal/gradNorm'
 * signalKey('gradNorms', 'dense/kernel'); // 'signal/gradNorms/dense/kernel'
 * ```
 */
export function signalKey(kind: StatKind, variable?: string): string {
  if (kind === 'loss') return 'loss';
  return variable === undefined ? `signal/${kind}` : `signal/${kind}/${variable}`;
}

/**
 * The key of a metric's column: its scope, then its name.
 *
 * @example
 * ```ts
 * import { metricKey } from './row.js';
 * metricKey('epoch', 'val_loss'); // 'epoch/val_loss'
 * ```
 */
export function metricKey(scope: MetricScope, name: string): string {
  return `${scope}/${name}`;
}

/**
 * A value as a log stores it: finite numbers as they are, anything else as `null`.
 *
 * @example
 * ```ts
 * import { logValue } from './row.js';
 * logValue(Number.NaN); // null
 * ```
 */
export function logValue(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
