import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveMomentum,
  heavyBallMomentum,
  type AdaptiveMomentumState,
  type CurvatureObservation,
  type PerVariableCurvature,
  type PerVariableMomentumState,
} from '../../src/controllers/adaptive-momentum.js';
import { ControllerRunner } from '../../src/controllers/runner.js';
import { HyperscheduleError } from '../../src/errors.js';
import { TrainingClock } from '../../src/clock/index.js';
import { param } from '../../src/params/parameter.js';
import { TrainingSignals } from '../../src/signals/hub.js';
import { fixedMomentum, heavyBallIterations, type MomentumRule, randomQuadratic } from './quadratic.js';

/** The controller exactly as a parameter runs it: the Controller object through a ControllerRunner. */
function adaptiveRule(): MomentumRule {
  // `lr` only feeds the controller's input stream; the harness passes gamma in each observation.
  const runner = new ControllerRunner(adaptiveMomentum({ lr: 0 }));
  return { initial: runner.value, next: (obs) => (runner.feed(obs), runner.value) };
}

describe('adaptive heavy-ball momentum on ill-conditioned quadratics (evidence)', () => {
  const report = process.env.HS_QUADRATIC_REPORT === '1';
  for (const kappa of [1e2, 1e3, 1e4]) {
    for (const seed of [1, 2, 3]) {
      it(`kappa=${kappa} seed=${seed}: beats every fixed beta at gamma=1/L and is within 3x of optimal heavy ball`, () => {
        const q = randomQuadratic(100, kappa, seed * 7919 + kappa);
        const gamma = 1 / q.L;
        const adaptive = heavyBallIterations(q, gamma, adaptiveRule(), 100_000);
        const gammaStar = 4 / (Math.sqrt(q.L) + Math.sqrt(q.mu)) ** 2;
        const betaStar = ((Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1)) ** 2;
        const optimal = heavyBallIterations(q, gammaStar, fixedMomentum(betaStar), 100_000);
        expect(Number.isFinite(adaptive)).toBe(true);
        expect(Number.isFinite(optimal)).toBe(true);
        // A fixed beta that has not converged after as many updates as the adaptive run took more.
        const fixed = Object.fromEntries(
          [0, 0.5, 0.9, 0.99].map((beta) => [beta, heavyBallIterations(q, gamma, fixedMomentum(beta), report ? 1_000_000 : adaptive)]),
        );
        if (report) console.log(JSON.stringify({ kappa, seed, adaptive, optimal, fixed, ratio: adaptive / optimal }));
        for (const [beta, iterations] of Object.entries(fixed)) expect({ beta, more: iterations > adaptive }).toEqual({ beta, more: true });
        expect(adaptive).toBeLessThanOrEqual(3 * optimal);
      });
    }
  }
});

describe('heavyBallMomentum formula', () => {
  it('is (1 - sqrt(gamma * ratio))^2 projected onto [0, 1 - delta]', () => {
    expect(heavyBallMomentum(0.01, 1, 1, 1e-3)).toBeCloseTo(0.81, 15);
    expect(heavyBallMomentum(1, 1, 1, 1e-3)).toBe(0);
    expect(heavyBallMomentum(0.1, 0, 1, 1e-3)).toBe(1 - 1e-3); // flat direction: max momentum
    expect(heavyBallMomentum(1, 9, 1, 1e-3)).toBe(1 - 1e-3); // (1-3)^2 = 4, projected
    expect(heavyBallMomentum(1, 2.25, 1, 0.5)).toBe(0.25); // (1-1.5)^2
  });
  it('is undefined for zero or non-finite denominators and inputs', () => {
    expect(heavyBallMomentum(0.1, 1, 0, 1e-3)).toBeUndefined();
    expect(heavyBallMomentum(0.1, Number.NaN, 1, 1e-3)).toBeUndefined();
    expect(heavyBallMomentum(0.1, 1, Infinity, 1e-3)).toBeUndefined();
    expect(heavyBallMomentum(Number.NaN, 1, 1, 1e-3)).toBeUndefined();
  });
  it('property: always in [0, 1 - delta] when defined', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1e-12, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (lr, gd, dx, delta) => {
        const b = heavyBallMomentum(lr, gd, dx, delta);
        expect(b).toBeDefined();
        expect(b!).toBeGreaterThanOrEqual(0);
        expect(b!).toBeLessThanOrEqual(1 - delta);
      }),
    );
  });
});

describe('adaptiveMomentum controller step', () => {
  const controller = adaptiveMomentum({ lr: 0.01, initial: 0.5 });
  const init = controller.initialState;
  const stepOf = (state: AdaptiveMomentumState, obs: CurvatureObservation) => controller.step(state, obs);
  it('uses the secant pair of the update', () => {
    expect(stepOf(init, { lr: 0.01, gradDeltaNorm: 4, paramDeltaNorm: 4 })).toEqual({ value: (1 - 0.1) ** 2, estimates: 1 });
  });
  it('first update (no pair), zero previous step and negative inputs leave the value', () => {
    expect(stepOf(init, { lr: 0.1, gradDeltaNorm: null, paramDeltaNorm: null })).toBe(init);
    expect(stepOf(init, { lr: 0.1 })).toBe(init);
    expect(stepOf(init, { lr: 0.1, gradDeltaNorm: 1, paramDeltaNorm: 0 })).toBe(init);
    expect(stepOf(init, { lr: 0.01, gradDeltaNorm: -1, paramDeltaNorm: 1 })).toBe(init);
  });
  it('NaN/Inf inputs are skipped by the runner and leave the state', () => {
    const runner = new ControllerRunner(controller);
    runner.feed({ lr: 0.01, gradDeltaNorm: 1, paramDeltaNorm: 1 });
    const s = runner.state;
    for (const bad of [
      { lr: 0.01, gradDeltaNorm: Number.NaN, paramDeltaNorm: 1 },
      { lr: 0.01, gradDeltaNorm: 1, paramDeltaNorm: Infinity },
      { lr: Number.NaN, gradDeltaNorm: 1, paramDeltaNorm: 1 },
      { lr: -Infinity, gradDeltaNorm: 1, paramDeltaNorm: 1 },
    ]) {
      expect(runner.feed(bad).outcome).toBe('invalid');
      expect(runner.state).toBe(s);
    }
  });
  it('property: checkpoint through JSON at any update and resume equals the uninterrupted run', () => {
    const obs = fc.record({
      lr: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
      gradDeltaNorm: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(null), fc.constant(Infinity)),
      paramDeltaNorm: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(0), fc.constant(Number.NaN), fc.constant(null)),
    });
    fc.assert(
      fc.property(fc.array(obs, { maxLength: 40 }), fc.nat(), (seq: CurvatureObservation[], cutSeed) => {
        const cut = cutSeed % (seq.length + 1);
        const go = (runner: ControllerRunner<AdaptiveMomentumState, CurvatureObservation>, part: CurvatureObservation[]) =>
          part.map((x) => (runner.feed(x), runner.state));
        const full = go(new ControllerRunner(controller), seq);
        const first = new ControllerRunner(controller);
        const head = go(first, seq.slice(0, cut));
        const resumed = new ControllerRunner(controller, JSON.parse(JSON.stringify(first.state)));
        expect([...head, ...go(resumed, seq.slice(cut))]).toEqual(full);
        for (const s of full) expect(s.value >= 0 && s.value <= 1 - 1e-3).toBe(true);
      }),
    );
  });
  it('rejects bad options and states', () => {
    expect(() => adaptiveMomentum({ lr: 0.1, delta: 0 })).toThrow(HyperscheduleError);
    expect(() => adaptiveMomentum({ lr: 0.1, initial: 1 })).toThrow(/adaptiveMomentum\.initial: got 1/);
    expect(() => adaptiveMomentum({ lr: -1 })).toThrow(/adaptiveMomentum\.lr: got -1/);
    expect(() => adaptiveMomentum({ lr: { value: Number.NaN } })).toThrow(/adaptiveMomentum\.lr\.value/);
    expect(() => adaptiveMomentum({ lr: 0.1, deltaa: 1 } as never)).toThrow(/adaptiveMomentum\.deltaa/);
    expect(() => new ControllerRunner(controller, { value: 1, estimates: 0 })).toThrow(/adaptiveMomentum\.state\.value/);
    expect(() => new ControllerRunner(controller, { value: 0.5, estimates: -1 })).toThrow(/estimates/);
  });
});

describe('per-variable adaptive momentum (perVariable: true)', () => {
  const controller = adaptiveMomentum({ lr: 0.01, initial: 0.5, perVariable: true });
  const start = controller.initialState;
  const stepOf = (state: PerVariableMomentumState, obs: PerVariableCurvature) => controller.step(state, obs);
  it('gives each variable the momentum of its own secant pair and its own lr', () => {
    const s = stepOf(start, { lr: { a: 0.01, b: 0.04 }, gradDeltaNorms: { a: 1, b: 1, c: 1 }, paramDeltaNorms: { a: 1, b: 1 } });
    expect(s.values.a).toBeCloseTo(0.81, 15);
    expect(s.values.b).toBeCloseTo(0.64, 15);
    expect(s.values.c).toBeUndefined(); // no step norm: no estimate
    expect(s.value).toBeCloseTo((0.81 + 0.64) / 2, 15);
    expect(controller.valueFor?.(s, 'a')).toBeCloseTo(0.81, 15);
    expect(controller.valueFor?.(s, 'zzz')).toBeUndefined();
  });
  it('NaN for one variable is skipped whole by the runner; a negative one keeps that variable; JSON state round-trips', () => {
    const runner = new ControllerRunner(controller);
    runner.feed({ lr: 0.01, gradDeltaNorms: { a: 1, b: 4 }, paramDeltaNorms: { a: 1, b: 1 } });
    const s1 = runner.state;
    expect(runner.feed({ lr: 0.01, gradDeltaNorms: { a: Number.NaN, b: 1 }, paramDeltaNorms: { a: 1, b: 1 } }).outcome).toBe('invalid');
    const s2 = stepOf(s1, { lr: 0.01, gradDeltaNorms: { a: -1, b: 1 }, paramDeltaNorms: { a: 1, b: 1 } });
    expect(s2.values.a).toBe(s1.values.a);
    expect(s2.values.b).toBeCloseTo(0.81, 15);
    expect(stepOf(s2, { lr: 0.01, gradDeltaNorms: { a: 1 }, paramDeltaNorms: { a: 0 } })).toBe(s2);
    expect(new ControllerRunner(controller, JSON.parse(JSON.stringify(s2))).state).toEqual(s2);
    expect(() => new ControllerRunner(controller, { ...s2, values: { a: 2 } })).toThrow(/values\.a/);
  });
  it('a parameter driven by it has valueFor', () => {
    const beta = param('momentum', { controller }, { domain: 'unitInterval' });
    const signals = new TrainingSignals();
    const clock = new TrainingClock();
    beta.bind({ signals, now: () => clock.snapshot() });
    signals.publishUpdate({ clock: clock.advance(1), batchSize: 1, gradDeltaNorms: { a: 1, b: 4 }, paramDeltaNorms: { a: 1, b: 1 } });
    expect(beta.valueFor?.('a')).toBeCloseTo(0.81, 15);
    expect(beta.valueFor?.('b')).toBeCloseTo(0.64, 15);
    expect(beta.valueFor?.('unseen')).toBe(beta.value);
    expect(param('m', { controller: adaptiveMomentum({ lr: 0.01 }) }).valueFor).toBeUndefined();
  });
});
