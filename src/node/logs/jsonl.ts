import { readFileSync } from 'node:fs';
import { HyperscheduleError } from '../../errors.js';
import { logValue, type RunLogRow } from './row.js';

/**
 * A run log read back (see {@link readRunLog}).
 *
 * @example
 * ```ts
 * import type { RunLogRead } from 'hyperschedule/node';
 * const steps = (log: RunLogRead) => log.rows.map((r) => r.step);
 * ```
 */
export interface RunLogRead {
  readonly rows: RunLogRow[];
  /**
   * True when the file ended in a line without its newline — a write cut short by a kill. That
   * line is not in `rows`.
   */
  readonly incompleteLastLine: boolean;
}

/**
 * One row as a JSON line (newline included); NaN and ±Infinity are written as `null`.
 *
 * @example
 * ```ts
 * import { runLogLine } from './jsonl.js';
 * runLogLine({ step: 1, wallTime: 1700000000, loss: Number.NaN }); // '{"step":1,"wallTime":1700000000,"loss":null}\n'
 * ```
 */
export function runLogLine(row: RunLogRow): string {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(row)) out[key] = logValue(value);
  return `${JSON.stringify(out)}\n`;
}

function parseRow(line: string, where: string): RunLogRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.values(value).every((v) => v === null || typeof v === 'number')
    && Number.isInteger((value as { step?: unknown }).step) && typeof (value as { wallTime?: unknown }).wallTime === 'number';
  if (!ok) throw new HyperscheduleError(where, line, 'a run log line: a JSON object of numbers (or null) with an integer step and a wallTime');
  return value as RunLogRow;
}

/**
 * Parses the text of a run log (JSON lines). A last line without its newline is left out and
 * reported (`incompleteLastLine`); any other line that is not a run log row throws, naming
 * `source` and the line number.
 *
 * @example
 * ```ts
 * import { parseRunLog } from './jsonl.js';
 * parseRunLog('{"step":1,"wallTime":5,"loss":0.5}\n{"step":2,"wa', 'run.jsonl');
 * // { rows: [{ step: 1, wallTime: 5, loss: 0.5 }], incompleteLastLine: true }
 * ```
 */
export function parseRunLog(text: string, source: string): RunLogRead {
  const lines = text.split('\n');
  const last = lines.pop() as string; // '' when the text ends with a newline
  const rows = lines.map((line, i) => parseRow(line, `${source}:${i + 1}`));
  return { rows, incompleteLastLine: last !== '' };
}

/**
 * Reads a run log written by {@link createRunLogger} (`run.jsonl`): one row per line, `null`
 * where a value was not finite. A last line cut short by a kill is left out (and reported).
 *
 * @example
 * ```ts
 * import { readRunLog } from 'hyperschedule/node';
 * const { rows } = readRunLog('runs/vit/run.jsonl');
 * rows.map((r) => [r.step, r['param/lr']]);
 * ```
 */
export function readRunLog(path: string): RunLogRead {
  return parseRunLog(readFileSync(path, 'utf8'), path);
}
