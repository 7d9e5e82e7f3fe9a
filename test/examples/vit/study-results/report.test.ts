/**
 * `npm run study:report -- --check`: the committed README sections and PNG figures are what the
 * committed `examples/vit/results/study.json` renders, byte for byte; the PNGs do not depend on the
 * machine's fonts.
 */
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracyFigure } from '../../../../examples/vit/study-results/figures.js';
import { renderPng } from '../../../../examples/vit/study-results/png.js';
import { reportOutputs, staleOutputs } from '../../../../examples/vit/study-results/report.js';
import { RESULTS_DIR, ROOT } from '../../../../examples/vit/study-results/sections.js';
import { syntheticStudy } from './synthetic.js';

const committed = existsSync(join(ROOT, RESULTS_DIR, 'study.json'));

describe('the committed study report', () => {
  // Skipped until the coordinator commits the collected grid (npm run study:collect writes it).
  it.skipIf(!committed)(`is what npm run study:report renders from ${RESULTS_DIR}/study.json (skipped while that file is not committed)`, async () => {
    const stale = staleOutputs(await reportOutputs());
    expect(stale.map((o) => o.path), 'stale: run npm run study:report').toEqual([]);
  });
});

describe('staleOutputs', () => {
  it('names outputs whose file is missing or holds other bytes', () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-study-report-'));
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a/same.txt'), 'x');
    writeFileSync(join(root, 'a/other.txt'), 'x');
    const outputs = ['same', 'other', 'missing'].map((n) => ({ path: `a/${n}.txt`, bytes: Buffer.from(n === 'other' ? 'y' : 'x') }));
    expect(staleOutputs(outputs, root).map((o) => o.path)).toEqual(['a/other.txt', 'a/missing.txt']);
  });
});

describe('PNG figures', () => {
  it('render to the same bytes every time, as PNG', async () => {
    const spec = accuracyFigure(syntheticStudy())!.spec;
    const [a, b] = [await renderPng(spec), await renderPng(spec)];
    expect(a.subarray(1, 4).toString()).toBe('PNG');
    expect(a.equals(b)).toBe(true);
  });
});
