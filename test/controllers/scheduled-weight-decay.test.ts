import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { HyperscheduleError } from '../../src/errors.js';
import {
  adamsDecayRate,
  meanSecondMoment,
  nextSecondMomentSum,
  scheduledWeightDecay,
  type ScheduledWeightDecayState,
} from '../../src/controllers/scheduled-weight-decay.js';
import { sgdsDecayRate } from '../../src/optimizers/sgds.js';
import { ControllerRunner } from '../../src/controllers/runner.js';
import { hook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { param } from '../../src/params/parameter.js';
import { AdamS } from '../../src/optimizers/adams.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { SGDS } from '../../src/optimizers/sgds.js';
import { excludeBiasAndNorm } from '../../src/optimizers/weight-decay-exclusion.js';
import { gaussian } from './quadratic.js';

const T = 24;
const SHAPES = { W: [4, 3], b: [3] } as const;
type Name = keyof typeof SHAPES;
const NAMES: Name[] = ['W', 'b'];
const size = (n: Name) => SHAPES[n].reduce((a: number, b: number) => a * b, 1);

/** A fixed, seeded gradient sequence (independent of the parameters), scale 1e-2. */
function gradients(seed: number): Record<Name, Float64Array>[] {
  const g = gaussian(seed);
  return Array.from({ length: T }, () => ({ W: Float64Array.from({ length: size('W') }, () => 0.01 * g()), b: Float64Array.from({ length: size('b') }, () => 0.01 * g()) }));
}
const init = (): Record<Name, Float64Array> => {
  const g = gaussian(99);
  return { W: Float64Array.from({ length: size('W') }, g), b: Float64Array.from({ length: size('b') }, g) };
};
const lrAt = (t: number) => 1e-2 * (0.55 + 0.45 * Math.cos((Math.PI * t) / T));
const beta2At = (t: number) => 0.99 - 0.01 * (t % 3); // scheduled beta2: exercises the running sum
const LAMBDA = 0.05;

/** AdamS in float64, straight from the paper's algorithm (all parameters bias-corrected and averaged). */
function adamsReference(grads: Record<Name, Float64Array>[], decayOn: (n: Name) => boolean): Record<Name, Float64Array>[] {
  const p = init();
  const m = { W: new Float64Array(size('W')), b: new Float64Array(size('b')) };
  const v = { W: new Float64Array(size('W')), b: new Float64Array(size('b')) };
  const out: Record<Name, Float64Array>[] = [];
  const beta1 = 0.9;
  const eps = 1e-8;
  grads.forEach((g, k) => {
    const t = k + 1;
    const lr = lrAt(k);
    const beta2 = beta2At(k);
    let sumHat = 0;
    let count = 0;
    for (const n of NAMES) {
      for (let i = 0; i < size(n); i++) {
        m[n][i] = beta1 * m[n][i]! + (1 - beta1) * g[n][i]!;
        v[n][i] = beta2 * v[n][i]! + (1 - beta2) * g[n][i]! ** 2;
        sumHat += v[n][i]! / (1 - beta2 ** t);
        count += 1;
      }
    }
    const vbar = sumHat / count;
    for (const n of NAMES) {
      for (let i = 0; i < size(n); i++) {
        if (decayOn(n)) p[n][i] = p[n][i]! * (1 - (LAMBDA * lr) / Math.sqrt(vbar));
        const denom = Math.sqrt(v[n][i]!) / Math.sqrt(1 - beta2 ** t) + eps;
        p[n][i] = p[n][i]! - (lr / (1 - beta1 ** t)) * (m[n][i]! / denom);
      }
    }
    out.push({ W: Float64Array.from(p.W), b: Float64Array.from(p.b) });
  });
  return out;
}

function makeVariables(prefix: string): Record<Name, tf.Variable> {
  const p0 = init();
  return {
    W: tf.variable(tf.tensor(Array.from(p0.W), [...SHAPES.W]), true, `${prefix}/kernel`),
    b: tf.variable(tf.tensor(Array.from(p0.b), [...SHAPES.b]), true, `${prefix}/bias`),
  };
}

function step(opt: tf.Optimizer, vars: Record<Name, tf.Variable>, g: Record<Name, Float64Array>): void {
  const tensors = NAMES.map((n) => ({ name: vars[n].name, tensor: tf.tensor(Array.from(g[n]), [...SHAPES[n]]) }));
  opt.applyGradients(tensors);
  tensors.forEach((x) => x.tensor.dispose());
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, label: string): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3);
    worst = Math.max(worst, err);
  }
  expect({ label, ok: worst <= rel, worst }).toMatchObject({ label, ok: true });
}

let counter = 0;
function adamsRun(grads: Record<Name, Float64Array>[], options: { exclude?: boolean } = {}) {
  const lr = { value: lrAt(0) };
  const beta2 = { value: beta2At(0) };
  const opt = new AdamS({ learningRate: lr, beta2, weightDecay: LAMBDA, ...(options.exclude ? { excludeFromWeightDecay: excludeBiasAndNorm } : {}) });
  const vars = makeVariables(`adams${counter++}`);
  return { opt, vars, lr, beta2 };
}

describe('AdamS (scheduled weight decay) numerics', () => {
  it('matches the float64 formula step by step on a fixed gradient sequence, with a scheduled LR and beta2', () => {
    const grads = gradients(1);
    for (const exclude of [false, true]) {
      const ref = adamsReference(grads, (n) => !(exclude && n === 'b'));
      const { opt, vars, lr, beta2 } = adamsRun(grads, { exclude });
      grads.forEach((g, k) => {
        lr.value = lrAt(k);
        beta2.value = beta2At(k);
        step(opt, vars, g);
        for (const n of NAMES) expectClose(vars[n].dataSync(), ref[k]![n], 1e-5, `exclude=${exclude} step ${k} ${n}`);
      });
      // The decay matters here: without it the parameters end far from AdamS's.
      const noDecay = adamsReference(grads, () => false);
      const gap = Math.max(...Array.from(ref[T - 1]!.W, (x, i) => Math.abs(x - noDecay[T - 1]!.W[i]!)));
      expect(gap).toBeGreaterThan(0.1);
      opt.dispose();
      Object.values(vars).forEach((v) => v.dispose());
    }
  });

  it('checkpoint (getWeights/setWeights into a new optimizer) resumes the exact trajectory', async () => {
    const grads = gradients(2);
    const a = adamsRun(grads);
    const b = adamsRun(grads);
    const cut = 11;
    for (let k = 0; k < T; k++) {
      a.lr.value = b.lr.value = lrAt(k);
      a.beta2.value = b.beta2.value = beta2At(k);
      step(a.opt, a.vars, grads[k]!);
      if (k < cut) step(b.opt, b.vars, grads[k]!);
    }
    // Resume b from its checkpoint at `cut` in a fresh optimizer over the same variables.
    const saved = await b.opt.getWeights();
    const copies = saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    expect(saved.map((w) => w.name)).toContain('AdamS/secondMomentSum');
    b.opt.dispose();
    const resumed = new AdamS({ learningRate: b.lr, beta2: b.beta2, weightDecay: LAMBDA });
    await resumed.setWeights(copies);
    copies.forEach((c) => c.tensor.dispose());
    for (let k = cut; k < T; k++) {
      b.lr.value = lrAt(k);
      b.beta2.value = beta2At(k);
      step(resumed, b.vars, grads[k]!);
    }
    for (const n of NAMES) expect(Array.from(b.vars[n].dataSync())).toEqual(Array.from(a.vars[n].dataSync()));
    a.opt.dispose();
    resumed.dispose();
  });

  it('restoring AdamW state rebuilds the second-moment sum from the v slots', async () => {
    const grads = gradients(3);
    const w = new AdamW({ learningRate: 1e-2, beta2: 0.99, weightDecay: 0 });
    const vars = makeVariables(`adamw${counter++}`);
    for (let k = 0; k < 5; k++) step(w, vars, grads[k]!);
    const s = new AdamS({ learningRate: 1e-2, beta2: 0.99, weightDecay: LAMBDA });
    await s.setWeights(await w.getWeights());
    const sum = (await s.getWeights()).find((x) => x.name === 'AdamS/secondMomentSum')!;
    let expected = 0;
    for (let k = 0; k < 5; k++) expected = nextSecondMomentSum(expected, [...grads[k]!.W, ...grads[k]!.b].reduce((a, x) => a + x * x, 0), 0.99);
    expect(Math.abs(sum.tensor.dataSync()[0]! - expected) / expected).toBeLessThan(1e-5);
    w.dispose();
    s.dispose();
  });

  it('a NaN gradient leaves the running second-moment sum (and the decay of other variables) unchanged', () => {
    const grads = gradients(4);
    const { opt, vars } = adamsRun(grads);
    const lr = lrAt(0);
    opt.learningRate = lr;
    opt.beta2 = 0.99;
    step(opt, vars, grads[0]!);
    const before = vars.W.dataSync().slice();
    const bad = { W: grads[1]!.W, b: Float64Array.from(grads[1]!.b, (x, i) => (i === 0 ? Number.NaN : x)) };
    step(opt, vars, bad);
    // Expected W: AdamS step 2 for W with sum(v) kept at its step-1 value.
    const g1 = grads[0]!;
    const g2 = grads[1]!;
    const s1 = nextSecondMomentSum(0, [...g1.W, ...g1.b].reduce((a, x) => a + x * x, 0), 0.99);
    const vbar = meanSecondMoment(s1, size('W') + size('b'), 0.99, 2);
    const decay = adamsDecayRate(LAMBDA, lr, vbar);
    const W = vars.W.dataSync();
    for (let i = 0; i < size('W'); i++) {
      const m = 0.9 * 0.1 * g1.W[i]! + 0.1 * g2.W[i]!;
      const v = 0.99 * 0.01 * g1.W[i]! ** 2 + 0.01 * g2.W[i]! ** 2;
      const expected = before[i]! * (1 - decay) - (lr / (1 - 0.9 ** 2)) * (m / (Math.sqrt(v) / Math.sqrt(1 - 0.99 ** 2) + 1e-8));
      expect(Math.abs(W[i]! - expected)).toBeLessThan(1e-5 * Math.max(1e-3, Math.abs(expected)));
    }
    expect(Number.isNaN(vars.b.dataSync()[0]!)).toBe(true); // the NaN variable itself is the optimizer's business
    opt.dispose();
  });

  it('keeps tf.memory().numTensors flat across updates', () => {
    const grads = gradients(5);
    const { opt, vars } = adamsRun(grads);
    step(opt, vars, grads[0]!);
    step(opt, vars, grads[1]!);
    const count = tf.memory().numTensors;
    for (let k = 2; k < T; k++) step(opt, vars, grads[k]!);
    expect(tf.memory().numTensors).toBe(count);
    opt.dispose();
  });

  it('rejects amsgrad and round-trips its config', () => {
    expect(() => new AdamS({ amsgrad: true } as never)).toThrow(/AdamS\.amsgrad/);
    const config = new AdamS({ learningRate: 3e-4, weightDecay: 5e-4, excludeFromWeightDecay: excludeBiasAndNorm }).getConfig();
    expect(config).toMatchObject({ learningRate: 3e-4, weightDecay: 5e-4, excludeFromWeightDecay: 'biasAndNorm' });
    const rebuilt = AdamS.fromConfig(AdamS, config);
    expect(rebuilt.getConfig()).toEqual(config);
  });
});

describe('SGDS (SGD with scheduled weight decay)', () => {
  it('matches p <- p (1 - lr*lambda*(1-d)/(1-m)) then torch SGD momentum, step by step in float64', () => {
    const grads = gradients(6);
    const momentum = 0.9;
    const dampening = 0.1;
    const lrSource = { value: lrAt(0) };
    const opt = new SGDS({ learningRate: lrSource, momentum, dampening, weightDecay: LAMBDA });
    const vars = makeVariables(`sgds${counter++}`);
    const p = init();
    const buf: Partial<Record<Name, Float64Array>> = {};
    grads.forEach((g, k) => {
      lrSource.value = lrAt(k);
      step(opt, vars, g);
      const keep = 1 - sgdsDecayRate(LAMBDA, lrAt(k), momentum, dampening);
      for (const n of NAMES) {
        const b = buf[n];
        if (b === undefined) buf[n] = Float64Array.from(g[n]);
        else for (let i = 0; i < b.length; i++) b[i] = momentum * b[i]! + (1 - dampening) * g[n][i]!;
        for (let i = 0; i < size(n); i++) p[n][i] = p[n][i]! * keep - lrAt(k) * buf[n]![i]!;
        expectClose(vars[n].dataSync(), p[n], 1e-5, `step ${k} ${n}`);
      }
    });
    expect(sgdsDecayRate(LAMBDA, 0.01, 0.9, 0.1)).toBeCloseTo((0.01 * LAMBDA * 0.9) / 0.1, 15);
    opt.dispose();
  });
  it('refuses momentum >= 1 at update time', () => {
    const opt = new SGDS({ learningRate: 0.1, momentum: 1, weightDecay: 1e-4 });
    const v = tf.variable(tf.ones([2]), true, `sgds${counter++}/kernel`);
    expect(() => opt.applyGradients([{ name: v.name, tensor: tf.ones([2]) }])).toThrow(/SGDS\.momentum/);
    expect(() => sgdsDecayRate(1e-4, 0.1, 1, 0)).toThrow(/SGDS\.momentum/);
  });
});

describe('SWD formulas', () => {
  it('mean second moment, running sum and decay rate', () => {
    expect(meanSecondMoment(8, 4, 0.5, 1)).toBe(4);
    expect(nextSecondMomentSum(2, 4, 0.5)).toBe(3);
    expect(nextSecondMomentSum(2, Number.NaN, 0.5)).toBe(2);
    expect(nextSecondMomentSum(2, Infinity, 0.5)).toBe(2);
    expect(adamsDecayRate(0.1, 0.01, 0.25)).toBeCloseTo(0.002, 15);
    expect(adamsDecayRate(0.1, 0.01, 0)).toBe(0);
    expect(adamsDecayRate(0.1, 0.01, Number.NaN)).toBe(0);
  });
});

describe('scheduledWeightDecay (AdamW weight decay from the gradient-norm signal)', () => {
  const swd = scheduledWeightDecay({ lambda: 0.1 });
  const init: ScheduledWeightDecayState = swd.initialState;
  it('step: lambda / sqrt(vbar_t); non-finite or empty inputs leave the state', () => {
    let s = swd.step(init, { squaredGradNorm: 8, paramCount: 2, beta2: 0.5 });
    expect(s).toEqual({ secondMomentSum: 4, updates: 1, value: 0.1 / Math.sqrt(4 / 2 / 0.5) });
    s = swd.step(s, { squaredGradNorm: 0, paramCount: 2, beta2: 0.5 });
    expect(s.value).toBeCloseTo(0.1 / Math.sqrt(2 / 2 / 0.75), 15);
    for (const bad of [Number.NaN, Infinity, -1]) expect(swd.step(s, { squaredGradNorm: bad, paramCount: 2, beta2: 0.5 })).toBe(s);
    expect(swd.step(s, { squaredGradNorm: 1, paramCount: 0, beta2: 0.5 })).toBe(s);
    expect(swd.step(init, { squaredGradNorm: 0, paramCount: 2, beta2: 0.5 })).toEqual({ secondMomentSum: 0, updates: 1, value: 0 });
  });
  it('rejects bad options and states naming the field', () => {
    expect(() => scheduledWeightDecay({ lambda: -1 })).toThrow(/scheduledWeightDecay\.lambda: got -1/);
    expect(() => scheduledWeightDecay({ lambda: 1, beta2: 1 })).toThrow(/scheduledWeightDecay\.beta2: got 1/);
    expect(() => scheduledWeightDecay(undefined as never)).toThrow(/scheduledWeightDecay: got undefined, expected an object/);
    expect(() => new ControllerRunner(swd, { secondMomentSum: 0, updates: 0.5, value: 0 })).toThrow(/scheduledWeightDecay\.state\.updates/);
  });
  it('property: JSON checkpoint at any update resumes exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(Number.NaN)), { maxLength: 30 }), fc.nat(), (norms, cutSeed) => {
        const cut = cutSeed % (norms.length + 1);
        const controller = scheduledWeightDecay({ lambda: 5e-4 });
        const go = (runner: ControllerRunner<ScheduledWeightDecayState, unknown>, xs: number[]) =>
          xs.map((x) => (runner.feed({ squaredGradNorm: x, paramCount: 10, beta2: 0.999 }), runner.state));
        const full = go(new ControllerRunner(controller), norms);
        const first = new ControllerRunner(controller);
        const head = go(first, norms.slice(0, cut));
        const restored = new ControllerRunner(controller, JSON.parse(JSON.stringify(first.state)));
        expect([...head, ...go(restored, norms.slice(cut))]).toEqual(full);
      }),
    );
  });
  it('drives an unmodified AdamW through the hook: after update t, weightDecay = lambda / sqrt(vbar_t)', () => {
    const session = createSession();
    const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: LAMBDA, beta2: 0.99 }) }, { domain: 'nonNegative' });
    session.add(wd);
    const opt = hook(new AdamW({ learningRate: 1e-2, beta2: 0.99, weightDecay: wd }), session);
    const vars = makeVariables(`swdc${counter++}`);
    const grads = gradients(7);
    let sum = 0;
    grads.slice(0, 8).forEach((g, k) => {
      const before = wd.value;
      step(opt, vars, g);
      sum = nextSecondMomentSum(sum, [...g.W, ...g.b].reduce((a, x) => a + x * x, 0), 0.99);
      const expected = LAMBDA / Math.sqrt(meanSecondMoment(sum, size('W') + size('b'), 0.99, k + 1));
      expect(Math.abs(wd.value - expected) / expected).toBeLessThan(1e-5);
      expect(before).not.toBe(wd.value);
    });
    session.dispose();
    opt.dispose();
  });
});

describe('scheduledWeightDecay is bounded: one AdamW update removes at most maxDecay of a weight', () => {
  // A first gradient of norm 1e-8 over 1e4 parameters: vbar = 1e-20, lambda / sqrt(vbar) = 5e6.
  const tiny = { squaredGradNorm: 1e-16, paramCount: 1e4, beta2: 0.999 };

  it('without the bound the formula gives wd = 5e6 (lr * wd = 5000: every weight would flip)', () => {
    const swd = scheduledWeightDecay({ lambda: 5e-4 });
    expect(swd.step(swd.initialState, tiny).value).toBeCloseTo(5e6, 3);
  });

  it('given the learning rate, caps wd at maxDecay / lr (default maxDecay 0.1), counts the capped updates and warns once', () => {
    const lr = { value: 1e-3 };
    const swd = scheduledWeightDecay({ lambda: 5e-4, lr });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const runner = new ControllerRunner(swd);
      runner.feed({ ...tiny, lr: lr.value });
      expect(runner.value).toBeCloseTo(0.1 / 1e-3, 9);
      expect(runner.state.capped).toBe(1);
      lr.value = 2e-3;
      runner.feed({ ...tiny, squaredGradNorm: 0, lr: lr.value });
      expect(runner.value).toBeCloseTo(0.1 / 2e-3, 9);
      expect(runner.state.capped).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/scheduledWeightDecay capped lambda\/sqrt\(vbar\) = 5\.00e\+6 at maxDecay \/ lr = 100;/);
    } finally {
      warn.mockRestore();
    }
    // Inside the bound nothing changes: the same value as the unbounded formula, no `capped` field.
    const normal = { squaredGradNorm: 8, paramCount: 2, beta2: 0.5 };
    const bounded = scheduledWeightDecay({ lambda: 0.1, lr: 1e-3 });
    expect(bounded.step(bounded.initialState, { ...normal, lr: 1e-3 })).toEqual(scheduledWeightDecay({ lambda: 0.1 }).step(bounded.initialState, normal));
  });

  it('reads lr and maxDecay like every option, and restores states saved before `capped` existed', () => {
    expect(() => scheduledWeightDecay({ lambda: 1, lr: -1 })).toThrow(/scheduledWeightDecay\.lr: got -1/);
    expect(() => scheduledWeightDecay({ lambda: 1, lr: 1e-3, maxDecay: 1 })).toThrow(/scheduledWeightDecay\.maxDecay: got 1, expected a finite number > 0 and < 1/);
    expect(() => scheduledWeightDecay({ lambda: 1, maxDecay: 0.1 } as never)).toThrow(/scheduledWeightDecay\.maxDecay/);
    expect(() => scheduledWeightDecay({ lambda: 1, lamda: 2 } as never)).toThrow(/scheduledWeightDecay\.lamda: .*did you mean "lambda"\?/);
    const swd = scheduledWeightDecay({ lambda: 5e-4, lr: 1e-3 });
    expect(new ControllerRunner(swd, { secondMomentSum: 1, updates: 3, value: 2 }).state).toEqual({ secondMomentSum: 1, updates: 3, value: 2 });
    expect(new ControllerRunner(swd, { secondMomentSum: 1, updates: 3, value: 2, capped: 2 }).state.capped).toBe(2);
  });

  function tinyRun(options: { lr?: number }): { before: Float32Array; after: () => Float32Array; update: () => void; wd: ReturnType<typeof param>; done: () => void } {
    const session = createSession();
    const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: 5e-4, ...options }) }, { domain: 'nonNegative' });
    session.add(wd);
    const opt = hook(new AdamW({ learningRate: 1e-3, weightDecay: wd }), session);
    const w = tf.variable(tf.randomNormal([100, 100], 0, 1, 'float32', 3), true, `swdtiny${counter++}/kernel`);
    const before = Float32Array.from(w.dataSync());
    const update = () => {
      const g = tf.fill([100, 100], 1e-10); // ||g|| = 1e-8 over 1e4 parameters
      try { opt.applyGradients([{ name: w.name, tensor: g }]); } finally { g.dispose(); }
    };
    return { before, after: () => Float32Array.from(w.dataSync()), update, wd, done: () => { session.dispose(); opt.dispose(); w.dispose(); } };
  }

  it('end to end with AdamW and the lr given: no weight flips sign, the cap is visible in the controller state', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const run = tinyRun({ lr: 1e-3 });
    try {
      for (let i = 0; i < 3; i++) run.update();
      const after = run.after();
      for (let i = 0; i < after.length; i++) expect(Math.sign(after[i]!)).toBe(Math.sign(run.before[i]!));
      expect(run.wd.value).toBeCloseTo(100, 6);
      expect((run.wd.controllerStateValue as ScheduledWeightDecayState).capped).toBe(3);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      run.done();
      warn.mockRestore();
    }
  });

  it('end to end without the lr: AdamW refuses the update that would flip the weights, and nothing changes', () => {
    const run = tinyRun({});
    try {
      run.update(); // wd was 0 for this update; the controller now proposes 5e6
      const kept = run.after();
      let caught: unknown;
      try { run.update(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(HyperscheduleError);
      expect((caught as HyperscheduleError).field).toBe('AdamW.weightDecay');
      expect((caught as HyperscheduleError).value as number).toBeCloseTo(5e6, -3);
      expect((caught as HyperscheduleError).allowed).toContain('learningRate * weightDecay < 1');
      expect(run.after()).toEqual(kept);
    } finally {
      run.done();
    }
  });

  it('AdamS caps its decay at maxDecay: a near-zero first gradient leaves every weight with its sign, warns once, and is counted', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const opt = new AdamS({ learningRate: 1e-3, weightDecay: 5e-4 });
    const w = tf.variable(tf.randomNormal([100, 100], 0, 1, 'float32', 3), true, `adamscap${counter++}/kernel`);
    const before = Float32Array.from(w.dataSync());
    try {
      for (let i = 0; i < 3; i++) {
        const g = tf.fill([100, 100], 1e-10); // ||g|| = 1e-8 over 1e4 parameters: lambda * lr / sqrt(vbar) = 5000
        try { opt.applyGradients([{ name: w.name, tensor: g }]); } finally { g.dispose(); }
      }
      const after = w.dataSync();
      // Each update removes at most 10% (then Adam's step of ~lr): 0.9^3 of each weight, sign kept.
      for (let i = 0; i < after.length; i++) {
        expect(Math.sign(after[i]!)).toBe(Math.sign(before[i]!));
        expect(Math.abs(after[i]!)).toBeGreaterThan(Math.abs(before[i]!) * 0.9 ** 3 - 4e-3);
      }
      expect(await opt.cappedUpdates()).toBe(3);
      await new Promise((r) => setTimeout(r, 0));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/AdamS capped .*maxDecay \(0\.1\)/);
      expect(() => new AdamS({ maxDecay: 1 })).toThrow(/^AdamS\.maxDecay: got 1, expected a finite number > 0 and < 1$/);
      expect((AdamS.fromConfig(AdamS, new AdamS({ maxDecay: 0.2 }).getConfig()) as AdamS).getConfig()['maxDecay']).toBe(0.2);
    } finally {
      opt.dispose();
      w.dispose();
      warn.mockRestore();
    }
  });
});
