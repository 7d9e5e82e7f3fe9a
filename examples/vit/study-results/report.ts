/**
 * `npm run study:report`: from `examples/vit/results/study.json` only (plus the variants'
 * metadata), regenerates the `study-*` sections of examples/vit/README.md (through
 * scripts/docs-tables.ts, the one renderer of generated sections) and the PNG figures beside the
 * results. `npm run study:report -- --check` writes nothing and exits 1 naming what is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderSections } from '../../../scripts/docs-tables.js';
import { studyFigures } from './figures.js';
import { renderPng } from './png.js';
import { isStudySection, readCommittedStudy, RESULTS_DIR, ROOT, STUDY_README } from './sections.js';
import { runAsScript } from './script.js';

/**
 * One output of the report: a path relative to the repository and the bytes it should hold.
 *
 * @example
 * ```ts
 * import type { ReportOutput } from './report.js';
 * const o: ReportOutput = { path: 'examples/vit/results/curves.png', bytes: Buffer.from('') };
 * ```
 */
export interface ReportOutput {
  readonly path: string;
  readonly bytes: Buffer;
}

/**
 * Everything the report writes, rendered afresh from the committed results.
 *
 * @example
 * ```ts
 * import { reportOutputs } from './report.js';
 * // (await reportOutputs()).map((o) => o.path)
 * ```
 */
export async function reportOutputs(): Promise<ReportOutput[]> {
  const root = ROOT;
  const study = readCommittedStudy(root);
  if (!study) throw new Error(`no ${RESULTS_DIR}/study.json: collect the sweeps first (npm run study:collect -- <sweep folder>...)`);
  const readme = readFileSync(join(root, STUDY_README), 'utf8');
  const outputs: ReportOutput[] = [{ path: STUDY_README, bytes: Buffer.from(await renderSections(readme, STUDY_README, isStudySection)) }];
  // One figure after the other, always in the same order: vega numbers some SVG ids per process.
  for (const figure of studyFigures(study)) outputs.push({ path: `${RESULTS_DIR}/${figure.file}`, bytes: await renderPng(figure.spec) });
  return outputs;
}

/**
 * The outputs whose file is missing or holds other bytes.
 *
 * @example
 * ```ts
 * import { staleOutputs } from './report.js';
 * staleOutputs([], '/tmp'); // []
 * ```
 */
export function staleOutputs(outputs: readonly ReportOutput[], root = ROOT): ReportOutput[] {
  return outputs.filter((o) => {
    const file = join(root, o.path);
    return !existsSync(file) || !readFileSync(file).equals(o.bytes);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const stale = staleOutputs(await reportOutputs());
  if (check) {
    for (const o of stale) console.error(`${o.path} is stale: run npm run study:report`);
    if (stale.length === 0) console.log('the study report is up to date');
    return stale.length > 0 ? 1 : 0;
  }
  for (const o of stale) {
    const file = join(ROOT, o.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, o.bytes);
    console.log(`updated ${o.path}`);
  }
  if (stale.length === 0) console.log('the study report is up to date');
  return 0;
}

await runAsScript(import.meta.url, main);
