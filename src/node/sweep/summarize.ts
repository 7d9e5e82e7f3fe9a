import { HyperscheduleError } from '../../errors.js';
import type { JsonValue, TrialParams } from './config.js';
import type { TrialRecord } from './trial-record.js';
import { meanConfidenceInterval, type SampleSummary } from './stats.js';

/**
 * One cell of a sweep: the trials that share the values of the grouping keys (all seeds of one
 * grid point), with the metric's mean and confidence interval over the successful ones.
 *
 * @example
 * ```ts
 * import type { SweepCell } from 'hyperschedule/node';
 * const label = (c: SweepCell) => `${JSON.stringify(c.key)}: ${c.summary?.mean ?? 'no result'}`;
 * ```
 */
export interface SweepCell {
  readonly key: Readonly<Record<string, JsonValue>>;
  /** Trials in the cell, successful or not. */
  readonly trials: number;
  /** Trials that failed (left out of the summary). */
  readonly failed: number;
  readonly values: readonly number[];
  /** `undefined` when no trial of the cell succeeded. */
  readonly summary: SampleSummary | undefined;
}

/**
 * Groups trial records into cells by `keys` (e.g. scheduler and peak LR, leaving out the seed) and
 * summarises `metric` per cell: mean and two-sided t confidence interval (default 95%). Cells keep
 * the order in which their first trial appears.
 *
 * @example
 * ```ts
 * import { summarizeCells, type TrialRecord } from 'hyperschedule/node';
 * const rec = (seed: number, acc: number): TrialRecord<{ acc: number }> => ({
 *   id: `t${seed}`, params: { lr: 1e-3, seed }, status: 'ok', result: { acc }, exitCode: 0, signal: null,
 *   attempt: 1, startedAt: '', finishedAt: '', durationMs: 0, log: '',
 * });
 * const [cell] = summarizeCells([rec(0, 0.7), rec(1, 0.74)], ['lr'], (r) => r.acc);
 * cell!.summary!.mean; // 0.72
 * ```
 */
export function summarizeCells<R>(
  records: readonly TrialRecord<R>[],
  keys: readonly string[],
  metric: (result: R, params: TrialParams) => number | undefined,
  level = 0.95,
): SweepCell[] {
  if (!Array.isArray(keys) || keys.length === 0) throw new HyperscheduleError('summarizeCells.keys', keys, 'a non-empty list of parameter names');
  const cells = new Map<string, { key: Record<string, JsonValue>; trials: number; failed: number; values: number[] }>();
  for (const r of records) {
    const key = Object.fromEntries(keys.map((k) => [k, r.params[k] ?? null])) as Record<string, JsonValue>;
    const text = JSON.stringify(key);
    let cell = cells.get(text);
    if (!cell) {
      cell = { key, trials: 0, failed: 0, values: [] };
      cells.set(text, cell);
    }
    cell.trials += 1;
    const value = r.status === 'ok' && r.result !== undefined ? metric(r.result, r.params) : undefined;
    if (value === undefined || !Number.isFinite(value)) cell.failed += 1;
    else cell.values.push(value);
  }
  return [...cells.values()].map((c) => ({
    ...c,
    summary: c.values.length > 0 ? meanConfidenceInterval(c.values, level) : undefined,
  }));
}
