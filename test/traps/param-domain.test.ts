/**
 * Trap 4 of issue 9: a schedule that leaves its parameter's domain (a cosine to `min: 0` under
 * `'positive'`) used to be refused silently at the end of training, the last value held, with
 * the refusals on a `rejected$` nobody watched. Now the schedule is checked over its whole run
 * when the parameter is built, and a refusal at run time is warned about once.
 */
import { Subject, map } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TrainingClock } from '../../src/clock/index.js';
import type { Controller } from '../../src/controllers/controller.js';
import { HyperscheduleError } from '../../src/errors.js';
import { param } from '../../src/params/parameter.js';
import { constant } from '../../src/schedules/families/constant.js';
import { cosine } from '../../src/schedules/families/cosine.js';
import { warmup } from '../../src/schedules/combinators/warmup.js';
import type { Schedule } from '../../src/schedules/schedule.js';
import { TrainingSignals } from '../../src/signals/hub.js';
import type { RejectionReport } from '../../src/signals/types.js';

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A hand-made schedule, so these tests do not depend on any family's `end`. */
function linearTo(from: number, to: number, end: number | undefined): Schedule {
  return {
    type: 'ramp',
    unit: 'step',
    ...(end === undefined ? {} : { end }),
    at: (t) => from + ((to - from) * Math.min(t, end ?? 100)) / (end ?? 100),
    toJSON: () => ({ type: 'ramp' }),
  };
}

describe('a schedule leaving the domain is refused at construction', () => {
  it('cosine to min 0 under positive throws, naming the parameter, the time, the value and the fix', () => {
    const build = () => param('lr', { schedule: cosine({ init: 0.1, duration: 1000 }) }, { domain: 'positive' });
    expect(build).toThrow(HyperscheduleError);
    expect(build).toThrow(/^lr: got 0, expected a number > 0 \(domain 'positive'\) over the whole schedule, but cosine is outside it at step 1000; .*min.* or use domain 'nonNegative'$/);
  });

  it('any schedule with a known end is sampled over [0, end], not only at its endpoints', () => {
    const dip: Schedule = { type: 'dip', unit: 'epoch', end: 10, at: (t) => (t > 4 && t < 6 ? -1 : 1), toJSON: () => ({ type: 'dip' }) };
    expect(() => param('wd', { schedule: dip }, { domain: 'nonNegative' })).toThrow(/^wd: got -1, .*dip is outside it at epoch 4\.\d+/);
    expect(() => param('lr', { schedule: linearTo(0.1, 0, 50) }, { domain: 'positive' })).toThrow(/ramp is outside it at step 50/);
  });

  it('a progress schedule is checked over [0, 1] even without an end', () => {
    const s: Schedule = { type: 'p', unit: 'progress', at: (p) => 1 - p, toJSON: () => ({ type: 'p' }) };
    expect(() => param('lr', { schedule: s }, { domain: 'positive' })).toThrow(/p is outside it at progress 1;/);
  });

  it("a warmup from 0 under positive says what to do instead of 'initial value'; the default warmup fits", () => {
    expect(() => param('lr', { schedule: warmup(constant({ value: 0.1 }), { duration: 10, from: 0 }) }, { domain: 'positive' })).toThrow(
      /^lr: got 0, .*warmup is outside it at step 0; .*from.* or use domain 'nonNegative'$/,
    );
    expect(param('lr', { schedule: warmup(cosine({ init: 0.1, min: 1e-5, duration: 90 }), { duration: 10 }) }, { domain: 'positive' }).value).toBeGreaterThan(0);
  });

  it('schedules that stay inside are accepted, and nonNegative admits a decay to 0', () => {
    expect(param('lr', { schedule: cosine({ init: 0.1, min: 1e-5, duration: 1000 }) }, { domain: 'positive' }).value).toBe(0.1);
    expect(param('wd', { schedule: cosine({ init: 0.05, duration: 1000 }) }, { domain: 'nonNegative' }).value).toBe(0.05);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('a refusal at run time is not silent', () => {
  it('a schedule without a known end that leaves the domain warns once, naming the parameter and the fix; rejected$ still has every refusal', () => {
    const lr = param('lr', { schedule: linearTo(0.1, -0.1, undefined) }, { domain: 'positive' });
    const rejected: RejectionReport[] = [];
    lr.rejected$.subscribe((r) => rejected.push(r));
    const clock = new TrainingClock();
    for (let i = 0; i < 80; i++) {
      clock.advance(1);
      lr.sync(clock);
    }
    expect(lr.value).toBeGreaterThan(0); // the last good value is held
    expect(rejected.length).toBe(80 - 49);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toMatch(/parameter "lr" refused 0 from its schedule at step 50 \(expected a number > 0\)/);
    expect(message).toMatch(/wider domain/);
  });

  it('a controller value outside the domain warns once too (and its state is not committed)', () => {
    const input = new Subject<number>();
    const down: Controller<number, number> = { name: 'down', initialState: 1, input: () => input.pipe(map((x) => x)), step: (s, x) => s - x, value: (s) => s };
    const factor = param('factor', { controller: down }, { domain: 'positive' });
    factor.bind({ signals: new TrainingSignals(), now: () => new TrainingClock().snapshot() });
    input.next(2);
    input.next(3);
    expect(factor.value).toBe(1);
    expect(factor.controllerStateValue).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/parameter "factor" refused -1 from its controller .*down state was not committed/);
  });
});

describe('set() tells its caller directly', () => {
  it('a refused set returns false and is reported, without a console warning', () => {
    const momentum = param('momentum', { initial: 0.9 }, { domain: 'unitInterval' });
    const rejected: RejectionReport[] = [];
    momentum.rejected$.subscribe((r) => rejected.push(r));
    expect(momentum.set(1.2)).toBe(false);
    expect(momentum.value).toBe(0.9);
    expect(rejected.map((r) => r.origin)).toEqual(['set']);
    expect(warn).not.toHaveBeenCalled();
  });
});
