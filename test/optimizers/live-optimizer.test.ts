/**
 * LiveOptimizer's saved state: setWeights checks the whole list before changing anything, and
 * the first update after a restore matches the restored state to its variables by name, or by
 * name stem and creation order — never by position alone. Also the shared weight layouts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { AdamS, AdamW, SGD } from '../../src/optimizers/index.js';
import type { LiveOptimizer, NamedTensor } from '../../src/optimizers/live-optimizer.js';
import { parseOptimizerWeights, weightLayoutOf } from '../../src/optimizers/weight-layout.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let uid = 0;
const created: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const c of created.splice(0)) c.dispose();
});

/** Two variables `<tag><n>/kernel` [2, 3] and `<tag><n>/bias` [3], fixed values; `n` is fresh each call (like tfjs layers). */
function vars(tag: string): tf.Variable[] {
  const n = ++uid;
  const out = [
    tf.variable(tf.tensor2d([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [2, 3]), true, `${tag}${n}/kernel`),
    tf.variable(tf.tensor1d([0.01, 0.02, -0.03]), true, `${tag}${n}/bias`),
  ];
  created.push(...out);
  return out;
}

function step(opt: tf.Optimizer, vs: tf.Variable[], t: number, only?: number): void {
  const grads = vs
    .filter((_, i) => only === undefined || i === only)
    .map((v, i) => ({ name: v.name, tensor: tf.tidy(() => tf.sin(tf.add(tf.linspace(0, 2, v.size), t + i)).reshape(v.shape)) }));
  opt.applyGradients(grads);
  tf.dispose(grads.map((g) => g.tensor));
}

function own<T extends { dispose(): void }>(o: T): T {
  created.push(o);
  return o;
}

async function stateOf(opt: tf.Optimizer): Promise<unknown> {
  const w = await opt.getWeights();
  const out = await Promise.all(w.map(async (x) => [x.name, x.tensor.shape, Array.from(await x.tensor.data())]));
  for (const x of w) if (!(x.tensor instanceof tf.Variable)) x.tensor.dispose();
  return { weights: out, iterations: opt.iterations };
}

async function saved(opt: tf.Optimizer): Promise<NamedTensor[]> {
  return (await opt.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
}

/** A new optimizer from `make`, given `source`'s saved weights (as a resumed run gets them). */
async function restoredCopy<T extends tf.Optimizer & { dispose(): void }>(source: tf.Optimizer, make: () => T): Promise<T> {
  const list = await saved(source);
  const resumed = own(make());
  await resumed.setWeights(list);
  tf.dispose(list.map((w) => w.tensor));
  return resumed;
}

async function values(vs: tf.Variable[]): Promise<number[][]> {
  return Promise.all(vs.map(async (v) => Array.from(await v.data())));
}

describe('LiveOptimizer.setWeights refuses state it cannot load, changing nothing', () => {
  async function trainedPair(): Promise<{ target: LiveOptimizer<unknown>; list: NamedTensor[] }> {
    const vs = vars('src');
    const source = own(new AdamW({ learningRate: 0.01 }));
    for (let t = 0; t < 3; t++) step(source, vs, t);
    const list = await saved(source);
    const target = own(new AdamW({ learningRate: 0.01 })) as unknown as LiveOptimizer<unknown>;
    const tv = vars('dst');
    for (let t = 0; t < 5; t++) step(target, tv, t);
    created.push({ dispose: () => tf.dispose(list.map((w) => w.tensor)) });
    return { target, list };
  }

  const replace = (list: NamedTensor[], name: string, tensor: tf.Tensor | undefined): NamedTensor[] => {
    if (tensor) created.push(tensor);
    return list.flatMap((w) => (w.name.endsWith(name) ? (tensor ? [{ name: w.name, tensor }] : []) : [w]));
  };

  it.each([
    ['iter -1', (l: NamedTensor[]) => replace(l, 'iter', tf.scalar(-1, 'int32')), /AdamW\.setWeights\.iter: got -1, expected a finite integer >= 0 and <= 2147483647/],
    ['iter 1.5', (l: NamedTensor[]) => replace(l, 'iter', tf.scalar(1.5, 'float32')), /iter: got 1\.5/],
    ['iter 2.6e9', (l: NamedTensor[]) => replace(l, 'iter', tf.scalar(2.6e9, 'float32')), /iter: got 2600000000/],
    ['a missing v slot', (l: NamedTensor[]) => replace(l, 'bias/v', undefined), /bias\/v: got undefined, expected every slot of src\d+\/bias \(m, v\)/],
    ['an unknown slot', (l: NamedTensor[]) => [...l, { name: 'src/kernel/velocity', tensor: own(tf.zeros([2, 3])) }], /src\/kernel\/velocity: got "src\/kernel\/velocity", expected a slot of AdamW: m, v, step$/],
    ['slots of different shapes', (l: NamedTensor[]) => replace(l, 'kernel/v', tf.zeros([1])), /kernel\/v\.shape: got \[1\], expected \[2, 3\], as src\d+\/kernel's other slots/],
    ['a step above iter', (l: NamedTensor[]) => [...l, { name: `${l[1]!.name.slice(0, -2)}/step`, tensor: own(tf.scalar(9, 'int32')) }], /\/step: got 9, expected a finite integer >= 0 and <= 3/],
    ['a repeated name', (l: NamedTensor[]) => [...l, l[1]!], /AdamW\.setWeights\.src\d+\/kernel\/m: got ".*", expected each name once/],
    ['iter not first', (l: NamedTensor[]) => [...l.slice(1), l[0]!], /AdamW\.setWeights\[0\]: got ".*", expected "iter"/],
  ])('%s', async (_label, corrupt, message) => {
    const { target, list } = await trainedPair();
    const bad = corrupt(list);
    const before = await stateOf(target);
    const tensors = tf.memory().numTensors;
    await expect(target.setWeights(bad)).rejects.toThrow(message);
    expect(await stateOf(target)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('AdamS refuses a negative or non-finite second-moment sum before anything changes', async () => {
    const vs = vars('s');
    const source = own(new AdamS({ learningRate: 0.01, weightDecay: 1e-3 }));
    for (let t = 0; t < 3; t++) step(source, vs, t);
    const target = own(new AdamS({ learningRate: 0.01, weightDecay: 1e-3 }));
    for (let t = 0; t < 2; t++) step(target, vars('s'), t);
    const list = await saved(source);
    created.push({ dispose: () => tf.dispose(list.map((w) => w.tensor)) });
    const before = await stateOf(target);
    const bad = list.map((w) => (w.name === 'AdamS/secondMomentSum' ? { name: w.name, tensor: own(tf.scalar(-1)) } : w));
    await expect(target.setWeights(bad)).rejects.toThrow(/AdamS\.setWeights\.AdamS\/secondMomentSum: got -1, expected a finite number >= 0/);
    expect(await stateOf(target)).toEqual(before);
  });
});

describe('the first update after a restore matches state by name, or by name stem and order', () => {
  it('renumbered variables listed in another order get their own state (names, not positions)', async () => {
    const a = vars('dense');
    const b = vars('dense');
    const opt = own(new AdamW({ learningRate: 0.05 }));
    for (let t = 0; t < 3; t++) step(opt, a, t);
    const resumed = await restoredCopy(opt, () => new AdamW({ learningRate: 0.05 }));
    step(resumed, [b[1]!, b[0]!], 3);
    const weights = await resumed.getWeights();
    expect(weights.slice(1).map((w) => [w.name, w.tensor.shape])).toEqual([
      [`${b[0]!.name}/m`, [2, 3]],
      [`${b[1]!.name}/m`, [3]],
      [`${b[0]!.name}/v`, [2, 3]],
      [`${b[1]!.name}/v`, [3]],
    ]);
    weights[0]!.tensor.dispose();
  });

  it('continues exactly like the uninterrupted optimizer', async () => {
    const a = vars('layer');
    const b = vars('layer');
    const straight = own(new AdamW({ learningRate: 0.05 }));
    for (let t = 0; t < 3; t++) step(straight, a, t);
    b.forEach((v, i) => v.assign(a[i]!));
    const resumed = await restoredCopy(straight, () => new AdamW({ learningRate: 0.05 }));
    for (let t = 3; t < 7; t++) {
      step(straight, a, t);
      step(resumed, b, t);
    }
    expect(await values(b)).toEqual(await values(a));
    expect(resumed.stepOf(b[0]!.name)).toBe(7);
  });

  it('unrelated names throw at that update, naming them, and change nothing; the right variables then load', async () => {
    const a = vars('enc');
    const opt = own(new AdamW({ learningRate: 0.05 }));
    for (let t = 0; t < 3; t++) step(opt, a, t);
    const resumed = await restoredCopy(opt, () => new AdamW({ learningRate: 0.05 }));
    const other = vars('dec');
    const before = await values(other);
    expect(() => step(resumed, other, 3)).toThrow(/AdamW\.applyGradients: got \["dec\d+\/kernel","dec\d+\/bias"\], expected variables matching the restored optimizer state .* named like "dec\/kernel"/);
    expect(await values(other)).toEqual(before);
    expect(resumed.iterations).toBe(3);
    const right = vars('enc');
    right.forEach((v, i) => v.assign(a[i]!));
    step(opt, a, 3);
    step(resumed, right, 3);
    expect(await values(right)).toEqual(await values(a));
  });

  it('a restored state without a gradient this update (a frozen layer) waits under its saved name', async () => {
    const a = vars('f');
    const opt = own(new SGD({ learningRate: 0.1, momentum: 0.9 }));
    for (let t = 0; t < 2; t++) step(opt, a, t);
    const resumed = await restoredCopy(opt, () => new SGD({ learningRate: 0.1, momentum: 0.9 }));
    const b = vars('f');
    step(resumed, b, 2, 0);
    const weights = await resumed.getWeights();
    expect(weights.map((w) => w.name).filter((n) => n.endsWith('/momentum'))).toEqual([`${b[0]!.name}/momentum`, `${a[1]!.name}/momentum`]);
    for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  });

  it('a state of another shape is refused before the update', async () => {
    const opt = own(new AdamW({ learningRate: 0.05 }));
    const w = own(tf.variable(tf.zeros([2]), true, `shape${++uid}/w`));
    step(opt, [w], 0);
    const list = (await saved(opt)).map((x) => (x.name.endsWith('/m') || x.name.endsWith('/v') ? { name: x.name, tensor: own(tf.zeros([3])) } : x));
    const resumed = own(new AdamW({ learningRate: 0.05 }));
    await resumed.setWeights(list);
    const before = Array.from(await w.data());
    expect(() => step(resumed, [w], 1)).toThrow(/AdamW\.applyGradients: got \[2\], expected \[3\], the shape of shape\d+\/w's optimizer state/);
    expect(Array.from(await w.data())).toEqual(before);
    expect(resumed.iterations).toBe(1);
  });
});

describe('weight layouts', () => {
  it("hyperschedule's optimizers describe their own; tf.train's come from a table; Adamax and unknown classes have none", () => {
    expect(weightLayoutOf(new AdamW())).toMatchObject({ optimizer: 'AdamW', slots: ['m', 'v'], nonNegativeSlots: ['v'], byPosition: false, stepSlot: true, extras: [] });
    expect(weightLayoutOf(new AdamW({ amsgrad: true }))).toMatchObject({ slots: ['m', 'v', 'vhat'], nonNegativeSlots: ['v', 'vhat'] });
    expect(weightLayoutOf(new SGD({ learningRate: 0.1 }))).toMatchObject({ slots: ['momentum'], nonNegativeSlots: [] });
    expect(weightLayoutOf(new AdamS())).toMatchObject({ extras: ['AdamS/secondMomentSum'] });
    expect(weightLayoutOf(tf.train.adam(0.1))).toMatchObject({ slots: ['m', 'v'], nonNegativeSlots: ['v'], byPosition: true });
    expect(weightLayoutOf(tf.train.rmsprop(0.1, 0.9, 0, 1e-7, true))?.slots).toEqual(['rms', 'momentum', 'mg']);
    expect(weightLayoutOf(tf.train.rmsprop(0.1))?.slots).toEqual(['rms', 'momentum']);
    expect(weightLayoutOf(tf.train.adagrad(0.1))?.nonNegativeSlots).toEqual(['accumulator']);
    expect(weightLayoutOf(tf.train.adadelta(0.1))?.nonNegativeSlots).toEqual(['accum_grad', 'accum_var']);
    expect(weightLayoutOf(tf.train.sgd(0.1))?.slots).toEqual([]);
    expect(weightLayoutOf(tf.train.adamax(0.1))).toBeUndefined(); // tfjs has no Adamax getWeights/setWeights
    expect(weightLayoutOf({})).toBeUndefined();
  });

  it('tf.train lists: one block per slot, in slot order', () => {
    const layout = weightLayoutOf(tf.train.adam(0.1))!;
    const iter = { name: 'iter', shape: [], scalar: 2 };
    const ok = parseOptimizerWeights([iter, { name: 'a/m', shape: [2] }, { name: 'b/m', shape: [1] }, { name: 'b/v', shape: [1] }, { name: 'a/v', shape: [2] }], layout, 'opt');
    expect([...ok.variables.keys()]).toEqual(['a', 'b']);
    expect(() => parseOptimizerWeights([iter, { name: 'a/m', shape: [2] }, { name: 'a/v', shape: [2] }, { name: 'b/m', shape: [1] }, { name: 'b/v', shape: [1] }], layout, 'opt')).toThrow(
      /opt\[2\]: got "a\/v", expected a "\/m" slot \(one block per slot\)/,
    );
    expect(() => parseOptimizerWeights([iter, { name: 'a/step', shape: [] , scalar: 1 }], weightLayoutOf(new AdamW())!, 'opt')).toThrow(/opt\.a\/step: got "a", expected the step of a variable with slots/);
  });

  it('errors are HyperscheduleErrors', () => {
    expect(() => parseOptimizerWeights([], weightLayoutOf(new AdamW())!, 'opt')).toThrow(HyperscheduleError);
  });
});
