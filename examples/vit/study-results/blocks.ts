/**
 * The generated sections of "The study at CPU scale" in examples/vit/README.md, rendered from
 * `examples/vit/results/study.json` only (plus the variants' metadata). scripts/docs-tables.ts
 * registers every `study-*` name here, so `npx tsx scripts/docs-tables.ts` and
 * `npm run study:report` regenerate and check them the same way.
 *
 * No sentence states a difference unless its 95% interval excludes 0; otherwise it says "no
 * difference detected at this scale".
 */
import { VARIANTS } from '../variants.js';
import type { StudyResults, StudyTrial } from './records.js';
import { bestCell, cells, findCell, pairedDifference, type Cell, type Interval, type Paired } from './stats.js';

/** The figures `npm run study:report` writes beside study.json, by block. */
export const FIGURE_FILES = { accuracy: 'accuracy-vs-lr.png', curves: 'curves.png', trajectories: 'trajectories.png' } as const;

/** CIFAR-10 and the MNIST digits both have ten classes: chance accuracy is a tenth. */
const CLASSES = 10;

// ---------------------------------------------------------------- formatting

/**
 * A peak LR or decay as people write it: `1e-4`, `3.11e-2`, `0.173` stays `1.73e-1`.
 *
 * @example
 * ```ts
 * import { sci } from './blocks.js';
 * sci(0.0001); // '1e-4'
 * sci(0.031072325); // '3.11e-2'
 * ```
 */
export function sci(x: number): string {
  return Number(x.toPrecision(3)).toExponential().replace('e+', 'e');
}

/**
 * A decay or other value to 3 significant digits, plainly between 0.001 and 10,000, else like {@link sci}.
 *
 * @example
 * ```ts
 * import { decimal } from './blocks.js';
 * decimal(0.1734567); // '0.173'
 * decimal(0.0001); // '1e-4'
 * ```
 */
export function decimal(x: number): string {
  return x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) ? String(Number(x.toPrecision(3))) : sci(x);
}

const pct = (x: number): string => (100 * x).toFixed(1);
const signed = (x: number): string => `${x >= 0 ? '+' : '-'}${Math.abs(100 * x).toFixed(1)}`;

/**
 * A cell's accuracy in percent: `41.5 ± 5.8` (the half-width of the 95% interval), or `41.5` for one seed.
 *
 * @example
 * ```ts
 * import { accuracyText } from './blocks.js';
 * accuracyText({ n: 3, mean: 0.415, sd: 0.02, halfWidth: 0.058, lo: 0.357, hi: 0.473 }); // '41.5 ± 5.8'
 * ```
 */
export function accuracyText(i: Interval): string {
  return i.halfWidth === null ? pct(i.mean) : `${pct(i.mean)} ± ${pct(i.halfWidth)}`;
}

/**
 * A difference in points with its interval: `+2.0 points [95% CI +0.4, +3.6], n = 3`.
 *
 * @example
 * ```ts
 * import { differenceText } from './blocks.js';
 * differenceText({ n: 1, mean: 0.02, sd: null, halfWidth: null, lo: null, hi: null }); // '+2.0 points (one seed: no interval), n = 1'
 * ```
 */
export function differenceText(i: Interval): string {
  const ci = i.lo === null || i.hi === null ? '(one seed: no interval)' : `[95% CI ${signed(i.lo)}, ${signed(i.hi)}]`;
  return `${signed(i.mean)} points ${ci}, n = ${i.n}`;
}

/**
 * The verdict on a paired difference.
 *
 * @example
 * ```ts
 * import { verdictText } from './blocks.js';
 * verdictText(null); // 'not compared (no seed in common)'
 * ```
 */
export function verdictText(p: Paired | null): string {
  if (!p) return 'not compared (no seed in common)';
  return p.detected ? 'difference detected' : 'no difference detected at this scale';
}

function cellText(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A Markdown table.
 *
 * @example
 * ```ts
 * import { markdownTable } from './blocks.js';
 * markdownTable(['a'], [['1']]); // '| a |\n| --- |\n| 1 |'
 * ```
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cellText).join(' | ')} |`)].join('\n');
}

const groupSeparator = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// ---------------------------------------------------------------- what the trials are

/**
 * A variant's label as the tables show it (the variant's own, else the one its trials recorded).
 *
 * @example
 * ```ts
 * import { variantLabel } from './blocks.js';
 * variantLabel('constant-warmup'); // 'constant + warmup'
 * ```
 */
export function variantLabel(name: string, trials: readonly Pick<StudyTrial, 'variant' | 'label'>[] = []): string {
  return VARIANTS[name]?.label ?? trials.find((t) => t.variant === name)?.label ?? name;
}

function groupOf(name: string, trials: readonly StudyTrial[]): string {
  return VARIANTS[name]?.group ?? trials.find((t) => t.variant === name)?.group ?? '';
}

const ORDER = Object.keys(VARIANTS);

/**
 * The variants present, in the order of VARIANTS (unknown names last, alphabetically).
 *
 * @example
 * ```ts
 * import { variantsPresent } from './blocks.js';
 * variantsPresent([]); // []
 * ```
 */
export function variantsPresent(trials: readonly Pick<StudyTrial, 'variant'>[]): string[] {
  const names = [...new Set(trials.map((t) => t.variant))];
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The LR schedules of the grid (variants of group `fixed` or `lr`) present in the results.
 *
 * @example
 * ```ts
 * import { gridVariants } from './blocks.js';
 * gridVariants([]); // []
 * ```
 */
export function gridVariants(trials: readonly StudyTrial[]): string[] {
  return variantsPresent(trials).filter((v) => ['fixed', 'lr'].includes(groupOf(v, trials)));
}

/**
 * The beyond-LR variants present (group `beyond-lr`).
 *
 * @example
 * ```ts
 * import { beyondVariants } from './blocks.js';
 * beyondVariants([]); // []
 * ```
 */
export function beyondVariants(trials: readonly StudyTrial[]): string[] {
  return variantsPresent(trials).filter((v) => groupOf(v, trials) === 'beyond-lr');
}

/** Peak LRs of some cells, ascending. */
function lrsOf(all: readonly Cell[]): number[] {
  return [...new Set(all.map((c) => c.peakLr))].sort((a, b) => a - b);
}

/** The peak LRs at which every one of `variants` has a cell, ascending. */
function fullGridLrs(all: readonly Cell[], variants: readonly string[]): number[] {
  return lrsOf(all).filter((lr) => variants.every((v) => findCell(all, v, lr)));
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** `a, b and c`. */
function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `2.4 h`, or `35 min` under an hour. */
const duration = (seconds: number): string => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`);

/** `--workers N` of a command line, if given. */
function workersOf(command: string): number | null {
  const m = /--workers[= ](\d+)/.exec(command);
  return m ? Number(m[1]) : null;
}

// ---------------------------------------------------------------- blocks

/** What the first section says while no results are committed. */
const NO_RESULTS = 'No results are committed yet: `npm run study:collect -- <sweep folders>` writes `examples/vit/results/study.json`, then `npm run study:report` fills in this section and its figures.';
/** What the other sections say meanwhile. */
const EMPTY = '(Generated from `examples/vit/results/study.json` once it is committed.)';

/**
 * What was run: model, data, epochs, batch, stepping, LRs, seeds, backend and how long it took.
 *
 * @example
 * ```ts
 * import { aboutBlock } from './blocks.js';
 * // aboutBlock(study).startsWith('**What ran**')
 * ```
 */
export function aboutBlock(study: StudyResults): string {
  const t = study.trials;
  if (t.length === 0) return NO_RESULTS;
  const a = study.about;
  const grid = gridVariants([...t]);
  const gridCells = cells(t.filter((x) => grid.includes(x.variant)));
  const fullLrs = fullGridLrs(gridCells, grid);
  const partialLrs = lrsOf(gridCells).filter((lr) => !fullLrs.includes(lr));
  const seeds = distinct(t.map((x) => x.seed)).sort((x, y) => x - y);
  const perCell = cells(t).map((c) => c.trials.length);
  const [fewest, most] = [Math.min(...perCell), Math.max(...perCell)];
  const optimizers = distinct(t.map((x) => (x.optimizer === 'sgd' ? 'SGD with heavy-ball momentum (the SGD variants)' : 'AdamW')));
  const wall = t.reduce((s, x) => s + x.wallSeconds, 0);
  const workers = distinct(a.sweeps.map((s) => workersOf(s.command)).filter((w): w is number => w !== null));
  const elapsed = workers.length === 1 ? ` With ${workers[0]} worker processes at a time (the sweeps' \`--workers\`), that is about ${duration(wall / workers[0]!)} from start to finish.` : '';
  const backends = a.backends.map((b) => b.replace(/^backend: /, '').replace(/ — .*$/, ''));
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    `**What ran**: ${plural(t.length, 'trial')} of ${plural(variantsPresent(t).length, 'variant')}: the \`${a.preset.join('`, `')}\` ViT preset, ` +
      `${a.epochs.join(' / ')} epochs at batch ${a.batch.join(' / ')}, schedulers stepped every ${a.stepping.map((s) => (s === 'step' ? 'update' : s)).join(' / ')}, ` +
      `${listText(optimizers)}, on ${a.data.join('; ')}.` +
      (grid.length > 0
        ? ` The LR grid: ${plural(grid.length, 'schedule')} × peak LRs ${listText(fullLrs.map(sci))} × seeds ${listText(seeds.map(String))} ` +
          `(${fewest === most ? fewest : `${fewest} to ${most}`} seed${most === 1 ? '' : 's'} per cell)` +
          `${partialLrs.map((lr) => `; at ${sci(lr)} only ${listText(grid.filter((v) => findCell(gridCells, v, lr)).map((v) => variantLabel(v, t)))}`).join('')}.`
        : ''),
    '',
    `**Backend**: ${listText(distinct(backends))}.`,
    '',
    `**Time**: ${duration(wall)} of training in total (the sum of the trials' wall times; ${(wall / t.length / 60).toFixed(1)} min per trial on average).${elapsed}`,
  ].join('\n');
}

/**
 * How to rerun the sweeps and regenerate this section.
 *
 * @example
 * ```ts
 * import { commandsBlock } from './blocks.js';
 * // commandsBlock(study).includes('npm run study:report')
 * ```
 */
export function commandsBlock(study: StudyResults): string {
  if (study.trials.length === 0) return EMPTY;
  return [
    'Rerun the sweeps (each command resumes its folder: finished trials are skipped, interrupted ones continue from their checkpoints):',
    '',
    '```sh',
    ...study.about.sweeps.map((s) => s.command),
    '```',
    '',
    'Then collect the finished trials into `examples/vit/results/study.json` and regenerate this section and its figures from it:',
    '',
    '```sh',
    ...study.about.regenerate,
    '```',
    '',
    'Each record in `study.json` also holds the `train` command that reproduces that one trial.',
  ].join('\n');
}

function gridCells(study: StudyResults): { grid: string[]; all: Cell[]; lrs: number[] } {
  const grid = gridVariants(study.trials);
  const all = cells(study.trials.filter((t) => grid.includes(t.variant)));
  return { grid, all, lrs: lrsOf(all) };
}

/**
 * Mean validation accuracy per completed epoch over a cell's seeds (epochs every seed has).
 *
 * @example
 * ```ts
 * import { meanCurve } from './blocks.js';
 * meanCurve([]); // []
 * ```
 */
export function meanCurve(trials: readonly Pick<StudyTrial, 'curve'>[]): { epoch: number; valAcc: number }[] {
  if (trials.length === 0) return [];
  const epochs = distinct(trials.flatMap((t) => t.curve.map((p) => p.epoch))).sort((a, b) => a - b);
  return epochs.flatMap((epoch) => {
    const vals = trials.map((t) => t.curve.find((p) => p.epoch === epoch)?.valAcc);
    return vals.every((v): v is number => typeof v === 'number') ? [{ epoch, valAcc: vals.reduce((a, b) => a + b, 0) / vals.length }] : [];
  });
}

/**
 * The LR grid: schedules × peak LRs, mean test accuracy ± the 95% half-width, the best peak LR of
 * each schedule in bold; then the accuracy-vs-LR and validation-curve figures.
 *
 * @example
 * ```ts
 * import { lrGridBlock } from './blocks.js';
 * // lrGridBlock(study).split('\n')[2].startsWith('| schedule |')
 * ```
 */
export function lrGridBlock(study: StudyResults): string {
  const { grid, all, lrs } = gridCells(study);
  if (grid.length === 0) return study.trials.length === 0 ? EMPTY : 'No LR-schedule trials in `examples/vit/results/study.json` yet.';
  const rows = grid.map((v) => {
    const best = bestCell(all, v);
    return [
      variantLabel(v, study.trials),
      ...lrs.map((lr) => {
        const c = findCell(all, v, lr);
        if (!c) return '—';
        const text = `${accuracyText(c.accuracy)} (n=${c.accuracy.n})`;
        return c === best ? `**${text}**` : text;
      }),
    ];
  });
  // Whether the curves flatten: the mean validation accuracy over the last third of training.
  const flat = grid.flatMap((v) => {
    const best = bestCell(all, v)!;
    const curve = meanCurve(best.trials);
    if (curve.length < 2) return [];
    const last = curve[curve.length - 1]!;
    const from = curve[Math.max(0, curve.length - 1 - Math.round(curve.length / 3))]!;
    return [`${variantLabel(v, study.trials)} at ${sci(best.peakLr)}: ${pct(from.valAcc)} → ${pct(last.valAcc)} (epoch ${from.epoch} → ${last.epoch})`];
  });
  return [
    'Test accuracy (%) of the best-by-validation weights: the mean over seeds ± the half-width of its 95% t-interval, n seeds per cell; **bold**: the best peak LR of each schedule.',
    '',
    markdownTable(['schedule', ...lrs.map((lr) => `peak LR ${sci(lr)}`)], rows),
    '',
    `![Test accuracy against peak LR per schedule: mean over seeds with 95% interval bars](results/${FIGURE_FILES.accuracy})`,
    '',
    ...(flat.length > 0
      ? [
          `Mean validation accuracy (%) of each schedule at its best peak LR over the last third of training: ${flat.join('; ')}.`,
          '',
          `![Validation accuracy per epoch of each schedule at its best peak LR, mean over seeds](results/${FIGURE_FILES.curves})`,
        ]
      : []),
  ].join('\n');
}

/**
 * A beyond-LR variant and its twins at each peak LR the variant ran at.
 *
 * @example
 * ```ts
 * import { twinGroups } from './blocks.js';
 * twinGroups([]); // []
 * ```
 */
export function twinGroups(trials: readonly StudyTrial[]): { variant: string; peakLr: number; cell: Cell; twins: { name: string; cells: Cell[] }[] }[] {
  const all = cells(trials);
  return beyondVariants([...trials]).flatMap((v) =>
    all
      .filter((c) => c.variant === v)
      .sort((a, b) => a.peakLr - b.peakLr || a.weightDecay - b.weightDecay)
      .map((cell) => ({
        variant: v,
        peakLr: cell.peakLr,
        cell,
        twins: (VARIANTS[v]?.twins ?? []).map((name) => ({ name, cells: all.filter((c) => c.variant === name && c.peakLr === cell.peakLr) })),
      })),
  );
}

function meanOf(trials: readonly StudyTrial[], f: (t: StudyTrial) => number): number {
  return trials.reduce((s, t) => s + f(t), 0) / trials.length;
}

/**
 * The beyond-LR table: each beyond-LR variant and its twins at its peak LR, with test accuracy,
 * updates, and the mean effective weight decay where it differs between them.
 *
 * @example
 * ```ts
 * import { beyondLrBlock } from './blocks.js';
 * // beyondLrBlock(study).includes('| variant |')
 * ```
 */
export function beyondLrBlock(study: StudyResults): string {
  if (study.trials.length === 0) return EMPTY;
  const groups = twinGroups(study.trials);
  if (groups.length === 0) return 'No beyond-LR trials in `examples/vit/results/study.json` yet.';
  const rows = groups.flatMap((g) => {
    type Member = { name: string; cell: Cell | null; wd: boolean };
    const members: Member[] = [
      { name: g.variant, cell: g.cell, wd: false },
      ...g.twins.flatMap((t): Member[] => (t.cells.length > 0 ? t.cells.map((cell) => ({ name: t.name, cell, wd: t.cells.length > 1 })) : [{ name: t.name, cell: null, wd: false }])),
    ];
    const decays = members.flatMap((m) => (m.cell ? [meanOf(m.cell.trials, (t) => t.meanWeightDecay)] : []));
    const showDecay = distinct(decays.map((d) => d.toPrecision(3))).length > 1;
    return members.map((m, i) => {
      const name = `${variantLabel(m.name, study.trials)}${m.wd && m.cell ? ` (weight decay ${decimal(m.cell.weightDecay)})` : ''}`;
      const label = i === 0 ? `**${name}**` : `twin: ${name}`;
      if (!m.cell) return [label, sci(g.peakLr), 'not run', '—', '—'];
      return [
        label,
        sci(g.peakLr),
        `${accuracyText(m.cell.accuracy)} (n=${m.cell.accuracy.n})`,
        groupSeparator(meanOf(m.cell.trials, (t) => t.updates)),
        showDecay ? decimal(meanOf(m.cell.trials, (t) => t.meanWeightDecay)) : '—',
      ];
    });
  });
  return [
    'Each beyond-LR variant (bold) and its twins — the variants that differ from it in exactly one hyperparameter — at the peak LR it ran at: test accuracy (%) as mean ± 95% half-width (n seeds), updates taken (mean), and the mean effective weight decay over the updates where it differs within the group.',
    '',
    markdownTable(['variant', 'peak LR', 'test acc %', 'updates', 'mean weight decay'], rows),
    '',
    `![LR, beta1 / momentum, weight decay and batch size against epochs for each variant at its study LR, seed 0](results/${FIGURE_FILES.trajectories})`,
  ].join('\n');
}

/**
 * The paired twin differences, variant − twin, with their intervals and verdicts.
 *
 * @example
 * ```ts
 * import { twinDifferences } from './blocks.js';
 * twinDifferences([]); // []
 * ```
 */
export function twinDifferences(trials: readonly StudyTrial[]): { variant: string; twin: string; peakLr: number; weightDecay: number; paired: Paired | null }[] {
  return twinGroups(trials).flatMap((g) =>
    g.twins.flatMap((t) => t.cells.map((c) => ({ variant: g.variant, twin: t.name, peakLr: g.peakLr, weightDecay: c.weightDecay, paired: pairedDifference(g.cell.trials, c.trials) }))),
  );
}

/**
 * The twin-difference table (paired by seed at the same peak LR).
 *
 * @example
 * ```ts
 * import { twinsBlock } from './blocks.js';
 * // twinsBlock(study).includes('difference detected')
 * ```
 */
export function twinsBlock(study: StudyResults): string {
  if (study.trials.length === 0) return EMPTY;
  const diffs = twinDifferences(study.trials);
  if (diffs.length === 0) return 'No beyond-LR variant has a twin in `examples/vit/results/study.json` yet.';
  const rows = diffs.map((d) => [
    variantLabel(d.variant, study.trials),
    `${variantLabel(d.twin, study.trials)}${diffs.some((e) => e !== d && e.variant === d.variant && e.twin === d.twin && e.peakLr === d.peakLr) ? ` (weight decay ${decimal(d.weightDecay)})` : ''}`,
    sci(d.peakLr),
    d.paired ? `${signed(d.paired.diff.mean)}` : '—',
    d.paired && d.paired.diff.lo !== null && d.paired.diff.hi !== null ? `${signed(d.paired.diff.lo)} to ${signed(d.paired.diff.hi)}` : '—',
    d.paired ? String(d.paired.diff.n) : '0',
    verdictText(d.paired),
  ]);
  return [
    'Variant − twin test accuracy in percentage points, paired by seed at the same peak LR (each pair shares the initialisation and data order): the mean difference over seeds, its 95% t-interval, and the number of pairs. A difference is detected only when the interval excludes 0.',
    '',
    markdownTable(['variant', 'twin', 'peak LR', 'difference (points)', '95% CI', 'n', 'verdict'], rows),
  ].join('\n');
}

/**
 * A finding's verdict.
 *
 * @example
 * ```ts
 * import type { Verdict } from './blocks.js';
 * const v: Verdict = 'not detected at this scale';
 * ```
 */
export type Verdict = 'reproduced' | 'not reproduced' | 'not detected at this scale' | 'not checked';

/**
 * One of the seed study's findings as checked here: its verdict and the generated sentence.
 *
 * @example
 * ```ts
 * import type { Finding } from './blocks.js';
 * const line = (f: Finding) => `${f.verdict}: ${f.text}`;
 * ```
 */
export interface Finding {
  readonly verdict: Verdict;
  readonly text: string;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function cellAt(c: Cell, trials: readonly StudyTrial[]): string {
  return `${variantLabel(c.variant, trials)} at ${sci(c.peakLr)} (${accuracyText(c.accuracy)}%, n=${c.accuracy.n})`;
}

function pairedText(p: Paired | null): string {
  return p ? `${differenceText(p.diff)}: ${verdictText(p)}` : verdictText(p);
}

/** `(a - b)` over the shared seeds, with a positive `favour` meaning a is better. */
function sideOf(p: Paired | null): 'a' | 'b' | null {
  if (!p || !p.detected) return null;
  return p.diff.mean > 0 ? 'a' : 'b';
}

/**
 * Whether a cell stalled: its mean test accuracy is below halfway from chance to the mean of its
 * schedule's best cell (it lost more than half of what that schedule learns at its best peak LR).
 * The seed study's stalls sat near loss 2.0 at 27–34% test accuracy, far above chance, so a
 * threshold tied to chance alone would miss them.
 *
 * @example
 * ```ts
 * import { stalled } from './blocks.js';
 * // stalled(constantAt1e1, bestCell(all, 'constant')!)
 * ```
 */
export function stalled(cell: Cell, best: Cell): boolean {
  const chance = 1 / CLASSES;
  return cell.accuracy.mean < chance + (best.accuracy.mean - chance) / 2;
}

/**
 * Finding 1: warmup keeps a high LR trainable where constant stalls. At the lowest peak LR where
 * constant stalled ({@link stalled}): reproduced when constant + warmup did not stall there and is
 * detected better (paired by seed); not reproduced when it stalled too or is detected worse.
 *
 * @example
 * ```ts
 * import { warmupFinding } from './blocks.js';
 * warmupFinding([]).verdict; // 'not checked'
 * ```
 */
export function warmupFinding(trials: readonly StudyTrial[]): Finding {
  const all = cells(trials.filter((t) => t.variant === 'constant' || t.variant === 'constant-warmup'));
  const lrs = lrsOf(all).filter((lr) => findCell(all, 'constant', lr) && findCell(all, 'constant-warmup', lr));
  if (lrs.length === 0) return { verdict: 'not checked', text: 'No peak LR has both constant and constant + warmup trials.' };
  const bestConstant = bestCell(all, 'constant')!;
  const bestWarm = bestCell(all, 'constant-warmup')!;
  const rule = 'stalled: a mean below halfway from chance to the schedule\'s own best peak LR';
  const at = lrs.find((lr) => stalled(findCell(all, 'constant', lr)!, bestConstant));
  if (at === undefined) {
    const high = lrs[lrs.length - 1]!;
    return {
      verdict: 'not detected at this scale',
      text: `Constant did not stall at any peak LR tried (${rule}); the highest is ${cellAt(findCell(all, 'constant', high)!, trials)}.`,
    };
  }
  const constant = findCell(all, 'constant', at)!;
  const warm = findCell(all, 'constant-warmup', at)!;
  const warmStalled = stalled(warm, bestWarm);
  const p = pairedDifference(warm.trials, constant.trials);
  const side = sideOf(p);
  const verdict: Verdict =
    !warmStalled && side === 'a' ? 'reproduced' : warmStalled || side === 'b' ? 'not reproduced' : 'not detected at this scale';
  return {
    verdict,
    text:
      `The lowest peak LR where constant stalled (${rule}) is ${sci(at)}: ${cellAt(constant, trials)}, against its best ${cellAt(bestConstant, trials)}. ` +
      `There ${cellAt(warm, trials)} ${warmStalled ? 'stalled too' : 'did not stall'}; constant + warmup − constant, paired by seed: ${pairedText(p)}.`,
  };
}

/**
 * Finding 2: one-cycle at its best LR is the best schedule — its best cell against each other
 * schedule's best cell, paired by seed; reproduced only if every interval excludes 0 in its favour.
 *
 * @example
 * ```ts
 * import { oneCycleFinding } from './blocks.js';
 * oneCycleFinding([]).verdict; // 'not checked'
 * ```
 */
export function oneCycleFinding(trials: readonly StudyTrial[]): Finding {
  const grid = gridVariants([...trials]);
  const all = cells(trials.filter((t) => grid.includes(t.variant)));
  const one = bestCell(all, 'one-cycle');
  const others = grid.filter((v) => v !== 'one-cycle');
  if (!one || others.length === 0) return { verdict: 'not checked', text: 'The results hold no one-cycle trials, or no other schedule to compare it with.' };
  const comparisons = others.map((v) => {
    const b = bestCell(all, v)!;
    const p = pairedDifference(one.trials, b.trials);
    return { b, p, side: sideOf(p) };
  });
  const verdict: Verdict = comparisons.every((c) => c.side === 'a')
    ? 'reproduced'
    : comparisons.some((c) => c.side === 'b')
      ? 'not reproduced'
      : 'not detected at this scale';
  return {
    verdict,
    text:
      `The best cell of one-cycle is ${cellAt(one, trials)}. Against each other schedule's best cell, paired by seed (one-cycle − other): ` +
      `${comparisons.map((c) => `${cellAt(c.b, trials)}: ${pairedText(c.p)}`).join('; ')}.`,
  };
}

/**
 * Finding 3: constant LR is competitive only at low LR — at each peak LR, constant − the best other
 * schedule there (by mean), paired by seed; reproduced when no deficit is detected at the lowest
 * peak LR and a deficit is detected at the highest.
 *
 * @example
 * ```ts
 * import { constantFinding } from './blocks.js';
 * constantFinding([]).verdict; // 'not checked'
 * ```
 */
export function constantFinding(trials: readonly StudyTrial[]): Finding {
  const grid = gridVariants([...trials]);
  const all = cells(trials.filter((t) => grid.includes(t.variant)));
  // Only peak LRs where the whole grid ran: "the best other schedule" means the same thing at each.
  const full = fullGridLrs(all, grid);
  const lrs = full.filter((lr) => findCell(all, 'constant', lr));
  if (lrs.length < 2 || grid.length < 2) return { verdict: 'not checked', text: 'Constant and the other schedules share fewer than two peak LRs in the results.' };
  const rows = lrs.map((lr) => {
    const constant = findCell(all, 'constant', lr)!;
    const other = all.filter((c) => c.peakLr === lr && c.variant !== 'constant').reduce((a, c) => (c.accuracy.mean > a.accuracy.mean ? c : a));
    const p = pairedDifference(constant.trials, other.trials);
    return { lr, constant, other, p, side: sideOf(p) };
  });
  const low = rows[0]!;
  const high = rows[rows.length - 1]!;
  const verdict: Verdict =
    low.side !== 'b' && high.side === 'b' ? 'reproduced' : low.side === 'b' || high.side === 'a' ? 'not reproduced' : 'not detected at this scale';
  const partial = lrsOf(all).filter((lr) => !full.includes(lr));
  return {
    verdict,
    text:
      'At each peak LR where every schedule ran, constant − the best other schedule there (by mean), paired by seed: ' +
      `${rows.map((r) => `at ${sci(r.lr)}, ${cellAt(r.constant, trials)} against ${cellAt(r.other, trials)}: ${pairedText(r.p)}`).join('; ')}. ` +
      'Reproduced means no deficit detected at the lowest of these peak LRs and a deficit detected at the highest.' +
      (partial.length > 0 ? ` Left out: ${listText(partial.map(sci))}, where only some schedules ran.` : ''),
  };
}

/**
 * The seed study's three findings, each with its verdict and numbers.
 *
 * @example
 * ```ts
 * import { findingsBlock } from './blocks.js';
 * // findingsBlock(study).startsWith('1. ')
 * ```
 */
export function findingsBlock(study: StudyResults): string {
  if (study.trials.length === 0) return EMPTY;
  const items: [string, Finding][] = [
    ['Warmup keeps a high LR trainable where constant stalls', warmupFinding(study.trials)],
    ['One-cycle at its best LR is the best schedule', oneCycleFinding(study.trials)],
    ['Constant LR is competitive only at low LR', constantFinding(study.trials)],
  ];
  return items.map(([claim, f], i) => `${i + 1}. **${claim}: ${f.verdict}.** ${f.text}`).join('\n');
}

/**
 * Every generated section of the study, by name (`<!-- generated:NAME -->` in examples/vit/README.md).
 *
 * @example
 * ```ts
 * import { STUDY_BLOCKS } from './blocks.js';
 * Object.keys(STUDY_BLOCKS).every((n) => n.startsWith('study-')); // true
 * ```
 */
export const STUDY_BLOCKS: Readonly<Record<string, (study: StudyResults) => string>> = {
  'study-about': aboutBlock,
  'study-commands': commandsBlock,
  'study-lr-grid': lrGridBlock,
  'study-beyond-lr': beyondLrBlock,
  'study-twins': twinsBlock,
  'study-findings': findingsBlock,
};

/**
 * An empty study, rendered while no results are committed.
 *
 * @example
 * ```ts
 * import { EMPTY_STUDY } from './blocks.js';
 * EMPTY_STUDY.trials.length; // 0
 * ```
 */
export const EMPTY_STUDY: StudyResults = {
  about: { what: '', preset: [], data: [], epochs: [], batch: [], stepping: [], backends: [], sweeps: [], regenerate: [] },
  trials: [],
};
