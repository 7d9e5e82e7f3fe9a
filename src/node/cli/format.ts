import { HyperscheduleError } from '../../errors.js';
import { lineChart } from './chart.js';
import type { SpecValues } from './spec-values.js';

/**
 * Output formats of `hyperschedule values`: an aligned text table (10 significant digits), CSV or
 * JSON (both with full double precision). The table and CSV print non-finite values as `Infinity`,
 * `-Infinity` and `NaN`; JSON has no such numbers, so `json` refuses them.
 *
 * @example
 * ```ts
 * import type { ValuesFormat } from './format.js';
 * const f: ValuesFormat = 'csv';
 * ```
 */
export type ValuesFormat = 'table' | 'csv' | 'json';

/** Shortest text that reads back as the same double. */
const exact = (x: number): string => String(x);
const short = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10))));

/** The first value of a value column that is not finite, as the column name and the step. */
function firstNonFinite(values: SpecValues): { column: string; step: number; value: number } | undefined {
  for (const row of values.rows) {
    for (let i = 1; i < row.length; i++) {
      if (!Number.isFinite(row[i])) return { column: values.columns[i]!, step: row[0]!, value: row[i]! };
    }
  }
  return undefined;
}

/**
 * Renders tabulated values as text, ending with a newline. `json` throws a `HyperscheduleError`
 * naming the column and step of the first non-finite value instead of writing it as `null`.
 *
 * @example
 * ```ts
 * import { formatValues } from './format.js';
 * formatValues({ torch: false, columns: ['step', 'value'], rows: [[0, 1], [1, 0.5]] }, 'csv');
 * // 'step,value\n0,1\n1,0.5\n'
 * ```
 */
export function formatValues(values: SpecValues, format: ValuesFormat): string {
  const { columns, rows } = values;
  if (format === 'json') {
    const bad = firstNonFinite(values);
    if (bad) {
      throw new HyperscheduleError(`--json: ${bad.column} at step ${bad.step}`, bad.value, 'a finite number (JSON has no Infinity or NaN; --csv and the table print them)');
    }
    const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    return `${JSON.stringify(objects, null, 0).replace(/\},\{/g, '},\n {')}\n`;
  }
  if (format === 'csv') return `${[columns.join(','), ...rows.map((row) => row.map(exact).join(','))].join('\n')}\n`;
  const cells = [columns.slice(), ...rows.map((row) => row.map(short))];
  // A loop, not Math.max(...column): a spread of a million rows overflows the call stack.
  const widths = columns.map((_, i) => cells.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return `${cells.map((r) => r.map((cell, i) => (i === 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')}\n`;
}

/** Options of {@link plotValues}. */
export interface PlotOptions {
  /** Plot width in characters (points are sampled evenly across the run). Default 72. */
  readonly width?: number;
  /** Plot height in rows. Default 12. */
  readonly height?: number;
}

/** Evenly spaced samples of one column, at most `width` of them. */
function sample(values: SpecValues, column: number, width: number): number[] {
  const { rows } = values;
  if (rows.length <= width) return rows.map((r) => r[column]!);
  return Array.from({ length: width }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (width - 1))]![column]!);
}

/**
 * Draws each value column as an ASCII line chart ({@link lineChart}), one chart per column with
 * its title, y labels in 4 or more significant digits and the step range underneath. A value
 * that is not finite cannot be drawn: it throws a `HyperscheduleError` naming the column and step.
 *
 * @example
 * ```ts
 * import { plotValues } from './format.js';
 * import { specValues } from './spec-values.js';
 * console.log(plotValues(specValues({ type: 'CosineAnnealingLR', base: 0.1, tMax: 100 }, { steps: 100 }), { height: 8 }));
 * ```
 */
export function plotValues(values: SpecValues, options: PlotOptions = {}): string {
  const width = Math.max(2, Math.floor(options.width ?? 72));
  const height = Math.max(1, Math.floor(options.height ?? 12));
  const first = values.rows[0]?.[0] ?? 0;
  const last = values.rows[values.rows.length - 1]?.[0] ?? 0;
  const steps = sample(values, 0, width);
  const charts = values.columns.slice(1).map((name, i) => {
    const series = sample(values, i + 1, width);
    const bad = series.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) {
      throw new HyperscheduleError(`plot: ${name} at step ${steps[bad]}`, series[bad], 'a finite number (`hyperschedule values` prints every value)');
    }
    const { lines, labelWidth } = lineChart(series, height);
    // The curve starts on the axis symbol (the column after the labels), one column per point.
    const left = `step ${first}`;
    const right = `step ${last}`;
    const axis = `${' '.repeat(labelWidth + 1)}${left}${' '.repeat(Math.max(1, series.length - left.length - right.length))}${right}`;
    return `${name}\n${lines.join('\n')}\n${axis}`;
  });
  return `${charts.join('\n\n')}\n`;
}
