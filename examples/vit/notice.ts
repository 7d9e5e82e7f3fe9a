/**
 * What the quick comparison (`npm run example`) says about itself: a smoke run, not evidence, and
 * where the study and its full results are. It states no number: those come from the study.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the study's committed results live (`study.json` once the full grid has been run).
 *
 * @example
 * ```ts
 * import { STUDY_RESULTS_DIR } from './notice.js';
 * STUDY_RESULTS_DIR.endsWith('results'); // true
 * ```
 */
export const STUDY_RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

/**
 * The lines printed before and after the quick comparison (and put in its report): that it is a
 * smoke run — few epochs, one seed (or too few for a claim) — whose accuracies are not evidence,
 * and where the study (`examples/vit/README.md`) and its full results (`examples/vit/results/`)
 * are. `resultsDir` is where to look for `study.json` (default {@link STUDY_RESULTS_DIR}).
 *
 * @example
 * ```ts
 * import { smokeRunNotice } from './notice.js';
 * smokeRunNotice({ epochs: 6, seeds: 1 })[0]!.startsWith('smoke run: 6 epochs, one seed'); // true
 * ```
 */
export function smokeRunNotice(opts: { epochs: number; seeds: number; resultsDir?: string }): string[] {
  const seeds = opts.seeds === 1 ? 'one seed' : `${opts.seeds} seeds`;
  const results = join(opts.resultsDir ?? STUDY_RESULTS_DIR, 'study.json');
  return [
    `smoke run: ${opts.epochs} epochs, ${seeds} per variant — it checks that every variant trains end to end; ` +
      'its accuracies are not evidence for or against any schedule (too few epochs and seeds to tell variants apart).',
    existsSync(results)
      ? 'the study (seeds, intervals, fair twins) and what it found: examples/vit/README.md; its full results: examples/vit/results/study.json'
      : 'the study (seeds, intervals, fair twins): examples/vit/README.md; the full grid\'s results will live in examples/vit/results/ once the study is run',
  ];
}
