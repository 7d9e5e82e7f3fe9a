import { logValue, type RunLogRow } from './row.js';

/** A header field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The columns of a CSV of `rows`: every key of every row, in the order first seen.
 *
 * @example
 * ```ts
 * import { runLogColumns } from './csv.js';
 * runLogColumns([{ step: 1, wallTime: 0, loss: 1 }, { step: 2, wallTime: 0, 'eval/acc': 0.5 }]);
 * // ['step', 'wallTime', 'loss', 'eval/acc']
 * ```
 */
export function runLogColumns(rows: readonly RunLogRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/**
 * A run log as CSV, for spreadsheets and pandas: a header of every key in the order first seen
 * (so the header of a log is stable: it only grows at the end when a new key appears), one line
 * per row. Numbers are written in full precision (the shortest text that reads back to the same
 * double); a key a row does not have is an empty cell; a value that was NaN or ±Infinity is
 * `null` (pandas reads both as NaN). Lines end with `\n`.
 *
 * @example
 * ```ts
 * import { runLogCsv } from 'hyperschedule/node';
 * runLogCsv([{ step: 1, wallTime: 5, loss: 0.1 + 0.2 }, { step: 2, wallTime: 6, loss: null }]);
 * // 'step,wallTime,loss\n1,5,0.30000000000000004\n2,6,null\n'
 * ```
 */
export function runLogCsv(rows: readonly RunLogRow[]): string {
  const columns = runLogColumns(rows);
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(columns.map((key) => {
      const value = row[key];
      if (value === undefined) return '';
      const finite = logValue(value);
      return finite === null ? 'null' : String(finite);
    }).join(','));
  }
  return `${lines.join('\n')}\n`;
}
