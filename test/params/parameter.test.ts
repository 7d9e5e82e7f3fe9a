import fc from 'fast-check';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { TrainingClock } from '../../src/clock/index.js';
import type { Controller } from '../../src/controllers/index.js';
import { HyperscheduleError } from '../../src/errors.js';
import { combine, param, positiveInteger } from '../../src/params/index.js';
import { TrainingSignals, type NonFiniteReport, type RejectionReport } from '../../src/signals/index.js';
import { fnSchedule, inverse, summing } from './fixtures.js';

// Refusals are warned about once per parameter (test/traps/param-domain.test.ts checks the text).
beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('schedule-driven parameters', () => {
  test('value follows the schedule at each synced clock time; history holds the change points', () => {
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const clock = new TrainingClock();
    expect(lr.value).toBe(0.1);
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      lr.sync(clock);
      lr.sync(clock); // idempotent
    }
    expect(lr.value).toBeCloseTo(0.1 / 4, 15);
    expect(lr.history.map((p) => p.step)).toEqual([0, 1, 2, 3]);
    expect(lr.history.map((p) => p.value)).toEqual([0, 1, 2, 3].map((t) => 0.1 / (1 + t)));
  });

  test('epoch-unit schedules read fractional epochs from the clock', () => {
    const lr = param('lr', { schedule: fnSchedule('lin', 'epoch', (e) => 1 - e / 10) });
    const clock = new TrainingClock({ samplesPerEpoch: 100 });
    clock.advance(25);
    lr.sync(clock);
    expect(lr.value).toBeCloseTo(0.975, 12);
  });

  test('value$ emits the current value then each change', () => {
    const p = param('m', { initial: 0.9 }, { domain: 'unitInterval' });
    const seen: number[] = [];
    p.value$.subscribe((v) => seen.push(v));
    p.set(0.8);
    p.set(0.8);
    p.set(2); // refused
    expect(seen).toEqual([0.9, 0.8]);
  });
});

describe('validation', () => {
  test('property: the value is always the last candidate the domain accepted; refusals are reported', () => {
    const candidate = fc.oneof(
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1),
    );
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 40 }), (candidates) => {
        const p = param('beta', { initial: 0.5 }, { domain: 'unitInterval' });
        const rejected: RejectionReport[] = [];
        p.rejected$.subscribe((r) => rejected.push(r));
        let expected = 0.5;
        let refusals = 0;
        for (const c of candidates) {
          const ok = p.set(c);
          const valid = Number.isFinite(c) && c >= 0 && c < 1;
          expect(ok).toBe(valid);
          if (valid) expected = c === 0 ? 0 : c; // -0 is stored as 0
          else refusals += 1;
          expect(p.value).toBe(expected);
        }
        expect(rejected).toHaveLength(refusals);
        for (const r of rejected) expect(r.kept).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  test('a NaN from a schedule keeps the last good value', () => {
    const p = param('lr', { schedule: fnSchedule('bad', 'step', (t) => (t === 2 ? Number.NaN : 1 / (t + 1))) }, { domain: 'positive' });
    const rejected: RejectionReport[] = [];
    p.rejected$.subscribe((r) => rejected.push(r));
    const clock = new TrainingClock();
    clock.advance(1);
    p.sync(clock);
    clock.advance(1);
    p.sync(clock);
    expect(p.value).toBe(0.5);
    expect(rejected).toEqual([{ param: 'lr', candidate: Number.NaN, reason: 'non-finite candidate NaN', kept: 0.5, step: 2, origin: 'schedule' }]);
  });

  test('batch sizes are rounded and capped by positiveInteger', () => {
    const bs = param('batchSize', { schedule: fnSchedule('grow', 'epoch', (e) => 32 * 3 ** e) }, { domain: positiveInteger({ max: 512 }) });
    const clock = new TrainingClock({ samplesPerEpoch: 10 });
    const values: number[] = [];
    for (let i = 0; i < 4; i++) {
      bs.sync(clock);
      values.push(bs.value);
      clock.advance(5); // half an epoch
    }
    expect(values).toEqual([32, Math.round(32 * Math.sqrt(3)), 96, Math.round(96 * Math.sqrt(3))]);
    clock.advance(50);
    bs.sync(clock);
    expect(bs.value).toBe(512);
  });

  test('bad configuration throws HyperscheduleError naming the field', () => {
    expect(() => param('lr', { initial: 0 }, { domain: 'positive' })).toThrow(/lr \(initial value\): got 0, expected a number > 0/);
    expect(() => param('lr', { initial: 1 }, { domain: 'nope' as never })).toThrow(/lr.domain/);
    expect(() => param('', { initial: 1 })).toThrow(HyperscheduleError);
    expect(() => param('x', {} as never)).toThrow(/x.driver/);
    expect(() => param('x', { initial: 1, schedule: inverse() } as never)).toThrow(/exactly one/);
    expect(() => param('x', { schedule: inverse() }).set(1)).toThrow(/x.set/);
    // A schedule is checked like every other one (at, unit and toJSON), naming the parameter.
    expect(() => param('x', { schedule: { at: () => 1 } } as never)).toThrow(/^x.schedule: got .*, expected a Schedule/);
    expect(() => param('x', { schedule: { ...inverse(), unit: 'hour' } } as never)).toThrow(/^x.schedule: /);
    expect(() => positiveInteger({ max: 0 })).toThrow(/positiveInteger.max/);
  });
});

describe('controller-driven parameters', () => {
  test('a bound controller moves the value; NaN input is skipped and reported', () => {
    const { controller, input } = summing();
    const p = param('k', { controller }, { domain: 'positive' });
    const signals = new TrainingSignals();
    const clock = new TrainingClock();
    const reports: NonFiniteReport[] = [];
    signals.nonFinite$.subscribe((r) => reports.push(r));
    input.next(5); // not bound yet: ignored
    expect(p.value).toBe(1);
    const unbind = p.bind({ signals, now: () => clock.snapshot() });
    clock.advance(1);
    input.next(2);
    expect(p.value).toBe(3);
    input.next(Number.NaN);
    expect(p.value).toBe(3);
    expect(reports.map((r) => [r.source, r.action])).toEqual([['controller:k', 'kept-value']]);
    expect(p.state()).toEqual({ value: 3, step: 1, history: [{ step: 0, value: 1 }, { step: 1, value: 3 }], controller: { sum: 3 } });
    unbind();
    input.next(1);
    expect(p.value).toBe(3);
  });

  test('a refused controller value does not commit the controller state', () => {
    const { controller, input } = summing();
    const p = param('k', { controller }, { domain: 'positive' });
    p.bind({ signals: new TrainingSignals(), now: () => new TrainingClock().snapshot() });
    input.next(-5); // 1 - 5 = -4: refused
    expect(p.value).toBe(1);
    expect(p.controllerStateValue).toEqual({ sum: 1 });
    input.next(1);
    expect(p.value).toBe(2);
  });

  test('state/restore resumes the controller and history exactly', () => {
    const a = summing();
    const p = param('k', { controller: a.controller });
    p.bind({ signals: new TrainingSignals(), now: () => new TrainingClock().snapshot() });
    a.input.next(2);
    const saved = JSON.parse(JSON.stringify(p.state()));
    const b = summing();
    const q = param('k', { controller: b.controller });
    q.bind({ signals: new TrainingSignals(), now: () => new TrainingClock().snapshot() });
    q.restore(saved);
    a.input.next(4);
    b.input.next(4);
    expect(q.state()).toEqual(p.state());
    expect(() => q.restore({ ...saved, controller: { sum: 'x' } })).toThrow(/bad summing state/);
    expect(() => q.restore({ ...saved, value: Number.NaN })).toThrow(HyperscheduleError);
    expect(() => q.restore({ ...saved, history: 'x' })).toThrow(/k.history/);
  });
});

describe('the parameter core and its drivers', () => {
  test('kind, describe and step come from the driver and the clock', () => {
    const { controller } = summing();
    const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
    const k = param('k', { controller });
    expect([lr.kind, k.kind, param('m', { initial: 1 }).kind]).toEqual(['schedule', 'controller', 'manual']);
    expect(lr.describe()).toEqual({ name: 'lr', kind: 'schedule', domain: 'positive', value: 0.1, schedule: { type: 'inverse', unit: 'step' } });
    expect(k.describe()).toEqual({ name: 'k', kind: 'controller', domain: 'finite', value: 1, controller: 'summing' });
    expect([lr.schedule?.type, k.controller?.name, lr.controller, k.schedule]).toEqual(['inverse', 'summing', undefined, undefined]);
    const clock = new TrainingClock();
    clock.advance(1);
    clock.advance(1);
    lr.sync(clock);
    expect(lr.step).toBe(2);
    expect(lr.valueFor).toBeUndefined(); // no per-variable values: optimizers read one value
  });

  test('restore names the bad field and refuses unknown fields and out-of-domain values', () => {
    const p = param('lr', { initial: 0.1 }, { domain: 'positive' });
    const saved = p.state();
    expect(() => p.restore({ ...saved, step: -1 }, 'state.params.lr')).toThrow(/state.params.lr.step: got -1/);
    expect(() => p.restore({ ...saved, history: [{ step: 0.5, value: 1 }] })).toThrow(/lr.history\[0\].step/);
    expect(() => p.restore({ ...saved, extra: 1 } as never)).toThrow(/lr.extra: got 1, expected no such field/);
    expect(() => p.restore({ ...saved, value: 0 })).toThrow(/lr.value: got 0, expected a number > 0/);
    const { controller } = summing();
    expect(() => param('k', { controller }).restore(saved)).toThrow(/k.controller: got undefined, expected the state of controller summing/);
    expect(() => param('k', { controller }, { historyLimit: 0 })).toThrow(/k.historyLimit: got 0/);
  });
});

describe('combinations', () => {
  test('a schedule times a controller factor: both move the product; sources restore with it', () => {
    const f = summing(new Subject<number>());
    const base = param('lr.base', { schedule: inverse('step') });
    const factor = param('lr.factor', { controller: f.controller });
    const lr = base.times(factor, 'lr');
    const signals = new TrainingSignals();
    const clock = new TrainingClock();
    lr.bind({ signals, now: () => clock.snapshot() });
    expect(lr.value).toBeCloseTo(0.1, 15);
    clock.advance(1);
    lr.sync(clock);
    expect(lr.value).toBeCloseTo(0.05, 15);
    f.input.next(-0.5); // factor 1 -> 0.5
    expect(lr.value).toBeCloseTo(0.025, 15);
    expect(lr.history).toEqual([{ step: 0, value: 0.1 }, { step: 1, value: 0.025 }]); // same step: later value wins
    const saved = JSON.parse(JSON.stringify(lr.state()));
    const g = summing(new Subject<number>());
    const again = param('lr.base', { schedule: inverse('step') }).times(param('lr.factor', { controller: g.controller }), 'lr');
    again.restore(saved);
    expect(again.value).toBe(lr.value);
    expect(again.sources[1]!.controllerStateValue).toEqual({ sum: 0.5 });
  });

  test('combine applies any function and validates the result', () => {
    const a = param('a', { initial: 2 });
    const b = param('b', { initial: 3 });
    const diff = combine('diff', [a, b, 1], (x, y, z) => x - y + z, { domain: 'nonNegative' });
    expect(diff.value).toBe(0);
    const rejected: RejectionReport[] = [];
    diff.rejected$.subscribe((r) => rejected.push(r));
    b.set(10);
    expect(diff.value).toBe(0);
    expect(rejected[0]!.origin).toBe('combine');
    a.set(20);
    expect(diff.value).toBe(11);
    expect(diff.describe()).toEqual({
      name: 'diff', kind: 'combined', domain: 'nonNegative', value: 11,
      sources: [
        { name: 'a', kind: 'manual', domain: 'finite', value: 20 },
        { name: 'b', kind: 'manual', domain: 'finite', value: 10 },
        1,
      ],
    });
  });

  test('a combined state needs one state per source, and restores them without half-updated proposals', () => {
    const a = param('a', { initial: 1 });
    const prod = combine('p', [a, 3], (x, y) => x * y);
    a.set(2, 4);
    const saved = JSON.parse(JSON.stringify(prod.state()));
    expect(saved).toEqual({ value: 6, step: 4, history: [{ step: 0, value: 3 }, { step: 4, value: 6 }], sources: [{ value: 2, step: 4, history: [{ step: 0, value: 1 }, { step: 4, value: 2 }] }, null] });
    const b = param('a', { initial: 1 });
    const again = combine('p', [b, 3], (x, y) => x * y);
    again.restore(saved);
    expect([again.value, b.value, again.step]).toEqual([6, 2, 4]);
    expect(() => again.restore({ ...saved, sources: [] })).toThrow(/p.sources: got 0, expected 2 source states/);
    expect(() => again.restore({ ...saved, sources: [null, null] })).toThrow(/p.sources.0/);
  });

  test('historyLimit keeps the most recent points', () => {
    const p = param('x', { initial: 0 }, { historyLimit: 3 });
    for (let i = 1; i <= 5; i++) p.set(i, i);
    expect(p.history).toEqual([{ step: 3, value: 3 }, { step: 4, value: 4 }, { step: 5, value: 5 }]);
  });
});

describe('restore is validated whole before anything changes', () => {
  test('a combined state with a bad second source leaves the first source unchanged', () => {
    const a = param('a', { initial: 1 });
    const b = param('b', { initial: 2 }, { domain: 'positive' });
    const prod = combine('p', [a, b], (x, y) => x * y);
    const saved = JSON.parse(JSON.stringify(prod.state()));
    saved.sources[0].value = 5;
    saved.sources[1].value = -1;
    a.set(3, 1);
    const before = [prod.state(), a.state(), b.state()];
    expect(() => prod.restore(saved)).toThrow(/p\.sources\.1\.value: got -1, expected a number > 0/);
    expect([prod.state(), a.state(), b.state()]).toEqual(before);
  });

  test('a constant source takes null, not a state', () => {
    const a = param('a', { initial: 1 });
    const prod = combine('p', [a, 3], (x, y) => x * y);
    const saved = JSON.parse(JSON.stringify(prod.state()));
    expect(() => prod.restore({ ...saved, sources: [saved.sources[0], { value: 3, step: 0, history: [] }] })).toThrow(/p\.sources\.1: .*expected null \(source 1 is the constant 3\)/);
  });

  test('a controller state whose value is not a finite number is refused (controllers without parseState too)', () => {
    const raw: Controller<{ k: number }, number> = { name: 'raw', initialState: { k: 1 }, input: () => new Subject<number>(), step: (s) => s, value: (s) => 1 / s.k };
    const p = param('x', { controller: raw });
    const saved = p.state();
    expect(() => p.restore({ ...saved, controller: { k: 0 } })).toThrow(/x\.controller: got \{"k":0\}, expected a state whose value is finite, not Infinity/);
    expect(() => p.restore({ ...saved, controller: null })).toThrow(/x\.controller: got null, expected a state whose value is finite, not "TypeError: /);
    expect(p.controllerStateValue).toEqual({ k: 1 });
  });

  test('driver parts the driver does not have are refused', () => {
    const manual = param('m', { initial: 1 });
    expect(() => manual.restore({ ...manual.state(), controller: { sum: 1 } })).toThrow(/m\.controller: .*expected nothing \(m is manual-driven\)/);
    expect(() => manual.restore({ ...manual.state(), sources: [] })).toThrow(/m\.sources: .*expected nothing \(m is manual-driven\)/);
  });

  test('prepareRestore changes nothing until its restore runs', () => {
    const { controller } = summing();
    const p = param('k', { controller });
    const restore = p.prepareRestore({ value: 5, step: 3, history: [{ step: 3, value: 5 }], controller: { sum: 5 } });
    expect([p.value, p.step, p.controllerStateValue]).toEqual([1, 0, { sum: 1 }]);
    restore();
    expect([p.value, p.step, p.controllerStateValue]).toEqual([5, 3, { sum: 5 }]);
  });
});
