import { meanConfidenceInterval } from 'hyperschedule/node';
import type { ReferenceStudy } from './reference.js';
import type { FigureSpec, ReportRun } from './types.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Hyperparameters drawn first, in this order; others follow alphabetically. */
const HPARAM_ORDER = ['lr', 'beta1', 'beta2', 'weightDecay', 'batchSize'];
/** Hyperparameters spanning decades: log axes. */
const LOG_HPARAMS = new Set(['lr', 'weightDecay']);

type Row = Record<string, string | number | null>;

function colorScale(labels: readonly string[]): Record<string, unknown> {
  return { domain: [...labels], scheme: labels.length <= 10 ? 'tableau10' : 'category20' };
}

/** Legends wide enough for the variant labels. */
const LEGEND = { labelLimit: 280 };

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Labels in display order: `order` first (those present), then the rest as they appear. */
function labelOrder(runs: readonly ReportRun[], order?: readonly string[]): string[] {
  const present = distinct(runs.map((r) => r.label));
  const first = (order ?? []).filter((l) => present.includes(l));
  return [...first, ...present.filter((l) => !first.includes(l))];
}

/**
 * One run per variant for the per-run figures: at the peak LR most variants share (the largest such
 * LR on ties, where schedules differ most), lowest seed, default warm-restarts period.
 *
 * @example
 * ```ts
 * import { representativeRuns } from './figures.js';
 * representativeRuns([]); // []
 * ```
 */
export function representativeRuns(runs: readonly ReportRun[]): ReportRun[] {
  if (runs.length === 0) return [];
  const counts = new Map<number, Set<string>>();
  for (const r of runs) counts.set(r.peakLr, (counts.get(r.peakLr) ?? new Set()).add(r.variant));
  const [lr] = [...counts].sort((a, b) => b[1].size - a[1].size || b[0] - a[0])[0]!;
  const byVariant = new Map<string, ReportRun>();
  for (const r of runs.filter((x) => x.peakLr === lr)) {
    const cur = byVariant.get(r.variant);
    const better = !cur || (r.t0 ?? -1) < (cur.t0 ?? -1) || ((r.t0 ?? -1) === (cur.t0 ?? -1) && r.seed < cur.seed);
    if (better) byVariant.set(r.variant, r);
  }
  return [...byVariant.values()];
}

/**
 * Every hyperparameter's trajectory per variant (one panel per hyperparameter, x = epochs).
 *
 * @example
 * ```ts
 * import { hyperparameterFigure } from './figures.js';
 * hyperparameterFigure([]); // null (no runs)
 * ```
 */
export function hyperparameterFigure(runs: readonly ReportRun[], order?: readonly string[]): FigureSpec | null {
  const chosen = representativeRuns(runs);
  const rows: Row[] = chosen.flatMap((r) => r.trajectory.flatMap((p) => Object.entries(p.values).map(([hparam, value]) => ({ label: r.label, hparam, epoch: p.epoch, value }))));
  if (rows.length === 0) return null;
  const names = distinct(rows.map((r) => r.hparam as string));
  const hparams = [...HPARAM_ORDER.filter((h) => names.includes(h)), ...names.filter((h) => !HPARAM_ORDER.includes(h)).sort()];
  const labels = labelOrder(chosen, order);
  const lr = chosen[0]!.peakLr;
  return {
    id: 'hyperparameters',
    title: 'Hyperparameter trajectories',
    caption: `The value each update used, per variant (peak LR ${lr.toPrecision(3)}), against training time in epochs. LR and weight decay on log axes.`,
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      vconcat: hparams.map((h) => {
        const log = LOG_HPARAMS.has(h);
        return {
          width: 560,
          height: 120,
          title: h,
          transform: [{ filter: log ? `datum.hparam === '${h}' && datum.value > 0` : `datum.hparam === '${h}'` }],
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.6, clip: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
            y: {
              field: 'value',
              type: 'quantitative',
              title: h,
              scale: log ? { type: 'log' } : { zero: false },
              axis: log ? { format: '.0e', tickCount: 5 } : { format: '.4~g', tickCount: 5 },
            },
            color: { field: 'label', type: 'nominal', title: 'variant', scale: colorScale(labels), legend: LEGEND },
            // Dashes tell overlapping lines apart (several variants share a value for long stretches).
            strokeDash: { field: 'label', type: 'nominal', title: 'variant', scale: { domain: labels }, legend: LEGEND },
          },
        };
      }),
      resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    },
  };
}

/**
 * Train loss and validation accuracy per epoch, per variant.
 *
 * @example
 * ```ts
 * import { curvesFigure } from './figures.js';
 * curvesFigure([]); // null
 * ```
 */
export function curvesFigure(runs: readonly ReportRun[], order?: readonly string[]): FigureSpec | null {
  const chosen = representativeRuns(runs);
  const rows: Row[] = chosen.flatMap((r) =>
    r.epochs.flatMap((e) => [
      ...(e.trainLoss !== null ? [{ label: r.label, epoch: e.epoch + 1, metric: 'train loss', value: e.trainLoss }] : []),
      ...(e.valAcc !== null ? [{ label: r.label, epoch: e.epoch + 1, metric: 'validation accuracy', value: e.valAcc }] : []),
    ]),
  );
  if (rows.length === 0) return null;
  const labels = labelOrder(chosen, order);
  const panel = (metric: string) => ({
    width: 300,
    height: 220,
    title: metric,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line', point: true, strokeWidth: 1.6 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epochs completed', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: 'variant', scale: colorScale(labels), legend: LEGEND },
    },
  });
  return {
    id: 'curves',
    title: 'Training and validation curves',
    caption: 'Mean training loss over each epoch (augmented batches) and validation accuracy after it.',
    spec: { $schema: SCHEMA, data: { values: rows }, hconcat: [panel('train loss'), panel('validation accuracy')], resolve: { scale: { color: 'shared' } } },
  };
}

interface Cell {
  label: string;
  peakLr: number;
  n: number;
  mean: number;
  lo: number | null;
  hi: number | null;
}

function cells(runs: readonly ReportRun[], metric: (r: ReportRun) => number): Cell[] {
  const groups = new Map<string, { label: string; peakLr: number; values: number[] }>();
  for (const r of runs) {
    const key = `${r.label}\u0000${r.peakLr}`;
    const g = groups.get(key) ?? { label: r.label, peakLr: r.peakLr, values: [] };
    const v = metric(r);
    if (Number.isFinite(v)) g.values.push(v);
    groups.set(key, g);
  }
  return [...groups.values()].filter((g) => g.values.length > 0).map((g) => {
    const s = meanConfidenceInterval(g.values);
    return { label: g.label, peakLr: g.peakLr, n: s.n, mean: s.mean, lo: s.lo, hi: s.hi };
  });
}

/** Test accuracy (or another per-run metric) against the peak LR: lines on a log axis with 95% CI bars, or bars at a single LR. */
function metricVsLr(
  id: string,
  title: string,
  caption: string,
  yTitle: string,
  runs: readonly ReportRun[],
  metric: (r: ReportRun) => number,
  order?: readonly string[],
  format = '.1%',
): FigureSpec | null {
  // Warm-restarts periods swept at one LR get their own figure; keep the default period here.
  const plain = runs.filter((r) => r.t0 === undefined || r.t0 === null);
  const data = cells(plain.length > 0 ? plain : runs, metric);
  if (data.length === 0) return null;
  const labels = labelOrder(plain.length > 0 ? plain : runs, order);
  const color = { field: 'label', type: 'nominal', title: 'variant', scale: colorScale(labels), legend: LEGEND };
  const ci = data.some((c) => c.n > 1);
  const tooltip = [{ field: 'label' }, { field: 'peakLr', format: '.3g' }, { field: 'mean', format }, { field: 'n' }];
  const y = { field: 'mean', type: 'quantitative', title: yTitle, axis: { format }, scale: { zero: false } };
  const bars = { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } };
  if (distinct(data.map((c) => c.peakLr)).length > 1) {
    return {
      id,
      title,
      caption: `${caption}${ci ? ' Bars: 95% confidence interval of the mean over seeds (t distribution).' : ' One seed per point.'}`,
      spec: {
        $schema: SCHEMA,
        width: 560,
        height: 300,
        data: { values: data },
        encoding: { x: { field: 'peakLr', type: 'quantitative', title: 'peak learning rate', scale: { type: 'log' }, axis: { format: '.0e' } } },
        layer: [
          { mark: { type: 'line', point: true, strokeWidth: 1.6 }, encoding: { y, color, tooltip } },
          ...(ci ? [{ transform: [{ filter: 'datum.lo !== null' }], ...bars }] : []),
        ],
      },
    };
  }
  return {
    id,
    title,
    caption: `${caption} All variants at peak LR ${data[0]!.peakLr.toPrecision(3)}.${ci ? ' Bars: 95% confidence interval over seeds (t distribution).' : ' One seed per variant.'}`,
    spec: {
      $schema: SCHEMA,
      width: 560,
      height: 260,
      data: { values: data },
      encoding: { x: { field: 'label', type: 'nominal', title: null, sort: labels, axis: { labelAngle: -30 } } },
      layer: [
        { mark: { type: 'bar' }, encoding: { y, color: { ...color, legend: null }, tooltip } },
        { mark: { type: 'text', dy: -6 }, encoding: { y: { field: ci ? 'hi' : 'mean', type: 'quantitative' }, text: { field: 'mean', format } } },
        ...(ci ? [{ transform: [{ filter: 'datum.lo !== null' }], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } }] : []),
      ],
    },
  };
}

/**
 * Test accuracy of the best-val checkpoint against the peak LR, per variant — the study's main figure.
 *
 * @example
 * ```ts
 * import { accuracyVsLrFigure } from './figures.js';
 * accuracyVsLrFigure([]); // null
 * ```
 */
export function accuracyVsLrFigure(runs: readonly ReportRun[], order?: readonly string[]): FigureSpec | null {
  return metricVsLr('accuracy-vs-lr', 'Test accuracy vs peak learning rate', 'Test accuracy of the best-by-validation weights.', 'test accuracy', runs, (r) => r.testAcc, order);
}

/**
 * Best (0-based) validation epoch against the peak LR, per variant — the study's
 * convergence/divergence figure: late best epochs mean still improving, early ones a run that
 * stalled or diverged after its start.
 *
 * @example
 * ```ts
 * import { bestEpochFigure } from './figures.js';
 * bestEpochFigure([]); // null
 * ```
 */
export function bestEpochFigure(runs: readonly ReportRun[], order?: readonly string[]): FigureSpec | null {
  return metricVsLr('best-epoch-vs-lr', 'Best validation epoch vs peak learning rate', 'Epoch (0-based, as the study\'s logs) of the best validation accuracy.', 'best epoch', runs, (r) => r.bestEpoch, order, 'd');
}

/**
 * Test accuracy against the warm-restarts period T_0, when a sweep varied it.
 *
 * @example
 * ```ts
 * import { warmRestartsFigure } from './figures.js';
 * warmRestartsFigure([]); // null
 * ```
 */
export function warmRestartsFigure(runs: readonly ReportRun[]): FigureSpec | null {
  const swept = runs.filter((r) => r.t0 !== undefined && r.t0 !== null);
  if (distinct(swept.map((r) => r.t0)).length < 2) return null;
  const groups = new Map<number, number[]>();
  for (const r of swept) groups.set(r.t0!, [...(groups.get(r.t0!) ?? []), r.testAcc]);
  const data = [...groups].map(([t0, v]) => ({ t0, ...meanConfidenceInterval(v) }));
  return {
    id: 'warm-restarts-t0',
    title: 'Warm restarts: test accuracy vs T_0',
    caption: 'CosineAnnealingWarmRestarts at one peak LR, varying the restart period (epochs).',
    spec: {
      $schema: SCHEMA, width: 420, height: 240, data: { values: data },
      encoding: { x: { field: 't0', type: 'quantitative', title: 'T_0 (epochs)' } },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'test accuracy', axis: { format: '.1%' }, scale: { zero: false } } } },
        { transform: [{ filter: 'datum.lo !== null' }], mark: 'rule', encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
  };
}

/**
 * The reference study's figures: test accuracy and best epoch against the peak LR per scheduler,
 * test accuracy against T_0 for warm restarts, and training-loss curves of every scheduler at the
 * high LR where they part ways.
 *
 * @example
 * ```ts
 * import { referenceFigures } from './figures.js';
 * referenceFigures({ dir: '', results: [], curves: {} }); // []
 * ```
 */
export function referenceFigures(ref: ReferenceStudy): FigureSpec[] {
  const figures: FigureSpec[] = [];
  const main = ref.results.filter((r) => r.t0 === null && r.epochs >= 100);
  const schedulers = distinct(main.map((r) => r.scheduler));
  const color = { field: 'scheduler', type: 'nominal', title: 'scheduler', scale: { domain: schedulers, scheme: 'tableau10' } };
  const lrAxis = { field: 'peakLr', type: 'quantitative', title: 'peak learning rate (base LR; OneCycle max LR)', scale: { type: 'log' }, axis: { format: '.0e' } };
  if (main.length > 0) {
    figures.push({
      id: 'reference-accuracy-vs-lr',
      title: 'Reference study: test accuracy vs peak learning rate',
      caption: 'ViT (12.5M parameters) with AdamW on CIFAR-10, 100 epochs, one seed per point (seed-results.csv). Runs that stopped before testing are left out.',
      spec: {
        $schema: SCHEMA, width: 560, height: 300,
        data: { values: main.filter((r) => r.testAcc !== null).map((r) => ({ scheduler: r.scheduler, peakLr: r.peakLr, testAcc: r.testAcc })) },
        transform: [{ filter: 'datum.peakLr >= 5e-6' }],
        mark: { type: 'line', point: true, strokeWidth: 1.6 },
        encoding: { x: lrAxis, y: { field: 'testAcc', type: 'quantitative', title: 'test accuracy', axis: { format: '.0%' }, scale: { zero: false } }, color, order: { field: 'peakLr' } },
      },
    });
    figures.push({
      id: 'reference-best-epoch-vs-lr',
      title: 'Reference study: best validation epoch vs peak learning rate',
      caption: 'Validation every 5 epochs; an early best epoch at a high LR is a run that stalled (loss near 2.0) after its start.',
      spec: {
        $schema: SCHEMA, width: 560, height: 300,
        data: { values: main.map((r) => ({ scheduler: r.scheduler, peakLr: r.peakLr, bestEpoch: r.bestValEpoch })) },
        transform: [{ filter: 'datum.peakLr >= 5e-6' }],
        mark: { type: 'line', point: true, strokeWidth: 1.6 },
        encoding: { x: lrAxis, y: { field: 'bestEpoch', type: 'quantitative', title: 'best epoch' }, color, order: { field: 'peakLr' } },
      },
    });
  }
  const restarts = ref.results.filter((r) => r.t0 !== null && r.testAcc !== null);
  if (restarts.length > 1) {
    figures.push({
      id: 'reference-warm-restarts-t0',
      title: 'Reference study: warm restarts, test accuracy vs T_0',
      caption: `CosineAnnealingWarmRestarts at LR ${restarts[0]!.peakLr.toPrecision(3)}, T_0 from 10 to 50 epochs.`,
      spec: {
        $schema: SCHEMA, width: 420, height: 240,
        data: { values: restarts.map((r) => ({ t0: r.t0, testAcc: r.testAcc })) },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 't0', type: 'quantitative', title: 'T_0 (epochs)' }, y: { field: 'testAcc', type: 'quantitative', title: 'test accuracy', axis: { format: '.1%' }, scale: { zero: false } } },
      },
    });
  }
  // Loss curves at the grid LR closest to 4.64e-3, where constant and pure decay stall.
  const target = 4.641588833612777e-3;
  const atLr = main.filter((r) => Math.abs(Math.log(r.peakLr / target)) < 0.01);
  const curveRows = atLr.flatMap((r) => (ref.curves[`${r.scheduler}-${r.version}`] ?? []).filter((e) => e.trainLoss !== null).map((e) => ({ scheduler: r.scheduler, epoch: e.epoch, trainLoss: e.trainLoss })));
  if (curveRows.length > 0) {
    figures.push({
      id: 'reference-loss-at-high-lr',
      title: 'Reference study: training loss at peak LR 4.6e-3',
      caption: 'Per-epoch training loss of each scheduler at the same high peak LR (seed-runs/*.csv): without warmup the runs stall near 2.0; warmup and one-cycle keep training.',
      spec: {
        $schema: SCHEMA, width: 560, height: 280,
        data: { values: curveRows },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'trainLoss', type: 'quantitative', title: 'train loss' }, color },
      },
    });
  }
  return figures;
}
