import { describe, expect, test } from 'vitest';
import { TrainingSignals, nonFiniteFields, splitFinite, type NonFiniteReport } from '../../src/signals/index.js';
import { TrainingClock } from '../../src/clock/index.js';

const clock = new TrainingClock().snapshot();

describe('TrainingSignals', () => {
  test('a statistic is wanted only while someone observes it', () => {
    const signals = new TrainingSignals();
    expect(signals.demand().size).toBe(0);
    const sub = signals.gradNorms$.subscribe(() => undefined);
    expect(signals.wants('gradNorms')).toBe(true);
    expect(signals.wants('gradNorm')).toBe(false);
    sub.unsubscribe();
    expect(signals.wants('gradNorms')).toBe(false);
    const a = signals.updates(['paramDeltaNorm', 'loss']).subscribe(() => undefined);
    const b = signals.updates(['paramDeltaNorm']).subscribe(() => undefined);
    expect([...signals.demand()].sort()).toEqual(['loss', 'paramDeltaNorm']);
    a.unsubscribe();
    expect([...signals.demand()]).toEqual(['paramDeltaNorm']);
    b.unsubscribe();
    expect(signals.demand().size).toBe(0);
    expect(() => signals.updates(['nope' as never])).toThrow(/updates.kinds/);
  });

  test('statistics fire before updateApplied$, and non-finite values are dropped and reported', () => {
    const signals = new TrainingSignals();
    const order: string[] = [];
    const reports: NonFiniteReport[] = [];
    signals.loss$.subscribe((s) => order.push(`loss ${s.value}`));
    signals.gradNorm$.subscribe((s) => order.push(`gradNorm ${s.value}`));
    signals.gradNorms$.subscribe((s) => order.push(`gradNorms ${JSON.stringify(s.values)}`));
    signals.updateApplied$.subscribe((u) => order.push(`update ${u.gradNorm} ${u.loss}`));
    signals.nonFinite$.subscribe((r) => reports.push(r));
    signals.publishUpdate({ clock, batchSize: 4, loss: Number.NaN, gradNorm: 2, gradNorms: { a: 1, b: Number.POSITIVE_INFINITY } });
    expect(order).toEqual(['gradNorm 2', 'gradNorms {"a":1}', 'update 2 undefined']);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.action).toBe('dropped');
    expect(reports[0]!.values).toEqual({ loss: Number.NaN, 'gradNorms.b': Number.POSITIVE_INFINITY });
  });

  test('metric() picks one metric from epoch and eval scopes', () => {
    const signals = new TrainingSignals();
    const seen: number[] = [];
    signals.metric('val_loss').subscribe((m) => seen.push(m.value));
    signals.publishMetrics('batch', { val_loss: 9 }, clock);
    signals.publishMetrics('epoch', { loss: 1, val_loss: 0.5 }, clock);
    signals.publishMetrics('eval', { val_loss: Number.NaN }, clock);
    signals.publishMetrics('eval', { val_loss: 0.4 }, clock);
    expect(seen).toEqual([0.5, 0.4]);
  });

  test('complete() completes every stream', () => {
    const signals = new TrainingSignals();
    let done = 0;
    signals.updateApplied$.subscribe({ complete: () => (done += 1) });
    signals.nonFinite$.subscribe({ complete: () => (done += 1) });
    signals.complete();
    expect(done).toBe(2);
  });
});

describe('finite helpers', () => {
  test('nonFiniteFields finds NaN/Inf by path, ignores class instances', () => {
    expect(nonFiniteFields({ a: 1, b: { c: Number.NaN, d: [1, Number.NEGATIVE_INFINITY] } })).toEqual({ 'b.c': Number.NaN, 'b.d.1': Number.NEGATIVE_INFINITY });
    expect(nonFiniteFields(Number.NaN)).toEqual({ value: Number.NaN });
    expect(nonFiniteFields({ t: new (class { x = Number.NaN })() })).toEqual({});
    expect(nonFiniteFields({ clock, value: 3 })).toEqual({});
  });

  test('splitFinite separates entries', () => {
    expect(splitFinite({ a: 1, b: Number.NaN })).toEqual({ finite: { a: 1 }, bad: { b: Number.NaN } });
  });
});
