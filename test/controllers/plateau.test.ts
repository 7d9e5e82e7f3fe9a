import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { createSession } from '../../src/integrations/session.js';
import { param } from '../../src/params/parameter.js';
import { cosine } from '../../src/schedules/families/cosine.js';
import { reduceOnPlateau, type PlateauState, type ReduceOnPlateauOptions } from '../../src/controllers/plateau.js';
import { ControllerRunner } from '../../src/controllers/runner.js';

interface TorchCase {
  name: string;
  initialLr: number;
  options: { mode?: 'min' | 'max'; factor?: number; patience?: number; threshold?: number; threshold_mode?: 'rel' | 'abs'; cooldown?: number; min_lr?: number; eps?: number };
  metrics: number[];
  steps: { lr: number; best: number | null; numBadEpochs: number; cooldownCounter: number; lastEpoch: number }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-plateau.json', import.meta.url), 'utf8')) as { cases: TorchCase[] };

function toOptions(c: TorchCase): ReduceOnPlateauOptions {
  const o = c.options;
  return {
    initial: c.initialLr,
    ...(o.mode ? { mode: o.mode } : {}),
    ...(o.factor !== undefined ? { factor: o.factor } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    ...(o.threshold_mode ? { thresholdMode: o.threshold_mode } : {}),
    ...(o.cooldown !== undefined ? { cooldown: o.cooldown } : {}),
    ...(o.min_lr !== undefined ? { min: o.min_lr } : {}),
    ...(o.eps !== undefined ? { eps: o.eps } : {}),
  };
}

/** The state after each metric, the controller run exactly as a parameter runs it. */
function run(options: ReduceOnPlateauOptions, metrics: readonly number[], start?: unknown): PlateauState[] {
  const runner = new ControllerRunner(reduceOnPlateau(options), start);
  return metrics.map((m) => {
    runner.feed(m);
    return runner.state;
  });
}

describe('reduceOnPlateau matches torch 1.13 ReduceLROnPlateau', () => {
  it('fixture covers reductions in most cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
    const reducing = fixture.cases.filter((c) => c.steps.some((s) => s.lr !== c.initialLr));
    expect(reducing.length).toBeGreaterThanOrEqual(10);
  });
  for (const c of fixture.cases) {
    it(`${c.name}: value and state equal torch at every step`, () => {
      const states = run(toOptions(c), c.metrics);
      states.forEach((s, i) => {
        const ref = c.steps[i]!;
        expect({ step: i, ...s }).toEqual({ step: i, value: ref.lr, best: ref.best, numBadEpochs: ref.numBadEpochs, cooldownCounter: ref.cooldownCounter, lastEpoch: ref.lastEpoch });
      });
    });
  }
  it('as a factor (initial 1), lr × factor equals torch lr until the min_lr floor is hit', () => {
    const c = fixture.cases.find((x) => x.name === 'random-walk')!;
    const { min: _floor, ...options } = { ...toOptions(c), initial: 1 };
    const minLr = c.options.min_lr!;
    const factors = run(options, c.metrics).map((s) => s.value);
    const unfloored = c.steps.findIndex((s) => s.lr * c.options.factor! < minLr);
    expect(unfloored).toBeGreaterThan(20);
    for (let i = 0; i < unfloored; i++) expect(Math.abs(factors[i]! * c.initialLr - c.steps[i]!.lr)).toBeLessThan(1e-15);
  });
});

describe('plateau controller semantics', () => {
  it('patience counts bad metrics strictly: reduce on the (patience+1)-th', () => {
    const states = run({ patience: 2, factor: 0.5 }, [1, 1, 1, 1]);
    expect(states.map((s) => s.value)).toEqual([1, 1, 1, 0.5]);
  });

  it('NaN/Inf metrics leave the whole state unchanged and are reported', () => {
    const runner = new ControllerRunner(reduceOnPlateau({ patience: 0 }));
    runner.feed(1);
    runner.feed(0.5);
    const s = runner.state;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(runner.feed(bad)).toEqual({ outcome: 'invalid', fields: { value: bad } });
      expect(runner.state).toBe(s);
    }
    runner.feed(2); // a real bad metric with patience 0 reduces
    expect(runner.value).toBeCloseTo(0.1, 15);
  });

  it('property: interleaving NaN/Inf never changes the trajectory of valid metrics', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.constantFrom(Number.NaN, Infinity, -Infinity), { maxLength: 10 }),
        fc.integer({ min: 0, max: 3 }),
        (metrics, junk, patience) => {
          const clean = run({ patience, factor: 0.5, cooldown: 1 }, metrics);
          const mixed = [...metrics];
          junk.forEach((j, i) => mixed.splice((i * 7) % (mixed.length + 1), 0, j));
          const dirty = run({ patience, factor: 0.5, cooldown: 1 }, mixed);
          expect(dirty[dirty.length - 1]).toEqual(clean[clean.length - 1]);
        },
      ),
    );
  });

  it('property: the value never increases, never drops below min, and is never NaN', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { maxLength: 80 }),
        fc.record({ patience: fc.integer({ min: 0, max: 4 }), factor: fc.double({ min: 0.01, max: 0.99, noNaN: true }), min: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
        (metrics, opts) => {
          let prev = 1;
          for (const s of run(opts, metrics)) {
            expect(Number.isFinite(s.value)).toBe(true);
            expect(s.value).toBeLessThanOrEqual(prev);
            expect(s.value).toBeGreaterThanOrEqual(Math.min(1, opts.min));
            prev = s.value;
          }
        },
      ),
    );
  });

  it('property: checkpoint through JSON at any step and resume equals the uninterrupted run', () => {
    const c = fixture.cases.find((x) => x.name === 'cooldown')!;
    const options = toOptions(c);
    const full = run(options, c.metrics);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: c.metrics.length }), (cut) => {
        const head = run(options, c.metrics.slice(0, cut));
        const saved = JSON.stringify(head[head.length - 1] ?? reduceOnPlateau(options).initialState);
        const tail = run(options, c.metrics.slice(cut), JSON.parse(saved));
        expect([...head, ...tail]).toEqual(full);
      }),
    );
  });

  it('rejects bad options and bad states with HyperscheduleError', () => {
    expect(() => reduceOnPlateau({ factor: 1 })).toThrow(HyperscheduleError);
    expect(() => reduceOnPlateau({ factor: 1 })).toThrow(/reduceOnPlateau\.factor: got 1, expected a finite number > 0 and < 1/);
    expect(() => reduceOnPlateau({ patience: 1.5 })).toThrow(/reduceOnPlateau\.patience/);
    expect(() => reduceOnPlateau({ mode: 'avg' as 'min' })).toThrow(/reduceOnPlateau\.mode/);
    expect(() => reduceOnPlateau({ thresholdMode: 'x' as 'rel' })).toThrow(/thresholdMode/);
    expect(() => reduceOnPlateau({ min: Number.NaN })).toThrow(/reduceOnPlateau\.min/);
    expect(() => reduceOnPlateau({ metric: '' })).toThrow(/reduceOnPlateau\.metric/);
    expect(() => reduceOnPlateau({ patients: 3 } as never)).toThrow(/reduceOnPlateau\.patients: got 3, expected no such field/);
    const init = reduceOnPlateau().initialState;
    expect(() => new ControllerRunner(reduceOnPlateau(), { ...init, best: 'x' })).toThrow(/reduceOnPlateau\.state\.best/);
    expect(() => new ControllerRunner(reduceOnPlateau(), { ...init, numBadEpochs: -1 }, 'lr.controller')).toThrow(/lr\.controller\.numBadEpochs/);
  });
});

describe('reduceOnPlateau with parameters and a session', () => {
  it('cosine × plateau: the factor follows val_loss, the schedule keeps running, NaN metrics are reported and ignored, state resumes', () => {
    const build = () => {
      const base = param('lrBase', { schedule: cosine({ init: 0.1, min: 1e-4, duration: 20, unit: 'epoch' }) }, { domain: 'positive' });
      const factor = param('plateau', { controller: reduceOnPlateau({ patience: 1, factor: 0.5 }) }, { domain: 'positive' });
      const lr = base.times(factor, 'lr');
      const session = createSession({ params: [lr], run: { samplesPerEpoch: 10 }, batchSize: 10 });
      return { session, lr, factor, base };
    };
    const losses = [1, 0.8, 0.8, 0.8, Number.NaN, 0.8, 0.7, 0.7, 0.7];
    const a = build();
    const reports: string[] = [];
    a.session.signals.nonFinite$.subscribe((r) => reports.push(`${r.source}:${Object.keys(r.values).join()}`));
    const seen: { factor: number; lr: number }[] = [];
    for (const loss of losses) {
      a.session.completeUpdate();
      a.session.endEpoch({ val_loss: loss });
      seen.push({ factor: a.factor.value, lr: a.lr.value });
    }
    expect(seen.map((s) => s.factor)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
    seen.forEach((s, i) => expect(s.lr).toBeCloseTo(cosine({ init: 0.1, min: 1e-4, duration: 20 }).at(i + 1) * s.factor, 12));
    expect(reports).toEqual(['metrics:epoch:val_loss']);
    // Resume from the session state after 5 epochs: same factors afterwards.
    const b = build();
    for (const loss of losses.slice(0, 5)) {
      b.session.completeUpdate();
      b.session.endEpoch({ val_loss: loss });
    }
    const saved = JSON.parse(JSON.stringify(b.session.state()));
    const c = build();
    c.session.restore(saved);
    for (const loss of losses.slice(5)) {
      c.session.completeUpdate();
      c.session.endEpoch({ val_loss: loss });
    }
    expect(c.factor.value).toBe(a.factor.value);
    expect(c.lr.value).toBe(a.lr.value);
    expect(c.factor.controllerStateValue).toEqual(a.factor.controllerStateValue);
    for (const x of [a, b, c]) x.session.dispose();
  });
});
