import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/adaptive-momentum.js';

describe('examples/adaptive-momentum.ts --quick', () => {
  it('the adaptive run changes its momentum over time within [0, 1 - delta]; the fixed run keeps it; both are reported', async () => {
    const lines: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const r = await main(['--quick'], (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(tensorsBefore); // every tensor disposed
    expect(lines[0]).toMatch(/^backend: /);
    const runs = [...r.fullBatch, r.minibatch];
    for (const run of runs) {
      expect(run.momentum.length).toBeGreaterThan(0);
      if (!run.adaptive) {
        expect(new Set(run.momentum)).toEqual(new Set([0.9]));
        continue;
      }
      // Until the first estimate (two updates are needed for g_k - g_{k-1}) the optimizer's own 0.9 is used.
      expect(run.momentum[0]).toBe(0.9);
      for (const b of run.momentum) {
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(1 - r.delta);
      }
      expect(new Set(run.momentum.slice(2)).size).toBeGreaterThan(run.momentum.length / 2); // a new value nearly every update
      expect(run.momentum.slice(2).every((b) => b !== 0.9)).toBe(true);
    }
    // Full batch: the adaptive run trains (its loss falls below the initial loss and stays finite).
    for (const run of r.fullBatch.filter((x) => x.adaptive)) {
      for (const loss of run.losses) expect(Number.isFinite(loss)).toBe(true);
      expect(run.losses.at(-1)!).toBeLessThan(r.initialLoss);
    }
    expect(lines.some((l) => l.startsWith('minibatch '))).toBe(true);
    expect(lines.join('\n')).toMatch(/adaptive .*\d\.\d\d \/ \d\.\d\d \/ \d\.\d\d/);
  });
});
