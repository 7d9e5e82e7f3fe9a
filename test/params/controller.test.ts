import { from } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { defineController, runController } from '../../src/controllers/index.js';
import { TrainingClock } from '../../src/clock/index.js';
import { param } from '../../src/params/index.js';
import { TrainingSignals } from '../../src/signals/index.js';
import { halving } from './fixtures.js';

describe('controller contract', () => {
  test('runController folds finite inputs and reports the others', () => {
    const mean = defineController({
      name: 'mean',
      initialState: { n: 0, sum: 0 },
      input: () => from([] as { x: number }[]),
      step: (s: { n: number; sum: number }, i: { x: number }) => ({ n: s.n + 1, sum: s.sum + i.x }),
      value: (s: { n: number; sum: number }) => (s.n === 0 ? 0 : s.sum / s.n),
    });
    const values: number[] = [];
    const invalid: Record<string, number>[] = [];
    from([{ x: 1 }, { x: Number.NaN }, { x: 3 }])
      .pipe(runController(mean, { onInvalid: (f) => invalid.push(f) }))
      .subscribe((o) => values.push(o.value));
    expect(values).toEqual([1, 2]);
    expect(invalid).toEqual([{ x: Number.NaN }]);
    expect(() => defineController({ ...mean, step: undefined as never })).toThrow(/controller.step/);
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
