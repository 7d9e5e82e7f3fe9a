import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/scheduled-regularization.js';

describe('examples/scheduled-regularization.ts --quick', () => {
  it('the loop reads the scheduled dropout rate at every update, on the clock of samples seen', async () => {
    const lines: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const r = await main(['--quick'], (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(tensorsBefore); // every tensor disposed
    expect(lines[0]).toMatch(/^backend: /);
    const [none, fixed, curriculum] = r.runs;
    const { epochs, batch } = r.config;
    const perEpoch = Math.ceil(600 / batch); // quick mode: 600 training images
    for (const run of r.runs) expect(run.rates).toHaveLength(epochs * perEpoch);
    expect(new Set(none!.rates)).toEqual(new Set([0]));
    expect(new Set(fixed!.rates)).toEqual(new Set([0.5]));
    // Curriculum: 0 -> 0.5 linearly over the first half of the run, in epochs = samples seen / 600.
    curriculum!.rates.forEach((rate, k) => {
      const epoch = (k * batch) / 600;
      expect(rate).toBeCloseTo(0.5 * Math.min(1, epoch / (epochs / 2)), 10);
    });
    // Dropout regularises: without it the network fits its training slice better.
    expect(none!.trainAccuracy).toBeGreaterThan(fixed!.trainAccuracy);
    for (const run of r.runs) expect(run.testAccuracy).toBeGreaterThan(0.15);
    expect(curriculum!.schedule).toMatchObject({ type: 'linear', init: 0, end: 0.5 });
    const printed = lines.join('\n');
    for (const run of r.runs) expect(printed).toContain(run.name);
  });
});
