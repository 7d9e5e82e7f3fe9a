/**
 * The committed results file and the README sections rendered from it: what
 * scripts/docs-tables.ts calls for every `<!-- generated:study-* -->` section.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMPTY_STUDY, STUDY_BLOCKS } from './blocks.js';
import { parseStudyResults, type StudyResults } from './records.js';

/**
 * The repository root (three levels above this file).
 *
 * @example
 * ```ts
 * import { ROOT } from './sections.js';
 * // join(ROOT, 'package.json')
 * ```
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The committed results and figures, relative to the repository root.
 *
 * @example
 * ```ts
 * import { RESULTS_DIR } from './sections.js';
 * RESULTS_DIR; // 'examples/vit/results'
 * ```
 */
export const RESULTS_DIR = 'examples/vit/results';
/**
 * The README whose `study-*` sections are generated.
 *
 * @example
 * ```ts
 * import { STUDY_README } from './sections.js';
 * STUDY_README; // 'examples/vit/README.md'
 * ```
 */
export const STUDY_README = 'examples/vit/README.md';

/**
 * The committed results under `root`, or null when there are none yet.
 *
 * @example
 * ```ts
 * import { readCommittedStudy } from './sections.js';
 * // readCommittedStudy()?.trials.length
 * ```
 */
export function readCommittedStudy(root = ROOT): StudyResults | null {
  const file = join(root, RESULTS_DIR, 'study.json');
  if (!existsSync(file)) return null;
  return parseStudyResults(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Whether a generated section's name is one of the study's.
 *
 * @example
 * ```ts
 * import { isStudySection } from './sections.js';
 * isStudySection('study-lr-grid'); // true
 * isStudySection('vit-variants'); // false
 * ```
 */
export function isStudySection(name: string): boolean {
  return name.startsWith('study-');
}

/**
 * The Markdown of one study section from the committed results (a note saying how to produce them
 * while there are none). An unknown `study-*` name throws, listing the known ones.
 *
 * @example
 * ```ts
 * import { renderStudySection } from './sections.js';
 * // renderStudySection('study-lr-grid')
 * ```
 */
export function renderStudySection(name: string, root = ROOT): string {
  const render = STUDY_BLOCKS[name];
  if (!render) throw new Error(`unknown study section "${name}" (known: ${Object.keys(STUDY_BLOCKS).join(', ')})`);
  return render(readCommittedStudy(root) ?? EMPTY_STUDY);
}
