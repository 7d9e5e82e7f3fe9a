/**
 * The comparison table: one row per variant and peak LR (seeds pooled: mean and 95% t interval).
 */
import { meanConfidenceInterval, type TrialRecord } from 'hyperschedule/node';
import type { RunResult } from './train.js';
import { VARIANTS } from './variants.js';

/**
 * A table as columns and text rows (the console, the report and the README print the same one).
 *
 * @example
 * ```ts
 * import type { TextTable } from './table.js';
 * const t: TextTable = { columns: ['variant'], rows: [['constant']] };
 * ```
 */
export interface TextTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/**
 * Builds the comparison table from trial records: test accuracy of the best-val checkpoint, best
 * epoch (1-based, of the run's epochs), updates taken, wall time; with several seeds, means and the
 * 95% confidence interval of the test accuracy. Failed trials show as such.
 *
 * @example
 * ```ts
 * import { comparisonTable } from './table.js';
 * comparisonTable([]).rows.length; // 0
 * ```
 */
export function comparisonTable(records: readonly TrialRecord<RunResult>[]): TextTable {
  const groups = new Map<string, TrialRecord<RunResult>[]>();
  for (const r of records) {
    const key = JSON.stringify([r.params.variant, r.params.peakLr, r.params.t0 ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const multi = [...groups.values()].some((g) => g.length > 1);
  const columns = multi
    ? ['variant', 'peak LR', 'test acc (best-val ckpt)', '95% CI', 'seeds', 'best epoch (mean)', 'updates', 'wall time (mean)']
    : ['variant', 'peak LR', 'test acc (best-val ckpt)', 'best epoch', 'updates', 'wall time'];
  const rows = [...groups.values()].map((g) => {
    const ok = g.filter((r) => r.status === 'ok' && r.result).map((r) => r.result!);
    const first = g[0]!;
    const label = `${ok[0]?.variant.label ?? VARIANTS[String(first.params.variant)]?.label ?? String(first.params.variant)}${first.params.t0 !== undefined ? ` (T0 ${String(first.params.t0)})` : ''}`;
    const lr = Number(first.params.peakLr).toPrecision(3).replace(/\.?0+$/, '');
    if (ok.length === 0) {
      const why = first.status === 'interrupted' ? 'interrupted' : `failed${first.exitCode !== null ? ` (exit ${first.exitCode})` : ''}`;
      return multi ? [label, lr, why, '', `0/${g.length}`, '', '', ''] : [label, lr, why, '', '', ''];
    }
    const epochs = ok[0]!.config.epochs;
    const mean = (f: (r: RunResult) => number) => ok.reduce((a, r) => a + f(r), 0) / ok.length;
    if (!multi) {
      const r = ok[0]!;
      return [label, lr, pct(r.testAcc), `${r.bestEpoch + 1}/${epochs}`, String(r.updates), seconds(r.wallMs)];
    }
    const s = meanConfidenceInterval(ok.map((r) => r.testAcc));
    return [
      label,
      lr,
      pct(s.mean),
      s.halfWidth === null ? 'n/a (1 seed)' : `± ${(100 * s.halfWidth).toFixed(1)}`,
      `${ok.length}/${g.length}`,
      `${(mean((r) => r.bestEpoch) + 1).toFixed(1)}/${epochs}`,
      mean((r) => r.updates).toFixed(0),
      seconds(mean((r) => r.wallMs)),
    ];
  });
  return { columns, rows };
}

/**
 * The table as aligned plain text for the console.
 *
 * @example
 * ```ts
 * import { formatTable } from './table.js';
 * formatTable({ columns: ['a', 'bb'], rows: [['1', '2']] }); // 'a  bb\n-  --\n1   2' (numbers right-aligned)
 * ```
 */
export function formatTable(table: TextTable): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
}

/**
 * The table as GitHub Markdown (for the README).
 *
 * @example
 * ```ts
 * import { markdownTable } from './table.js';
 * markdownTable({ columns: ['a'], rows: [['1']] }); // '| a |\n| --- |\n| 1 |'
 * ```
 */
export function markdownTable(table: TextTable): string {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [row(table.columns), row(table.columns.map((_, i) => (i === 0 ? '---' : '---:'))), ...table.rows.map(row)].join('\n');
}
