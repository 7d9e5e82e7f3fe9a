import type { ClockSnapshot } from '../clock/state.js';

/**
 * A device statistic the hooks can compute per update. Each is computed only while someone
 * subscribes to its stream (or asks for it with `signals.updates([...])`).
 *
 * - `loss`: the loss of the batch the update was computed on.
 * - `gradNorm` / `gradNorms`: ||g_k||, global and per variable.
 * - `gradDeltaNorm` / `gradDeltaNorms`: ||g_k - g_{k-1}|| (from the second applied update on).
 * - `paramDeltaNorm` / `paramDeltaNorms`: ||x_k - x_{k-1}||, where x_k are the parameters the
 *   update's gradient was computed at: the change made by the *previous* applied update (from
 *   the second update on). Paired with `gradDeltaNorm` it is the secant pair
 *   g_k - g_{k-1} ≈ H (x_k - x_{k-1}) that curvature estimates need.
 */
export type StatKind =
  | 'loss'
  | 'gradNorm'
  | 'gradNorms'
  | 'gradDeltaNorm'
  | 'gradDeltaNorms'
  | 'paramDeltaNorm'
  | 'paramDeltaNorms';

/**
 * Every {@link StatKind}, in the order their streams fire within one update.
 *
 * @example
 * ```ts
 * import { STAT_KINDS } from './types.js';
 * STAT_KINDS[0]; // 'loss'
 * ```
 */
export const STAT_KINDS: readonly StatKind[] = [
  'loss',
  'gradNorm',
  'gradNorms',
  'gradDeltaNorm',
  'gradDeltaNorms',
  'paramDeltaNorm',
  'paramDeltaNorms',
];

/**
 * Per-variable values keyed by tfjs variable name (e.g. `"dense_Dense1/kernel"`).
 */
export type PerVariable = Readonly<Record<string, number>>;

/**
 * One applied optimizer update: the clock after it, its batch size and the statistics that were
 * asked for (absent ones were not computed, or not defined yet, or were non-finite and reported
 * on `nonFinite$`).
 *
 * @example
 * ```ts
 * import type { UpdateSignal } from 'hyperschedule';
 * const show = (u: UpdateSignal) => `${u.clock.step}: loss ${u.loss ?? '-'}`;
 * ```
 */
export interface UpdateSignal {
  /** The clock after this update (`clock.step` counts it). */
  readonly clock: ClockSnapshot;
  /** Samples in the update's batch, if known. */
  readonly batchSize: number | undefined;
  /** Number of scalar parameters the update touched (when the hook saw the gradients). */
  readonly paramCount?: number;
  readonly loss?: number;
  readonly gradNorm?: number;
  readonly gradNorms?: PerVariable;
  readonly gradDeltaNorm?: number;
  readonly gradDeltaNorms?: PerVariable;
  readonly paramDeltaNorm?: number;
  readonly paramDeltaNorms?: PerVariable;
}

/**
 * A scalar signal value with the clock it belongs to.
 *
 * @example
 * ```ts
 * import type { ScalarSignal } from 'hyperschedule';
 * const atEpoch = (s: ScalarSignal) => [s.clock.epoch, s.value];
 * ```
 */
export interface ScalarSignal {
  readonly clock: ClockSnapshot;
  readonly value: number;
}

/**
 * Per-variable signal values with the clock they belong to.
 *
 * @example
 * ```ts
 * import type { PerVariableSignal } from 'hyperschedule';
 * const largest = (s: PerVariableSignal) => Math.max(...Object.values(s.values));
 * ```
 */
export interface PerVariableSignal {
  readonly clock: ClockSnapshot;
  readonly values: PerVariable;
}

/**
 * Where a metric came from: `batch` (training batch logs), `epoch` (epoch-end logs, including
 * model.fit's `val_*`), `eval` (reported by the user, e.g. a validation run).
 */
export type MetricScope = 'batch' | 'epoch' | 'eval';

/**
 * Named metric values (finite only) with their scope and clock.
 *
 * @example
 * ```ts
 * import type { MetricsSignal } from 'hyperschedule';
 * const valLoss = (m: MetricsSignal) => m.values.val_loss;
 * ```
 */
export interface MetricsSignal {
  readonly clock: ClockSnapshot;
  readonly scope: MetricScope;
  readonly values: PerVariable;
}

/**
 * An epoch boundary: `epoch` is the 0-based index of the epoch that just ended.
 *
 * @example
 * ```ts
 * import type { EpochEndSignal } from 'hyperschedule';
 * const done = (e: EpochEndSignal) => `epoch ${e.epoch + 1} done`;
 * ```
 */
export interface EpochEndSignal {
  readonly clock: ClockSnapshot;
  readonly epoch: number;
  /** Finite epoch-end logs (e.g. model.fit's `loss`, `val_loss`, `val_acc`). */
  readonly logs: PerVariable;
}

/**
 * What was done about a non-finite value: the update was skipped, a parameter kept its last good
 * value, or a signal value was dropped.
 */
export type NonFiniteAction = 'skipped-update' | 'kept-value' | 'dropped';

/**
 * A NaN or ±Infinity that was caught before it could reach a hyperparameter.
 *
 * @example
 * ```ts
 * import type { NonFiniteReport } from 'hyperschedule';
 * const line = (r: NonFiniteReport) => `${r.source}: ${Object.keys(r.values).join(', ')} -> ${r.action}`;
 * ```
 */
export interface NonFiniteReport {
  /** Who saw it: `"gradients"`, `"loss"`, `"metrics"`, `"param:lr"`, `"controller:lr"`, ... */
  readonly source: string;
  /** The offending fields and their values (`NaN`, `Infinity`, `-Infinity`). */
  readonly values: PerVariable;
  readonly action: NonFiniteAction;
  readonly clock: ClockSnapshot;
}

/**
 * A candidate value a parameter refused (non-finite or outside its domain); it kept `kept`.
 *
 * @example
 * ```ts
 * import type { RejectionReport } from 'hyperschedule';
 * const line = (r: RejectionReport) => `${r.param}: ${r.candidate} rejected (${r.reason}), kept ${r.kept}`;
 * ```
 */
export interface RejectionReport {
  readonly param: string;
  readonly candidate: number;
  readonly reason: string;
  readonly kept: number;
  /** Clock step when the candidate was proposed. */
  readonly step: number;
  /** What proposed it: `"schedule"`, `"controller"`, `"combine"` or `"set"`. */
  readonly origin: string;
}
