/**
 * The report: figure specs from runs (bars at one LR, log-axis lines across LRs, CI bars with
 * several seeds), SVG rendering with vega on the server, the self-contained HTML, and the
 * reference study read in place from ../shared/reference.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracyVsLrFigure, bestEpochFigure, hyperparameterFigure, representativeRuns } from '../../../../examples/vit/report/figures.js';
import { renderReport, reportFigures, writeReport } from '../../../../examples/vit/report/html.js';
import { loadReferenceStudy } from '../../../../examples/vit/report/reference.js';
import { renderVegaLiteSvg } from '../../../../examples/vit/report/render.js';
import type { ReportRun } from '../../../../examples/vit/report/types.js';
import { REFERENCE_DIR, needReference } from '../../helpers.js';

const HAVE_REFERENCE = needReference();

function run(variant: string, peakLr: number, seed: number, testAcc: number, bestEpoch = 2): ReportRun {
  return {
    id: `${variant}-${peakLr}-${seed}`, variant, label: variant, peakLr, seed, testAcc, bestValAcc: testAcc + 0.01, bestEpoch,
    updates: 30, wallMs: 1000,
    epochs: [0, 1, 2].map((epoch) => ({ epoch, trainLoss: 2 - epoch * 0.2, trainAcc: 0.2 + 0.1 * epoch, valLoss: 2 - epoch * 0.15, valAcc: 0.25 + 0.1 * epoch })),
    trajectory: Array.from({ length: 30 }, (_, step) => ({
      step, epoch: step / 10, values: { lr: peakLr * (variant === 'decay' ? 1 - step / 30 : 1), beta1: 0.9, batchSize: variant === 'decay' ? 64 + step : 64 },
    })),
  };
}

/** Counts SVG elements of a vega mark type (`<g class="mark-<type> role-mark ...">` groups and their items). */
function markItems(svg: string, type: string): number {
  const groups = svg.split(`class="mark-${type} role-mark`).slice(1);
  return groups.reduce((n, g) => n + (g.split('</g>')[0]!.match(/<(path|line|rect|text)\b/g)?.length ?? 0), 0);
}

describe('figures', () => {
  it('one LR per variant: bars; several LRs: lines on a log axis; CI rules only with several seeds', async () => {
    const single = [run('flat', 1e-3, 0, 0.5), run('decay', 1e-3, 0, 0.6)];
    const bars = accuracyVsLrFigure(single)!;
    expect(JSON.stringify(bars.spec)).toContain('"bar"');
    expect(markItems(await renderVegaLiteSvg(bars.spec), 'rect')).toBe(2);

    const swept = [1e-4, 1e-3, 1e-2].flatMap((lr) => [0, 1, 2].flatMap((s) => [run('flat', lr, s, 0.5 + s / 100), run('decay', lr, s, 0.6 + s / 50)]));
    const lines = accuracyVsLrFigure(swept)!;
    const svg = await renderVegaLiteSvg(lines.spec);
    expect((lines.spec as { encoding: { x: { scale: { type: string } } } }).encoding.x.scale.type).toBe('log');
    expect(markItems(svg, 'line')).toBe(2); // one line per variant
    expect(markItems(svg, 'rule')).toBe(6); // a CI bar per cell
    expect(lines.caption).toContain('95% confidence interval');
    expect(markItems(await renderVegaLiteSvg(accuracyVsLrFigure(swept.filter((r) => r.seed === 0))!.spec), 'rule')).toBe(0);
    expect(bestEpochFigure(swept)!.id).toBe('best-epoch-vs-lr');
  });

  it('hyperparameter trajectories: a panel per hyperparameter, a line per variant, at the shared LR', async () => {
    const runs = [run('flat', 1e-3, 0, 0.5), run('decay', 1e-3, 0, 0.6), run('decay', 1e-2, 0, 0.4)];
    expect(representativeRuns(runs).map((r) => r.peakLr)).toEqual([1e-3, 1e-3]);
    const f = hyperparameterFigure(runs)!;
    const panels = (f.spec as { vconcat: { title: string }[] }).vconcat.map((p) => p.title);
    expect(panels).toEqual(['lr', 'beta1', 'batchSize']);
    expect(markItems(await renderVegaLiteSvg(f.spec), 'line')).toBe(2 * 3);
  });

  it('no runs, no figures', () => {
    expect(reportFigures({ title: 't', runs: [] })).toEqual([]);
  });
});

describe('renderReport / writeReport', () => {
  it('writes one self-contained page (no scripts, no external resources) and every figure as SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-report-'));
    const runs = [run('flat', 1e-3, 0, 0.5), run('decay', 1e-3, 0, 0.6)];
    const { html, figures } = await writeReport({
      title: 'A <test> report', runs, meta: { command: 'npm run example' },
      table: { columns: ['variant', 'test acc'], rows: [['flat', '50.0%'], ['decay', '60.0%']] },
      failures: [{ id: 'x', label: 'broken', error: 'exit 3' }],
    }, dir);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>A &lt;test&gt; report</h1>');
    expect(page).not.toMatch(/<script|<link|src="http/);
    expect(page.match(/<svg/g)!.length).toBe(figures.length);
    expect(readdirSync(join(dir, 'figures')).sort()).toEqual(['accuracy-vs-lr.svg', 'best-epoch-vs-lr.svg', 'curves.svg', 'hyperparameters.svg']);
    expect(page).toContain('<td class="num">60.0%</td>');
    expect(page).toContain('exit 3');
  });
});

describe.skipIf(!HAVE_REFERENCE)('the reference study (../shared/reference, read in place)', () => {
  it('reads every row of seed-results.csv and every per-epoch log', () => {
    const ref = loadReferenceStudy(REFERENCE_DIR)!;
    const csv = readFileSync(join(REFERENCE_DIR, 'seed-results.csv'), 'utf8').trim().split('\n');
    expect(ref.results).toHaveLength(csv.length - 1);
    expect(Object.keys(ref.curves)).toHaveLength(readdirSync(join(REFERENCE_DIR, 'seed-runs')).length);
    const best = ref.results.reduce((a, b) => ((b.testAcc ?? 0) > (a.testAcc ?? 0) ? b : a));
    expect(best.scheduler).toBe('OneCycleLR'); // DESIGN §4: OneCycle won
    // A run's log: 100 epochs, each with the LR it ran at.
    const one = ref.results.find((r) => r.scheduler === 'StepLR' && r.epochs === 100)!;
    const curve = ref.curves[`StepLR-${one.version}`]!;
    expect(curve).toHaveLength(100);
    expect(curve[0]!.lr).toBe(one.peakLr);
    expect(curve.filter((e) => e.valAcc !== null).length).toBe(20); // validated every 5 epochs
  });

  it('renders the reference figures beside ours', async () => {
    const { figures } = await renderReport({ title: 't', runs: [run('flat', 1e-3, 0, 0.5)], reference: loadReferenceStudy(REFERENCE_DIR) });
    const ref = figures.filter((f) => f.section === 'reference');
    expect(ref.map((f) => f.id)).toEqual(['reference-accuracy-vs-lr', 'reference-best-epoch-vs-lr', 'reference-warm-restarts-t0', 'reference-loss-at-high-lr']);
    expect(markItems(ref[0]!.svg, 'line')).toBe(6); // the six LR schedulers
    expect(markItems(ref[3]!.svg, 'line')).toBe(6);
  });

  it('a missing folder gives null', () => {
    expect(loadReferenceStudy(join(tmpdir(), 'no-such-reference'))).toBeNull();
  });
});
