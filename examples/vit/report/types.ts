import type { ReferenceStudy } from './reference.js';

/**
 * One epoch of a run, as reported.
 *
 * @example
 * ```ts
 * import type { ReportEpoch } from './types.js';
 * const e: ReportEpoch = { epoch: 0, trainLoss: 2.1, trainAcc: 0.22, valLoss: 2.0, valAcc: 0.25 };
 * ```
 */
export interface ReportEpoch {
  readonly epoch: number;
  readonly trainLoss: number | null;
  readonly trainAcc: number | null;
  readonly valLoss: number | null;
  readonly valAcc: number | null;
}

/**
 * The hyperparameters one update used.
 *
 * @example
 * ```ts
 * import type { ReportTrajectoryPoint } from './types.js';
 * const p: ReportTrajectoryPoint = { step: 10, epoch: 0.2, values: { lr: 1e-3, beta1: 0.9 } };
 * ```
 */
export interface ReportTrajectoryPoint {
  readonly step: number;
  readonly epoch: number;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * One finished run for a report.
 *
 * @example
 * ```ts
 * import type { ReportRun } from './types.js';
 * const pct = (r: ReportRun) => `${r.label}: ${(100 * r.testAcc).toFixed(1)}%`;
 * ```
 */
export interface ReportRun {
  readonly id: string;
  /** The variant's name (stable key). */
  readonly variant: string;
  /** Its label for legends. */
  readonly label: string;
  readonly peakLr: number;
  readonly seed: number;
  /** Warm-restarts period when swept, else null/undefined. */
  readonly t0?: number | null;
  /** Test accuracy of the best-by-validation weights. */
  readonly testAcc: number;
  readonly bestValAcc: number;
  /** 0-based. */
  readonly bestEpoch: number;
  readonly updates: number;
  readonly wallMs: number;
  readonly epochs: readonly ReportEpoch[];
  readonly trajectory: readonly ReportTrajectoryPoint[];
}

/**
 * Everything a report shows.
 *
 * @example
 * ```ts
 * import type { ReportInput } from './types.js';
 * const input: ReportInput = { title: 'Comparison', runs: [] };
 * ```
 */
export interface ReportInput {
  readonly title: string;
  /** Paragraphs of plain text under the title. */
  readonly intro?: readonly string[];
  /** Key facts (command, dataset, backend, date, ...). */
  readonly meta?: Readonly<Record<string, string>>;
  readonly runs: readonly ReportRun[];
  /** Variants in display order, with descriptions (default: order of first appearance). */
  readonly variants?: readonly { readonly name: string; readonly label: string; readonly description?: string }[];
  /** A results table to show as is (e.g. the one printed on the console). */
  readonly table?: { readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly failures?: readonly { readonly id: string; readonly label: string; readonly error: string }[];
  /** The reference study to show beside the results (omitted when null/undefined). */
  readonly reference?: ReferenceStudy | null;
  /** The folder searched for the reference study when none was found there: the report says so. */
  readonly referenceMissing?: string;
}

/**
 * A figure: a Vega-Lite spec plus its title and caption.
 *
 * @example
 * ```ts
 * import type { FigureSpec } from './types.js';
 * const f: FigureSpec = { id: 'x', title: 'X', caption: '', spec: { mark: 'point' } };
 * ```
 */
export interface FigureSpec {
  /** File-name-safe id (`figures/<id>.svg`). */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: Readonly<Record<string, unknown>>;
}
