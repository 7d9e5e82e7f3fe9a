import { from } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { defineController } from '../../src/controllers/controller.js';
import { ControllerRunner } from '../../src/controllers/runner.js';
import { TrainingClock } from '../../src/clock/index.js';
import { param } from '../../src/params/index.js';
import { TrainingSignals } from '../../src/signals/index.js';
import { halving } from './fixtures.js';

describe('controller contract', () => {
  test('ControllerRunner folds finite inputs, skips the others, and commits only accepted values', () => {
    const mean = defineController({
      name: 'mean',
      initialState: { n: 0, sum: 0 },
      input: () => from([] as { x: number }[]),
      step: (s: { n: number; sum: number }, i: { x: number }) => ({ n: s.n + 1, sum: s.sum + i.x }),
      value: (s: { n: number; sum: number }) => (s.n === 0 ? 0 : s.sum / s.n),
    });
    const runner = new ControllerRunner(mean);
    expect([{ x: 1 }, { x: Number.NaN }, { x: 3 }].map((i) => runner.feed(i))).toEqual([
      { outcome: 'accepted', value: 1 },
      { outcome: 'invalid', fields: { x: Number.NaN } },
      { outcome: 'accepted', value: 2 },
    ]);
    expect(runner.feed({ x: 98 }, (v) => v < 10)).toEqual({ outcome: 'refused', value: 34 });
    expect(runner.state).toEqual({ n: 2, sum: 4 });
    expect(() => defineController({ ...mean, step: undefined as never })).toThrow(/controller.step/);
    expect(() => defineController({ ...mean, valueFor: 1 as never })).toThrow(/controller.valueFor/);
  });

  test('a metric controller bound through a hub reacts to epoch metrics only', () => {
    const factor = param('factor', { controller: halving(1) }, { domain: 'positive' });
    const signals = new TrainingSignals();
    const clock = new TrainingClock();
    factor.bind({ signals, now: () => clock.snapshot() });
    const losses = [1, 0.9, 0.95, 0.95, 0.8, 0.85, 0.85];
    const values = losses.map((l) => {
      signals.publishMetrics('epoch', { val_loss: l }, clock.snapshot());
      signals.publishMetrics('batch', { val_loss: 100 }, clock.snapshot());
      return factor.value;
    });
    expect(values).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
  });
});
