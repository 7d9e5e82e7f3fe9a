import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from 'hyperschedule/node';
import { accuracyVsLrFigure, bestEpochFigure, curvesFigure, hyperparameterFigure, referenceFigures, warmRestartsFigure } from './figures.js';
import { renderVegaLiteSvg } from './render.js';
import type { FigureSpec, ReportInput } from './types.js';

/**
 * A figure rendered to SVG.
 *
 * @example
 * ```ts
 * import type { RenderedFigure } from './html.js';
 * const size = (f: RenderedFigure) => f.svg.length;
 * ```
 */
export interface RenderedFigure extends FigureSpec {
  readonly svg: string;
  /** `ours` (this run's results) or `reference` (the reference study). */
  readonly section: 'ours' | 'reference';
}

/**
 * A rendered report: the HTML text and its figures.
 *
 * @example
 * ```ts
 * import type { RenderedReport } from './html.js';
 * const count = (r: RenderedReport) => r.figures.length;
 * ```
 */
export interface RenderedReport {
  readonly html: string;
  readonly figures: readonly RenderedFigure[];
}

/**
 * Escapes text for HTML.
 *
 * @example
 * ```ts
 * import { escapeHtml } from './html.js';
 * escapeHtml('a < b & c'); // 'a &lt; b &amp; c'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The figures of a report, as Vega-Lite specs: ours (hyperparameter trajectories, curves, test
 * accuracy and best epoch vs peak LR, warm-restarts periods) then the reference study's.
 *
 * @example
 * ```ts
 * import { reportFigures } from './html.js';
 * reportFigures({ title: 'empty', runs: [] }); // []
 * ```
 */
export function reportFigures(input: ReportInput): { section: 'ours' | 'reference'; figure: FigureSpec }[] {
  const order = input.variants?.map((v) => v.label);
  const ours = [
    accuracyVsLrFigure(input.runs, order),
    bestEpochFigure(input.runs, order),
    hyperparameterFigure(input.runs, order),
    curvesFigure(input.runs, order),
    warmRestartsFigure(input.runs),
  ].filter((f): f is FigureSpec => f !== null);
  const reference = input.reference ? referenceFigures(input.reference) : [];
  return [...ours.map((figure) => ({ section: 'ours' as const, figure })), ...reference.map((figure) => ({ section: 'reference' as const, figure }))];
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem; color: #222; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
th { background: #f5f5f5; } td.num { text-align: right; }
figure { margin: 1.5rem 0; } figcaption { color: #555; max-width: 900px; }
.figure-svg svg { max-width: 100%; height: auto; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; font-family: ui-monospace, monospace; font-size: 13px; word-break: break-all; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; }
p.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .6rem .8rem; }
`;

function renderTable(table: NonNullable<ReportInput['table']>): string {
  const numeric = (cell: string) => /^[\s\d.,%±+\-e×s/()]+$/.test(cell) && /\d/.test(cell);
  const head = `<tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => `<tr>${row.map((c) => `<td${numeric(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function renderFigure(f: RenderedFigure): string {
  return `<figure id="fig-${escapeHtml(f.id)}">\n<h3>${escapeHtml(f.title)}</h3>\n<div class="figure-svg">${f.svg}</div>\n<figcaption>${escapeHtml(f.caption)}</figcaption>\n</figure>`;
}

/**
 * Renders a report to one self-contained HTML page (inline CSS, figures as inline SVG rendered on
 * the server; no scripts, no network).
 *
 * @example
 * ```ts
 * import { renderReport } from './html.js';
 * const { html } = await renderReport({ title: 'Empty report', runs: [] });
 * html.includes('<h1>Empty report</h1>'); // true
 * ```
 */
export async function renderReport(input: ReportInput): Promise<RenderedReport> {
  const figures: RenderedFigure[] = [];
  for (const { section, figure } of reportFigures(input)) {
    figures.push({ ...figure, section, svg: await renderVegaLiteSvg(figure.spec) });
  }
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(input.title)}</h1>`,
    ...(input.intro ?? []).map((p) => `<p>${escapeHtml(p)}</p>`),
  ];
  if (input.meta && Object.keys(input.meta).length > 0) {
    parts.push('<dl class="meta">', ...Object.entries(input.meta).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`), '</dl>');
  }
  if (input.table) parts.push('<h2>Results</h2>', renderTable(input.table));
  if (input.failures && input.failures.length > 0) {
    parts.push('<h2>Failed runs</h2>', '<ul>', ...input.failures.map((f) => `<li><b>${escapeHtml(f.label)}</b> (${escapeHtml(f.id)})<pre>${escapeHtml(f.error)}</pre></li>`), '</ul>');
  }
  if (input.variants && input.variants.length > 0) {
    parts.push('<h2>Variants</h2>', '<table><tr><th>variant</th><th>what is scheduled</th></tr>');
    parts.push(...input.variants.map((v) => `<tr><td>${escapeHtml(v.label)}</td><td>${escapeHtml(v.description ?? '')}</td></tr>`), '</table>');
  }
  const ours = figures.filter((f) => f.section === 'ours');
  if (ours.length > 0) parts.push('<h2>Figures</h2>', ...ours.map(renderFigure));
  const reference = figures.filter((f) => f.section === 'reference');
  if (reference.length === 0 && input.referenceMissing !== undefined) {
    parts.push(
      '<h2>The reference study</h2>',
      `<p class="note"><b>The reference study's figures are not shown: no seed-results.csv in ${escapeHtml(input.referenceMissing)}.</b> ` +
        'They come from the study this project reproduces (its results table and per-epoch logs, read in place, never copied): ' +
        'check out the shared folder beside the repository so that it holds reference/seed-results.csv and reference/seed-runs/, ' +
        'then render this report again with <code>node --import tsx examples/main.ts report &lt;this folder&gt;</code>.</p>',
    );
  }
  if (reference.length > 0) {
    parts.push(
      '<h2>The reference study</h2>',
      `<p>From ${escapeHtml(input.reference!.dir)}: the study this project reproduces (PyTorch, 12.5M-parameter ViT, AdamW, CIFAR-10 45k/5k/10k, 100 epochs, batch 512, schedulers stepped per epoch, one seed per point).</p>`,
      ...reference.map(renderFigure),
    );
  }
  parts.push('</body></html>', '');
  return { html: parts.join('\n'), figures };
}

/**
 * Renders a report and writes it to `dir`: `report.html` (self-contained) and every figure as
 * `figures/<id>.svg`. Returns the paths.
 *
 * @example
 * ```ts
 * import { writeReport } from './html.js';
 * const { html } = await writeReport({ title: 'Empty report', runs: [] }, '/tmp/hs-report');
 * // html === '/tmp/hs-report/report.html'
 * ```
 */
export async function writeReport(input: ReportInput, dir: string): Promise<{ html: string; figures: string[] }> {
  const report = await renderReport(input);
  const figureDir = join(dir, 'figures');
  await mkdir(figureDir, { recursive: true });
  const figures: string[] = [];
  for (const f of report.figures) {
    const path = join(figureDir, `${f.id}.svg`);
    await writeFile(path, f.svg);
    figures.push(path);
  }
  const html = join(dir, 'report.html');
  await writeFileAtomic(html, report.html);
  return { html, figures };
}
