import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { main, meanStd } from '../../examples/swd-comparison.js';

describe('examples/swd-comparison.ts --quick', () => {
  it('meanStd is the mean and the sample standard deviation', () => {
    const m = meanStd([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([7])).toEqual({ mean: 7, std: 0 });
  });

  it('trains AdamS and AdamW (wd = lambda / lr) per seed and reports mean ± std of gradient norm and test accuracy', async () => {
    const lines: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const r = await main(['--quick', '--seeds', '2', '--lambda', '1e-3'], (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(tensorsBefore); // every tensor disposed
    expect(lines[0]).toMatch(/^backend: /);
    expect(r.config.lambda).toBe(1e-3);
    expect(r.runs.map((x) => `${x.optimizer}:${x.seed}`)).toEqual(['AdamS:0', 'AdamW:0', 'AdamS:1', 'AdamW:1']);
    for (const run of r.runs) {
      expect(run.gradNorm).toBeGreaterThan(0);
      expect(Number.isFinite(run.gradNorm)).toBe(true);
      expect(run.testAccuracy).toBeGreaterThan(0.15);
    }
    // Same seed, same batches: only the decay differs, and it shows.
    expect(r.runs[0]!.trainLoss).not.toBe(r.runs[1]!.trainLoss);
    for (const k of ['AdamS', 'AdamW'] as const) {
      const acc = r.runs.filter((x) => x.optimizer === k).map((x) => x.testAccuracy);
      expect(r.summary[k].testAccuracy.mean).toBeCloseTo((acc[0]! + acc[1]!) / 2, 12);
      expect(r.summary[k].testAccuracy.std).toBeCloseTo(Math.abs(acc[0]! - acc[1]!) / Math.SQRT2, 12);
    }
    expect(lines.join('\n')).toMatch(/AdamW \(wd 0\.3333\)/); // lambda / lr = 1e-3 / 3e-3
  });

  it('rejects a bad flag value', async () => {
    await expect(main(['--quick', '--seeds', '0'], () => {})).rejects.toThrow(/--seeds/);
  });
});
