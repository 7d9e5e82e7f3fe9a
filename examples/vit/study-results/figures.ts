/**
 * The study's figures as Vega-Lite specs, built from `study.json` only: test accuracy against peak
 * LR per schedule (the seed study's figure), the hyperparameter trajectories of every variant, and
 * the validation curves of each schedule at its best LR. png.ts renders them to PNG.
 */
import type { StudyResults, StudyTrial } from './records.js';
import { FIGURE_FILES, gridVariants, meanCurve, sci, variantLabel, variantsPresent } from './blocks.js';
import { bestCell, cells } from './stats.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Every text in one font, the one png.ts loads from an npm package: the PNG bytes do not depend on the machine. */
export const FIGURE_FONT = 'DejaVu Sans';
const CONFIG = { font: FIGURE_FONT, background: 'white', legend: { labelLimit: 420 } };
/** Chance accuracy of ten classes, drawn as a reference line. */
const CHANCE_PERCENT = 10;

/**
 * One figure: its file name (in examples/vit/results/) and its Vega-Lite spec.
 *
 * @example
 * ```ts
 * import type { StudyFigure } from './figures.js';
 * const name = (f: StudyFigure) => f.file;
 * ```
 */
export interface StudyFigure {
  readonly file: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A figure's vega-lite spec with the schema and the shared look (font, background, legend). */
function studyFigure(file: string, body: Readonly<Record<string, unknown>>): StudyFigure {
  return { file, spec: { $schema: SCHEMA, config: CONFIG, ...body } };
}

function colorScale(labels: readonly string[]): Record<string, unknown> {
  return { domain: [...labels], scheme: labels.length <= 10 ? 'tableau10' : 'category20' };
}

/**
 * Test accuracy (%) against peak LR per schedule: mean over seeds with 95% interval bars, log x;
 * the schedules are nudged apart along x so their bars do not overlap.
 *
 * @example
 * ```ts
 * import { accuracyFigure } from './figures.js';
 * accuracyFigure({ about: { what: '', preset: [], data: [], epochs: [], batch: [], stepping: [], backends: [], sweeps: [], regenerate: [] }, trials: [] }); // null
 * ```
 */
export function accuracyFigure(study: StudyResults): StudyFigure | null {
  const grid = gridVariants(study.trials);
  const all = cells(study.trials.filter((t) => grid.includes(t.variant)));
  if (all.length === 0) return null;
  const labels = grid.map((v) => variantLabel(v, study.trials));
  const rows = all.map((c) => {
    const i = grid.indexOf(c.variant);
    const a = c.accuracy;
    return {
      label: variantLabel(c.variant, study.trials),
      x: c.peakLr * 10 ** ((i - (grid.length - 1) / 2) * 0.025),
      mean: 100 * a.mean,
      lo: a.lo === null ? null : 100 * a.lo,
      hi: a.hi === null ? null : 100 * a.hi,
    };
  });
  const lrs = [...new Set(all.map((c) => c.peakLr))].sort((a, b) => a - b);
  const color = { field: 'label', type: 'nominal', title: 'schedule', scale: colorScale(labels) };
  const x = { field: 'x', type: 'quantitative', title: 'peak LR (log scale)', scale: { type: 'log', padding: 24 }, axis: { values: lrs, format: '.0e' } };
  return studyFigure(FIGURE_FILES.accuracy, {
    title: { text: 'Test accuracy against peak LR', subtitle: 'mean over seeds; bars: 95% t-interval; dashed: chance' },
    width: 560,
    height: 320,
    data: { values: rows },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: true } }, color } },
      { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
      { transform: [{ filter: 'datum.lo !== null' }], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      { data: { values: [{ chance: CHANCE_PERCENT }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 'chance', type: 'quantitative' } } },
    ],
  });
}

/**
 * The trial drawn for a variant in the trajectory figure: at the peak LR most variants share (the
 * largest on ties), else the variant's own most-run LR; seed 0 (else the lowest).
 *
 * @example
 * ```ts
 * import { trajectoryTrials } from './figures.js';
 * trajectoryTrials([]); // []
 * ```
 */
export function trajectoryTrials(trials: readonly StudyTrial[]): StudyTrial[] {
  const variantsAt = new Map<number, Set<string>>();
  for (const t of trials) variantsAt.set(t.peakLr, (variantsAt.get(t.peakLr) ?? new Set()).add(t.variant));
  const shared = [...variantsAt].sort((a, b) => b[1].size - a[1].size || b[0] - a[0])[0]?.[0];
  return variantsPresent(trials).map((v) => {
    const own = trials.filter((t) => t.variant === v);
    const counts = new Map<number, number>();
    for (const t of own) counts.set(t.peakLr, (counts.get(t.peakLr) ?? 0) + 1);
    const lr = own.some((t) => t.peakLr === shared) ? shared! : [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
    return own.filter((t) => t.peakLr === lr).sort((a, b) => a.seed - b.seed || a.weightDecay - b.weightDecay)[0]!;
  });
}

const PANELS: readonly { key: 'lr' | 'beta1' | 'weightDecay' | 'batchSize'; title: string; log: boolean }[] = [
  { key: 'lr', title: 'learning rate (log)', log: true },
  { key: 'beta1', title: 'beta1 (SGD: momentum)', log: false },
  { key: 'weightDecay', title: 'weight decay (log)', log: true },
  { key: 'batchSize', title: 'batch size', log: false },
];

/**
 * LR, beta1 / momentum, weight decay and batch size against epochs, one line per variant at its
 * study LR (seed 0); LR and weight decay on log axes.
 *
 * @example
 * ```ts
 * import { trajectoryFigure } from './figures.js';
 * // trajectoryFigure(study)?.file; // 'trajectories.png'
 * ```
 */
export function trajectoryFigure(study: StudyResults): StudyFigure | null {
  const chosen = trajectoryTrials(study.trials);
  if (chosen.length === 0) return null;
  const name = (t: StudyTrial) => `${variantLabel(t.variant, study.trials)} @ ${sci(t.peakLr)}`;
  const labels = chosen.map(name);
  const rows = chosen.flatMap((t) =>
    PANELS.flatMap((p) => t.trajectory.epoch.map((epoch, i) => ({ label: name(t), hparam: p.key, epoch, value: t.trajectory[p.key][i] ?? null }))),
  );
  return studyFigure(FIGURE_FILES.trajectories, {
    title: { text: 'Hyperparameter trajectories', subtitle: 'the value each update used, per variant at its study peak LR, seed 0' },
    data: { values: rows },
    vconcat: PANELS.map((p) => ({
      width: 560,
      height: 110,
      title: p.title,
      transform: [{ filter: p.log ? `datum.hparam === '${p.key}' && datum.value > 0` : `datum.hparam === '${p.key}'` }],
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, clip: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        y: { field: 'value', type: 'quantitative', title: null, scale: p.log ? { type: 'log' } : { zero: false }, axis: p.log ? { format: '.0e', tickCount: 5 } : { format: '.4~g', tickCount: 5 } },
        color: { field: 'label', type: 'nominal', title: 'variant @ peak LR', scale: colorScale(labels) },
        strokeDash: { field: 'label', type: 'nominal', title: 'variant @ peak LR', scale: { domain: labels } },
      },
    })),
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
  });
}

/**
 * Validation accuracy (%) per epoch of each schedule at its best peak LR, mean over its seeds.
 *
 * @example
 * ```ts
 * import { curvesFigure } from './figures.js';
 * // curvesFigure(study)?.file; // 'curves.png'
 * ```
 */
export function curvesFigure(study: StudyResults): StudyFigure | null {
  const grid = gridVariants(study.trials);
  const all = cells(study.trials.filter((t) => grid.includes(t.variant)));
  const best = grid.flatMap((v) => {
    const c = bestCell(all, v);
    return c ? [c] : [];
  });
  if (best.length === 0) return null;
  const name = (v: string, lr: number) => `${variantLabel(v, study.trials)} @ ${sci(lr)}`;
  const labels = best.map((c) => name(c.variant, c.peakLr));
  const rows = best.flatMap((c) => meanCurve(c.trials).map((p) => ({ label: name(c.variant, c.peakLr), epoch: p.epoch, valAcc: 100 * p.valAcc })));
  return studyFigure(FIGURE_FILES.curves, {
    title: { text: 'Validation accuracy per epoch', subtitle: 'each schedule at its best peak LR, mean over seeds' },
    width: 560,
    height: 300,
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 1.6 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epochs completed', scale: { nice: false }, axis: { values: [...new Set(rows.map((r) => r.epoch))], format: 'd' } },
      y: { field: 'valAcc', type: 'quantitative', title: 'validation accuracy (%)', scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: 'schedule @ peak LR', scale: colorScale(labels) },
    },
  });
}

/**
 * Every figure the results allow, in a fixed order.
 *
 * @example
 * ```ts
 * import { studyFigures } from './figures.js';
 * // studyFigures(study).map((f) => f.file); // ['accuracy-vs-lr.png', 'curves.png', 'trajectories.png']
 * ```
 */
export function studyFigures(study: StudyResults): StudyFigure[] {
  return [accuracyFigure(study), curvesFigure(study), trajectoryFigure(study)].filter((f): f is StudyFigure => f !== null);
}
