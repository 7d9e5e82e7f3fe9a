import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/batch-size-existing-loop.js';

describe('examples/batch-size-existing-loop.ts --quick', () => {
  it('the scheduled loop grows the batch as the step decay would shrink the LR, takes fewer updates, and still learns', async () => {
    const lines: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const r = await main(['--quick'], (l) => lines.push(l));
    // Everything is disposed but tfjs's own leak: MomentumOptimizer.dispose (4.22) never frees its lr scalar.
    expect(tf.memory().numTensors - tensorsBefore).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^backend: (wasm|cpu|tensorflow) /);
    expect(lines[1]).toMatch(/^data: /);
    const { epochs, batch, gamma, decayEvery } = r.config;
    const n = 2000; // quick mode's training slice
    // Plain loop: fixed batch size every epoch.
    expect(r.plain.batchSizes).toEqual([[batch, epochs * Math.ceil(n / batch)]]);
    // Scheduled loop (Smith et al.): B_e = baseBatch / gamma^floor(e / decayEvery), capped at N/10.
    const expected = new Map<number, number>();
    for (let e = 0; e < epochs; e++) {
      const b = Math.min(n / 10, Math.round(batch / gamma ** Math.floor(e / decayEvery)));
      expected.set(b, (expected.get(b) ?? 0) + Math.floor(n / b));
      if (n % b) expected.set(n % b, (expected.get(n % b) ?? 0) + 1);
    }
    expect(r.scheduled.batchSizes).toEqual([...expected]);
    expect(r.scheduled.updates).toBeLessThan(r.plain.updates / 2);
    for (const run of [r.plain, r.scheduled]) expect(run.testAccuracy).toBeGreaterThan(0.25); // 10 classes: chance is 0.1
    expect(Math.abs(r.plain.testAccuracy - r.scheduled.testAccuracy)).toBeLessThan(0.1);
    const printed = lines.join('\n');
    expect(printed).toContain(`plain (LR step decay)    ${r.plain.updates}`);
    expect(printed).toContain(`scheduled (batch grows)  ${r.scheduled.updates}`);
  });

  it("the README's diff block is the real difference between trainPlain and trainScheduled", () => {
    const source = readFileSync(new URL('../../examples/batch-size-existing-loop.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const body = (name: string): string[] => {
      const start = source.indexOf(`export function ${name}(`);
      const end = source.indexOf('\n}\n', start);
      expect(start).toBeGreaterThan(0);
      return source.slice(start, end + 2).split('\n');
    };
    const plain = body('trainPlain');
    const scheduled = body('trainScheduled');
    const section = readme.slice(readme.indexOf('<!-- section:batch-size-story -->'), readme.indexOf('<!-- /section:batch-size-story -->'));
    const block = /```diff\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const diff = block![1]!.trimEnd().split('\n');
    const removed = diff.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    const added = diff.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    const context = diff.filter((l) => l.startsWith(' ')).map((l) => l.slice(1));
    // Every line of the block is where the block says it is...
    for (const l of context) expect(plain.includes(l) && scheduled.includes(l), l).toBe(true);
    // ...and the removed/added lines are exactly the lines one function has and the other has not.
    expect(removed).toEqual(plain.filter((l) => !scheduled.includes(l)));
    expect(added).toEqual(scheduled.filter((l) => !plain.includes(l)));
  });
});
