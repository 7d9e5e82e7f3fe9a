/**
 * `npm run study:collect -- <folder>...`: reads the finished trials (status ok) of sweep folders
 * and writes `examples/vit/results/study.json`, one record per trial (see records.ts), then prints
 * one line per cell. `--matched-wd` prints, instead of writing, the mean effective weight decay of
 * the scheduled-wd trials (what `adamw-matched-wd` is run with). `--out <file>` writes elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStudyRecords, REPO_ROOT } from '../study.js';
import type { RunResult } from '../train.js';
import { compactJson, studyResults, type StudyTrial } from './records.js';
import { cells } from './stats.js';
import { runAsScript } from './script.js';

/**
 * Where the committed results live.
 *
 * @example
 * ```ts
 * import { STUDY_RESULTS_FILE } from './collect.js';
 * STUDY_RESULTS_FILE.endsWith('examples/vit/results/study.json'); // true
 * ```
 */
export const STUDY_RESULTS_FILE = join(REPO_ROOT, 'examples', 'vit', 'results', 'study.json');

/**
 * The finished results of one sweep folder and the command that ran it.
 *
 * @example
 * ```ts
 * import { readFolder } from './collect.js';
 * // (await readFolder('/work/study/lr-grid')).results.length
 * ```
 */
export async function readFolder(folder: string): Promise<{ folder: string; command: string; results: RunResult[] }> {
  const { records, meta } = await loadStudyRecords(folder);
  const results = records.flatMap((r) => (r.status === 'ok' && r.result ? [r.result] : []));
  return { folder: resolve(folder), command: meta.command ?? '', results };
}

const pct = (x: number) => (100 * x).toFixed(1);

/**
 * One line per cell: variant, peak LR, weight decay, seeds, mean test accuracy ± the 95% half-width.
 *
 * @example
 * ```ts
 * import { summaryLines } from './collect.js';
 * summaryLines([]); // []
 * ```
 */
export function summaryLines(trials: readonly StudyTrial[]): string[] {
  return cells(trials).map((c) => {
    const a = c.accuracy;
    const hw = a.halfWidth === null ? '' : ` ± ${pct(a.halfWidth)}`;
    return `${c.variant.padEnd(24)} peak LR ${String(c.peakLr).padEnd(8)} wd ${String(c.weightDecay).padEnd(8)} seeds ${c.trials.map((t) => t.seed).join(',').padEnd(6)} test ${pct(a.mean)}%${hw} (n=${a.n})`;
  });
}

/**
 * The mean over scheduled-wd trials of their mean effective weight decay, or null without any.
 *
 * @example
 * ```ts
 * import { matchedWeightDecay } from './collect.js';
 * matchedWeightDecay([]); // null
 * ```
 */
export function matchedWeightDecay(trials: readonly Pick<StudyTrial, 'variant' | 'meanWeightDecay'>[]): { value: number; n: number } | null {
  const swd = trials.filter((t) => t.variant === 'scheduled-wd');
  if (swd.length === 0) return null;
  return { value: swd.reduce((a, t) => a + t.meanWeightDecay, 0) / swd.length, n: swd.length };
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'matched-wd': { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  if (positionals.length === 0) {
    console.error('usage: npm run study:collect -- [--matched-wd] [--out <file>] <sweep folder>...');
    return 2;
  }
  const folders = await Promise.all(positionals.map(readFolder));
  const study = studyResults(folders, REPO_ROOT);
  if (values['matched-wd']) {
    const m = matchedWeightDecay(study.trials);
    if (!m) {
      console.error('no finished scheduled-wd trials in these folders');
      return 1;
    }
    console.error(`mean effective weight decay of ${m.n} scheduled-wd trial(s):`);
    console.log(m.value.toPrecision(6));
    return 0;
  }
  const out = resolve(values.out ?? STUDY_RESULTS_FILE);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${compactJson(study)}\n`);
  for (const line of summaryLines(study.trials)) console.log(line);
  for (const f of folders) console.log(`${f.folder}: ${f.results.length} finished trial(s)`);
  console.log(`wrote ${out} (${study.trials.length} trials)`);
  return 0;
}

await runAsScript(import.meta.url, main);
