/**
 * Opens a generated report in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH,
 * driven by playwright-core) and checks that every figure renders: an SVG with visible marks, and
 * no console errors. Where Chromium is absent this skips with a message, except under CI=true,
 * where it fails.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../examples/vit/report/html.js';
import { loadReferenceStudy } from '../../examples/vit/report/reference.js';
import type { ReportRun } from '../../examples/vit/report/types.js';
import { REFERENCE_DIR, fixture, needReference } from '../examples/helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fixture('Chromium (the real-browser test)', [CHROMIUM], 'apt-get install chromium, or set CHROMIUM_PATH');
const HAVE_REFERENCE = needReference();

function run(variant: string, peakLr: number, seed: number, testAcc: number): ReportRun {
  return {
    id: `${variant}-${peakLr}-${seed}`, variant, label: variant, peakLr, seed, testAcc, bestValAcc: testAcc, bestEpoch: 3, updates: 40, wallMs: 2000,
    epochs: [0, 1, 2, 3].map((epoch) => ({ epoch, trainLoss: 2.2 - 0.3 * epoch * testAcc, trainAcc: 0.2 + 0.05 * epoch, valLoss: null, valAcc: 0.2 + 0.06 * epoch })),
    trajectory: Array.from({ length: 40 }, (_, step) => ({ step, epoch: step / 10, values: { lr: peakLr * (1 - step / 50), beta1: 0.9 - step / 1000, weightDecay: 1e-4, batchSize: 64 } })),
  };
}

describe.skipIf(!HAVE_CHROMIUM)('the HTML report in headless Chromium', () => {
  it('shows every figure with marks and logs no errors', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'hs-chromium-'));
    const runs = ['constant', 'one-cycle', 'batch-growth'].flatMap((v, i) => [1e-3, 1e-2].flatMap((lr) => [0, 1].map((s) => run(v, lr, s, 0.4 + 0.05 * i + s / 100))));
    const { html, figures } = await writeReport({
      title: 'Browser check', runs, reference: HAVE_REFERENCE ? loadReferenceStudy(REFERENCE_DIR) : null,
    }, dir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      const response = await page.goto(pathToFileURL(html).href);
      expect(response?.ok() ?? true).toBe(true);
      const rendered = await page.evaluate(() =>
        Array.from(document.querySelectorAll('figure')).map((fig) => {
          const svg = fig.querySelector('.figure-svg svg') as SVGSVGElement | null;
          const marks = svg ? Array.from(svg.querySelectorAll('.role-mark')) : [];
          const items = marks.flatMap((g) => Array.from(g.querySelectorAll('path, rect, line')));
          const visible = items.filter((el) => {
            const box = (el as SVGGraphicsElement).getBoundingClientRect();
            return box.width > 0 || box.height > 0;
          });
          const box = svg?.getBoundingClientRect();
          return { id: fig.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.length, visible: visible.length };
        }),
      );
      expect(rendered.map((f) => f.id)).toEqual(figures.map((f) => `fig-${f.split('/').pop()!.replace(/\.svg$/, '')}`));
      expect(rendered.length).toBeGreaterThanOrEqual(HAVE_REFERENCE ? 8 : 4);
      for (const f of rendered) {
        expect(f.width, f.id).toBeGreaterThan(200);
        expect(f.height, f.id).toBeGreaterThan(100);
        expect(f.marks, f.id).toBeGreaterThan(0);
        expect(f.visible, f.id).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
