import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adaptiveMomentum,
  adaptiveMomentumInit,
  adaptiveMomentumStep,
  adaptiveMomentumStepPerVariable,
  heavyBallMomentum,
  parseAdaptiveMomentumState,
  parsePerVariableMomentumState,
  perVariableMomentum,
  resolveAdaptiveMomentumOptions,
  type AdaptiveMomentumState,
  type CurvatureObservation,
} from '../../src/controllers/adaptive-momentum.js';
import { HyperscheduleError } from '../../src/errors.js';
import { fixedMomentum, heavyBallIterations, type MomentumRule, randomQuadratic } from './quadratic.js';

/** The controller exactly as the tfjs hook drives it: the same pure step function. */
function adaptiveRule(): MomentumRule {
  const options = resolveAdaptiveMomentumOptions();
  let state = adaptiveMomentumInit(options);
  return { initial: state.value, next: (obs) => (state = adaptiveMomentumStep(options, state, obs).state).value };
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

describe('adaptiveMomentumStep', () => {
  const o = resolveAdaptiveMomentumOptions({ initial: 0.5 });
  it('uses the secant pair of the update', () => {
    const r = adaptiveMomentumStep(o, adaptiveMomentumInit(o), { lr: 0.01, gradDiffNorm: 4, paramDiffNorm: 4 });
    expect(r.skipped).toBeUndefined();
    expect(r.state).toEqual({ value: (1 - 0.1) ** 2, estimates: 1 });
  });
  it('first update (no pair) and zero previous step leave the value', () => {
    const s = adaptiveMomentumInit(o);
    expect(adaptiveMomentumStep(o, s, { lr: 0.1, gradDiffNorm: null, paramDiffNorm: null })).toEqual({ state: s, skipped: 'warmup' });
    expect(adaptiveMomentumStep(o, s, { lr: 0.1 })).toEqual({ state: s, skipped: 'warmup' });
    expect(adaptiveMomentumStep(o, s, { lr: 0.1, gradDiffNorm: 1, paramDiffNorm: 0 })).toEqual({ state: s, skipped: 'no-step' });
  });
  it('NaN/Inf/negative inputs leave the value unchanged and say so', () => {
    const s = adaptiveMomentumStep(o, adaptiveMomentumInit(o), { lr: 0.01, gradDiffNorm: 1, paramDiffNorm: 1 }).state;
    for (const bad of [
      { lr: 0.01, gradDiffNorm: Number.NaN, paramDiffNorm: 1 },
      { lr: 0.01, gradDiffNorm: 1, paramDiffNorm: Infinity },
      { lr: Number.NaN, gradDiffNorm: 1, paramDiffNorm: 1 },
      { lr: 0.01, gradDiffNorm: -1, paramDiffNorm: 1 },
      { lr: -Infinity, gradDiffNorm: 1, paramDiffNorm: 1 },
    ]) {
      expect(adaptiveMomentumStep(o, s, bad)).toEqual({ state: s, skipped: 'invalid' });
    }
  });
  it('property: checkpoint through JSON at any update and resume equals the uninterrupted run', () => {
    const obs = fc.record({
      lr: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
      gradDiffNorm: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(null), fc.constant(Infinity)),
      paramDiffNorm: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(0), fc.constant(Number.NaN), fc.constant(null)),
    });
    fc.assert(
      fc.property(fc.array(obs, { maxLength: 40 }), fc.nat(), (seq: CurvatureObservation[], cutSeed) => {
        const cut = cutSeed % (seq.length + 1);
        const go = (start: AdaptiveMomentumState, part: CurvatureObservation[]) => {
          let s = start;
          return part.map((x) => (s = adaptiveMomentumStep(o, s, x).state));
        };
        const full = go(adaptiveMomentumInit(o), seq);
        const head = go(adaptiveMomentumInit(o), seq.slice(0, cut));
        const restored = parseAdaptiveMomentumState(JSON.parse(JSON.stringify(head[head.length - 1] ?? adaptiveMomentumInit(o))));
        expect([...head, ...go(restored, seq.slice(cut))]).toEqual(full);
        for (const s of full) expect(s.value >= 0 && s.value <= 1 - o.delta).toBe(true);
      }),
    );
  });
  it('rejects bad options and states', () => {
    expect(() => resolveAdaptiveMomentumOptions({ delta: 0 })).toThrow(HyperscheduleError);
    expect(() => resolveAdaptiveMomentumOptions({ initial: 1 })).toThrow(/adaptiveMomentum\.initial: got 1/);
    expect(() => parseAdaptiveMomentumState({ value: 1, estimates: 0 })).toThrow(/value/);
    expect(() => parseAdaptiveMomentumState({ value: 0.5, estimates: -1 })).toThrow(/estimates/);
  });
});

describe('per-variable adaptive momentum', () => {
  const o = resolveAdaptiveMomentumOptions({ initial: 0.5 });
  const start = { value: 0.5, values: {}, estimates: 0 };
  it('gives each variable the momentum of its own secant pair and its own lr', () => {
    const s = adaptiveMomentumStepPerVariable(o, start, { lr: { a: 0.01, b: 0.04 }, gradDiffNorms: { a: 1, b: 1, c: 1 }, paramDiffNorms: { a: 1, b: 1 } });
    expect(s.values.a).toBeCloseTo(0.81, 15);
    expect(s.values.b).toBeCloseTo(0.64, 15);
    expect(s.values.c).toBeUndefined(); // no step norm: no estimate
    expect(s.value).toBeCloseTo((0.81 + 0.64) / 2, 15);
    const src = perVariableMomentum({ value: s.value, controllerStateValue: s });
    expect(src.valueFor('a')).toBeCloseTo(0.81, 15);
    expect(src.valueFor('zzz')).toBe(s.value);
  });
  it('NaN for one variable keeps that variable\'s momentum; all-invalid keeps the state', () => {
    const s1 = adaptiveMomentumStepPerVariable(o, start, { lr: 0.01, gradDiffNorms: { a: 1, b: 4 }, paramDiffNorms: { a: 1, b: 1 } });
    const s2 = adaptiveMomentumStepPerVariable(o, s1, { lr: 0.01, gradDiffNorms: { a: Number.NaN, b: 1 }, paramDiffNorms: { a: 1, b: 1 } });
    expect(s2.values.a).toBe(s1.values.a);
    expect(s2.values.b).toBeCloseTo(0.81, 15);
    expect(adaptiveMomentumStepPerVariable(o, s2, { lr: 0.01, gradDiffNorms: { a: Infinity }, paramDiffNorms: { a: 1 } })).toBe(s2);
    expect(parsePerVariableMomentumState(JSON.parse(JSON.stringify(s2)))).toEqual(s2);
    expect(() => parsePerVariableMomentumState({ ...s2, values: { a: 2 } })).toThrow(/values\.a/);
  });
});

describe('adaptiveMomentum operator', () => {
  it('emits one beta per observation, reports skips, resumes from a state', async () => {
    const skips: string[] = [];
    const seq: CurvatureObservation[] = [
      { lr: 0.01, gradDiffNorm: null, paramDiffNorm: null },
      { lr: 0.01, gradDiffNorm: 1, paramDiffNorm: 1 },
      { lr: 0.01, gradDiffNorm: Number.NaN, paramDiffNorm: 2 },
      { lr: 0.01, gradDiffNorm: 16, paramDiffNorm: 4 },
    ];
    const out = await firstValueFrom(from(seq).pipe(adaptiveMomentum({ onSkip: (why) => skips.push(why) }), toArray()));
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.81, 15);
    expect(out[2]).toBe(out[1]);
    expect(out[3]).toBeCloseTo((1 - Math.sqrt((0.01 * 16) / 4)) ** 2, 15);
    expect(skips).toEqual(['warmup', 'invalid']);
    const resumed = await firstValueFrom(from(seq.slice(2)).pipe(adaptiveMomentum({ state: { value: out[1]!, estimates: 1 } }), toArray()));
    expect(resumed).toEqual(out.slice(2));
  });
});
