import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { Adam, AdamW, SGD, excludeBiasAndNorm } from '../../src/optimizers/index.js';
import type { LiveOptimizer } from '../../src/optimizers/live-optimizer.js';
import { ScalarCache } from '../../src/optimizers/scalar-cache.js';
import { grouped, isBiasOrNorm } from '../../src/values/grouped.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let uid = 0;
const SHAPES: number[][] = [[3, 4], [4], [2, 3]];

/** Fresh variables (unique names) with fixed initial values. */
function makeVars(tag: string): tf.Variable[] {
  const id = uid++;
  return SHAPES.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.add(tf.linspace(-1, 1, shape.reduce((a, b) => a * b, 1)), i).reshape(shape), true, `${tag}${id}/${i}/${i === 1 ? 'bias' : 'kernel'}`)),
  );
}

/** Deterministic pseudo-gradient for step t and variable i (some steps skip variable 2). */
function gradsFor(vars: tf.Variable[], t: number): Array<{ name: string; tensor: tf.Tensor }> {
  return vars
    .map((v, i) => ({ v, i }))
    .filter(({ i }) => !(i === 2 && t % 5 === 3))
    .map(({ v, i }) => ({
      name: v.name,
      tensor: tf.tidy(() => tf.sin(tf.add(tf.mul(tf.linspace(0, 3, v.size), t + 1), i)).reshape(v.shape).mul(0.5)),
    }));
}

function step(opt: tf.Optimizer, vars: tf.Variable[], t: number): void {
  const grads = gradsFor(vars, t);
  opt.applyGradients(grads);
  tf.dispose(grads.map((g) => g.tensor));
}

async function values(vars: tf.Variable[]): Promise<number[][]> {
  return Promise.all(vars.map(async (v) => Array.from(await v.data())));
}

async function snapshot(opt: tf.Optimizer): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
  // getWeights returns the live slot variables; clone so later updates do not change the snapshot.
  return (await opt.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
}

function maxRelErr(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((x, j) => { m = Math.max(m, Math.abs(x - b[i]![j]!) / Math.max(Math.abs(b[i]![j]!), 1e-6)); }));
  return m;
}

type Maker = () => LiveOptimizer<unknown>;
const MAKERS: Array<[string, Maker]> = [
  ['AdamW amsgrad, scheduled lr', () => new AdamW({ learningRate: { value: 0.01 }, weightDecay: 0.1, amsgrad: true }) as LiveOptimizer<unknown>],
  ['Adam L2', () => new Adam({ learningRate: 0.02, weightDecay: 0.05, beta1: 0.8 }) as LiveOptimizer<unknown>],
  ['SGD nesterov', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }) as LiveOptimizer<unknown>],
];

describe('getWeights / setWeights', () => {
  for (const [label, make] of MAKERS) {
    it(`${label}: restoring a snapshot into a new optimizer resumes the exact trajectory (same variables)`, async () => {
      const vars = makeVars('resume');
      const a = make();
      for (let t = 0; t < 8; t++) step(a, vars, t);
      const params = await values(vars);
      const saved = await snapshot(a);
      for (let t = 8; t < 16; t++) step(a, vars, t);
      const uninterrupted = await values(vars);

      vars.forEach((v, i) => v.assign(tf.tensor(params[i]!, v.shape)));
      const b = make();
      await b.setWeights(saved);
      expect(b.iterations).toBe(8);
      for (let t = 8; t < 16; t++) step(b, vars, t);
      expect(await values(vars)).toEqual(uninterrupted);
      expect(b.iterations).toBe(16);
      vars.forEach((v, i) => expect(b.stepOf(v.name)).toBe(a.stepOf(v.name)));
      tf.dispose(saved.map((w) => w.tensor));
      a.dispose();
      b.dispose();
      vars.forEach((v) => v.dispose());
    });
  }

  it('matches restored slots by name stem and order when the variables were renumbered (model reloaded in-process)', async () => {
    const original = makeVars('orig');
    const a = new AdamW({ learningRate: 0.01, weightDecay: 0.1 });
    for (let t = 0; t < 6; t++) step(a, original, t);
    const saved = await snapshot(a);
    const renamed = makeVars('orig');
    renamed.forEach((v, i) => v.assign(original[i]!));
    const b = new AdamW({ learningRate: 0.01, weightDecay: 0.1 });
    await b.setWeights(saved);
    for (let t = 6; t < 10; t++) {
      step(a, original, t);
      step(b, renamed, t);
    }
    expect(await values(renamed)).toEqual(await values(original));
    // Saved under the new names, in the saved order.
    const names = (await b.getWeights()).map((w) => w.name);
    expect(names.slice(0, 4)).toEqual(['iter', `${renamed[0]!.name}/m`, `${renamed[1]!.name}/m`, `${renamed[2]!.name}/m`]);
    tf.dispose(saved.map((w) => w.tensor));
    [a, b].forEach((o) => o.dispose());
    [...original, ...renamed].forEach((v) => v.dispose());
  });

  it("uses tfjs's layout: iter, then <var>/m for all variables, then <var>/v (+ /step for a variable that missed updates)", async () => {
    const vars = makeVars('layout');
    const opt = new Adam({ learningRate: 0.01 });
    for (let t = 0; t < 5; t++) step(opt, vars, t); // variable 2 misses t = 3
    const w = await opt.getWeights();
    expect(w.map((x) => x.name)).toEqual([
      'iter',
      ...vars.map((v) => `${v.name}/m`),
      ...vars.map((v) => `${v.name}/v`),
      `${vars[2]!.name}/step`,
    ]);
    expect(Array.from(await w[0]!.tensor.data())).toEqual([5]);
    expect(Array.from(await w[w.length - 1]!.tensor.data())).toEqual([4]);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('continues a tf.train.adam run from its saved weights (same m/v meaning, same bias correction for constant betas)', async () => {
    const v1 = makeVars('tfadam');
    const v2 = makeVars('tfadam');
    const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    // every variable gets a gradient every step here, so positions never shift
    const full = (vars: tf.Variable[], t: number) => vars.map((v, i) => ({ name: v.name, tensor: tf.tidy(() => tf.cos(tf.linspace(0, 2, v.size).mul(t + i + 1)).reshape(v.shape)) }));
    const apply = (o: tf.Optimizer, vars: tf.Variable[], t: number) => {
      const g = full(vars, t);
      o.applyGradients(g);
      tf.dispose(g.map((x) => x.tensor));
    };
    for (let t = 0; t < 5; t++) apply(theirs, v1, t);
    v2.forEach((v, i) => v.assign(v1[i]!));
    const ours = new Adam({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    await ours.setWeights(await snapshot(theirs));
    for (let t = 5; t < 12; t++) {
      apply(theirs, v1, t);
      apply(ours, v2, t);
    }
    expect(maxRelErr(await values(v2), await values(v1))).toBeLessThan(1e-5);
    theirs.dispose();
    ours.dispose();
    [...v1, ...v2].forEach((v) => v.dispose());
  });

  it('SGD loads tf.train.momentum state (<var>/momentum) and continues identically', async () => {
    const v1 = makeVars('tfmom');
    const v2 = makeVars('tfmom');
    const theirs = tf.train.momentum(0.05, 0.9);
    const apply = (o: tf.Optimizer, vars: tf.Variable[], t: number) => {
      const g = vars.map((v, i) => ({ name: v.name, tensor: tf.tidy(() => tf.cos(tf.linspace(0, 2, v.size).mul(t + i + 1)).reshape(v.shape)) }));
      o.applyGradients(g);
      tf.dispose(g.map((x) => x.tensor));
    };
    for (let t = 0; t < 4; t++) apply(theirs, v1, t);
    v2.forEach((v, i) => v.assign(v1[i]!));
    const ours = new SGD({ learningRate: 0.05, momentum: 0.9 });
    await ours.setWeights(await snapshot(theirs));
    for (let t = 4; t < 10; t++) {
      apply(theirs, v1, t);
      apply(ours, v2, t);
    }
    expect(maxRelErr(await values(v2), await values(v1))).toBeLessThan(1e-5);
    theirs.dispose();
    ours.dispose();
    [...v1, ...v2].forEach((v) => v.dispose());
  });

  it('rejects weights it cannot interpret', async () => {
    const opt = new AdamW();
    const bad = [{ name: 'iter', tensor: tf.scalar(1, 'int32') }, { name: 'x/momentum', tensor: tf.zeros([2]) }];
    await expect(opt.setWeights(bad)).rejects.toThrow(HyperscheduleError);
    await expect(opt.setWeights([{ name: 'x/m', tensor: tf.zeros([2]) }])).rejects.toThrow(/iter/);
    tf.dispose(bad.map((b) => b.tensor));
    opt.dispose();
  });
});

describe('getConfig / fromConfig', () => {
  it('AdamW saves the current value of each source and rebuilds through the tfjs registry', () => {
    const lr = { value: 3e-4 };
    const opt = new AdamW({ learningRate: lr, beta1: { value: 0.85 }, weightDecay: 0.05, amsgrad: true, excludeFromWeightDecay: excludeBiasAndNorm });
    lr.value = 1e-4;
    const config = opt.getConfig();
    expect(config).toEqual({ learningRate: 1e-4, beta1: 0.85, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05, amsgrad: true, excludeFromWeightDecay: 'biasAndNorm' });
    expect(opt.getClassName()).toBe('HyperscheduleAdamW');
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['HyperscheduleAdamW']!;
    const copy = fromConfig(cls, { ...config, customObjects: {} }) as AdamW;
    expect(copy).toBeInstanceOf(AdamW);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.excludeFromWeightDecay).toBe(excludeBiasAndNorm);
    // tfjs's own classes stay registered under their names.
    expect(tf.serialization.SerializationMap.getMap().classNameMap['Adam']![0]).not.toBe(Adam);
  });

  it('Adam and SGD round-trip; a custom exclusion is saved as null', () => {
    const adam = new Adam({ learningRate: 0.01, weightDecay: 0.1, excludeFromWeightDecay: (n) => n.endsWith('bias') });
    expect(adam.getConfig()['excludeFromWeightDecay']).toBeNull();
    const sgd = new SGD({ learningRate: { value: 0.1 }, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 5e-4 });
    for (const o of [adam, sgd]) {
      const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[o.getClassName()]!;
      expect(fromConfig(cls, o.getConfig()).getConfig()).toEqual(o.getConfig());
    }
  });
});

describe('validation', () => {
  it('rejects bad constructor values naming the field', () => {
    expect(() => new AdamW({ beta1: 1 })).toThrow(/AdamW\.beta1: got 1, expected a finite number >= 0 and < 1/);
    expect(() => new Adam({ learningRate: -1 })).toThrow(HyperscheduleError);
    expect(() => new AdamW({ epsilon: { value: Number.NaN } })).toThrow(/AdamW\.epsilon\.value: got NaN/);
    expect(() => new SGD({ nesterov: true })).toThrow(/SGD\.momentum/);
    expect(() => new SGD({ nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/SGD\.dampening/);
    expect(() => new SGD({ dampening: 1.5 })).toThrow(/SGD\.dampening/);
    // @ts-expect-error deliberately wrong type
    expect(() => new SGD({ learningRate: '0.1' })).toThrow(/SGD\.learningRate/);
  });

  it('a NaN from a source mid-run throws before any variable or slot changes', async () => {
    const vars = makeVars('nan');
    const lr = { value: 0.01 };
    const opt = new AdamW({ learningRate: lr });
    step(opt, vars, 0);
    const before = await values(vars);
    const slots = await Promise.all((await opt.getWeights()).map(async (w) => Array.from(await w.tensor.data())));
    lr.value = Number.NaN;
    expect(() => step(opt, vars, 1)).toThrow(/AdamW\.learningRate: got NaN/);
    expect(await values(vars)).toEqual(before);
    expect(await Promise.all((await opt.getWeights()).map(async (w) => Array.from(await w.tensor.data())))).toEqual(slots);
    expect(opt.iterations).toBe(1);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('a bad per-variable value names the variable', () => {
    const vars = makeVars('pervar');
    const opt = new SGD({ learningRate: 0.1, momentum: { value: 0.9, valueFor: (n: string) => (n.endsWith('bias') ? -1 : 0.9) } });
    expect(() => step(opt, vars, 0)).toThrow(`SGD.momentum[${vars[1]!.name}]: got -1`);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('rejects gradients for unknown variables', () => {
    const opt = new SGD();
    const g = tf.zeros([2]);
    expect(() => opt.applyGradients({ 'no-such-variable': g })).toThrow(/registered tf\.Variable/);
    g.dispose();
    opt.dispose();
  });
});

describe('memory', () => {
  it('tf.memory().numTensors is flat over 200 updates with values changing every step, and back to baseline after dispose', () => {
    const base = tf.memory().numTensors;
    const vars = makeVars('mem');
    const lr = { value: 0.01 };
    const momentum = { value: 0.9, valueFor: (n: string) => (n.endsWith('bias') ? lr.value * 10 : 0.9) };
    const opts: Array<LiveOptimizer<unknown>> = [
      new AdamW({ learningRate: lr, beta1: { get value() { return 0.9 - lr.value; } }, amsgrad: true, excludeFromWeightDecay: excludeBiasAndNorm }) as LiveOptimizer<unknown>,
      new SGD({ learningRate: lr, momentum, nesterov: true, weightDecay: 1e-4 }) as LiveOptimizer<unknown>,
    ];
    // The scalar caches legitimately hold between a few and ~30 scalars depending on how many
    // distinct values an update used; everything else must be exactly constant.
    const cached = () => opts.reduce((n, o) => n + (o as unknown as { scalars: ScalarCache }).scalars.size, 0);
    const counts: number[] = [];
    const cacheSizes: number[] = [];
    for (let t = 0; t < 200; t++) {
      lr.value = 0.01 * (1 + Math.cos(t / 7)) / 2 + 1e-4;
      for (const o of opts) step(o, vars, t);
      if (t >= 5) {
        counts.push(tf.memory().numTensors - cached());
        cacheSizes.push(cached());
      }
    }
    expect(new Set(counts).size).toBe(1);
    expect(Math.max(...cacheSizes)).toBeLessThanOrEqual(30);
    opts.forEach((o) => o.dispose());
    vars.forEach((v) => v.dispose());
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe('ScalarCache', () => {
  it('reuses a tensor for an unchanged value', () => {
    const cache = new ScalarCache();
    const a = cache.get(0.9);
    cache.sweep();
    expect(cache.get(0.9)).toBe(a);
    cache.dispose();
    expect(a.isDisposed).toBe(true);
  });

  it('property: after a sweep it holds exactly the distinct values requested since the previous sweep', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { maxLength: 8 }), { maxLength: 10 }), (batches) => {
        const base = tf.memory().numTensors;
        const cache = new ScalarCache();
        for (const batch of batches) {
          const tensors = batch.map((v) => cache.get(v));
          tensors.forEach((t, i) => expect(t.dataSync()[0]).toBeCloseTo(Math.fround(batch[i]!), 6));
          cache.sweep();
          expect(cache.size).toBe(new Set(batch).size);
          expect(tf.memory().numTensors - base).toBe(cache.size);
        }
        cache.dispose();
        expect(tf.memory().numTensors).toBe(base);
      }),
      { numRuns: 60 },
    );
  });

  it('scalars survive an enclosing tf.tidy', () => {
    const cache = new ScalarCache();
    const s = tf.tidy(() => cache.get(0.5));
    expect(s.isDisposed).toBe(false);
    cache.dispose();
  });
});

describe('excludeBiasAndNorm', () => {
  it('excludes rank <= 1 and bias/gamma/beta names, keeps kernels', () => {
    expect(excludeBiasAndNorm('dense_Dense1/kernel', [4, 2])).toBe(false);
    expect(excludeBiasAndNorm('dense_Dense1/bias', [2])).toBe(true);
    expect(excludeBiasAndNorm('layer_normalization_LayerNormalization1/gamma', [8])).toBe(true);
    expect(excludeBiasAndNorm('conv/bias_1', [1, 8])).toBe(true);
    expect(excludeBiasAndNorm('scale', [])).toBe(true);
    expect(excludeBiasAndNorm('embedding/embeddings', [100, 8])).toBe(false);
  });

  it('AdamW with the exclusion leaves a bias undecayed: zero gradient + weight decay moves only kernels', async () => {
    const vars = makeVars('excl');
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5, excludeFromWeightDecay: excludeBiasAndNorm });
    const before = await values(vars);
    const zeros = vars.map((v) => ({ name: v.name, tensor: tf.zerosLike(v) }));
    opt.applyGradients(zeros);
    tf.dispose(zeros.map((z) => z.tensor));
    const after = await values(vars);
    expect(after[1]).toEqual(before[1]); // the bias
    after[0]!.forEach((x, j) => expect(x).toBeCloseTo(before[0]![j]! * (1 - 0.1 * 0.5), 6));
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it("a params-layer grouped() weight decay does the same per variable (valueFor)", async () => {
    const vars = makeVars('grouped');
    const opt = new AdamW({ learningRate: { value: 0.1 }, weightDecay: grouped(0.5, [{ match: isBiasOrNorm, value: 0 }]) });
    const before = await values(vars);
    const zeros = vars.map((v) => ({ name: v.name, tensor: tf.zerosLike(v) }));
    opt.applyGradients(zeros);
    tf.dispose(zeros.map((z) => z.tensor));
    const after = await values(vars);
    expect(after[1]).toEqual(before[1]);
    after[2]!.forEach((x, j) => expect(x).toBeCloseTo(before[2]![j]! * (1 - 0.1 * 0.5), 6));
    expect(opt.getConfig()['weightDecay']).toBe(0.5); // the default (.value) is what a config saves
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });
});
