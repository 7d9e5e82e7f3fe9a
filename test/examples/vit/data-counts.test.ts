/**
 * The images a run actually uses (after the seeded subset and the train/val split), as printed
 * under the dataset line: the quick comparison said "8000 train" while it trained on 2,700 and
 * validated on 300.
 */
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../examples/vit/config.js';
import { loadRunData } from '../../../examples/vit/data.js';
import { dataCounts, dataUsedLine } from '../../../examples/vit/data-counts.js';

const config = (extra: Record<string, unknown> = {}) => parseRunConfig({ dataset: 'mnist', variant: 'constant', peakLr: 1e-3, ...extra });

describe('dataCounts', () => {
  it('npm run example\'s defaults on the 8000 bundled digits: 2700 train / 300 val of a 3000-image sample, 2000 test', () => {
    const c = dataCounts(config({ trainSize: 3000, testSize: 2000 }), { train: 8000, test: 2000 });
    expect(c).toEqual({ available: { train: 8000, test: 2000 }, pool: 3000, train: 2700, val: 300, test: 2000 });
    expect(dataUsedLine(c, 0.1)).toBe('data used per run: 2700 train / 300 val (a seeded sample of 3000 of the 8000 training images, split 90/10), 2000 test');
  });

  it('without a size, or a size above what there is: every image', () => {
    const all = dataCounts(config(), { train: 8000, test: 2000 });
    expect(all).toMatchObject({ pool: 8000, train: 7200, val: 800, test: 2000 });
    expect(dataUsedLine(all, 0.1)).toBe('data used per run: 7200 train / 800 val (all 8000 training images, split 90/10), 2000 test');
    expect(dataCounts(config({ trainSize: 50_000, testSize: 9000 }), { train: 8000, test: 2000 })).toMatchObject({ pool: 8000, test: 2000 });
    const few = dataCounts(config({ testSize: 300 }), { train: 8000, test: 2000 });
    expect(dataUsedLine(few, 0.1)).toMatch(/, 300 of the 2000 test images$/);
  });

  it('agrees with what loadRunData loads (the bundled digits)', async () => {
    for (const extra of [{ trainSize: 3000, testSize: 2000 }, { trainSize: 1001, testSize: 77, valFraction: 0.25 }]) {
      const cfg = config(extra);
      const data = await loadRunData(cfg);
      const all = await loadRunData(config({ valFraction: cfg.valFraction }));
      const c = dataCounts(cfg, { train: all.train.count + all.val.count, test: all.test.count });
      expect([c.train, c.val, c.test]).toEqual([data.train.count, data.val.count, data.test.count]);
    }
  });
});
