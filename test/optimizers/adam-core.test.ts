import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { Adam, AdamS, AdamW, SGDS } from '../../src/optimizers/index.js';
import { setTfOptimizerValues } from '../../src/optimizers/tf-train-values.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let uid = 0;
const variable = (values: number[]): tf.Variable => tf.variable(tf.tensor1d(values), true, `adamcore${uid++}/kernel`);

function fieldError(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

function applyZeroGradient(opt: tf.Optimizer, v: tf.Variable): void {
  const g = tf.zerosLike(v);
  try {
    opt.applyGradients([{ name: v.name, tensor: g }]);
  } finally {
    g.dispose();
  }
}

describe('epsilon must be > 0 (0 and a zero gradient give 0/0 = NaN weights)', () => {
  const makers: [string, (eps: unknown) => tf.Optimizer][] = [
    ['Adam', (epsilon) => new Adam({ epsilon } as never)],
    ['AdamW', (epsilon) => new AdamW({ epsilon } as never)],
    ['AdamS', (epsilon) => new AdamS({ epsilon } as never)],
  ];

  it.each(makers)('%s refuses epsilon 0 (a number or a source) at construction', (label, make) => {
    for (const eps of [0, -0, { value: 0 }, -1e-8]) {
      const e = fieldError(() => make(eps));
      // A source's bad value is named as such.
      expect(e.field).toBe(typeof eps === 'number' ? `${label}.epsilon` : `${label}.epsilon.value`);
      expect(e.allowed).toContain('> 0');
    }
    expect(() => make(1e-12)).not.toThrow();
  });

  it.each(makers)('%s refuses a scheduled epsilon that reaches 0 at the update, leaving the weights as they were', (label, make) => {
    const eps = { value: 1e-8 };
    const opt = make(eps);
    const v = variable([1, -2, 3]);
    applyZeroGradient(opt, v);
    const before = Array.from(v.dataSync());
    eps.value = 0;
    const e = fieldError(() => applyZeroGradient(opt, v));
    expect(e.field).toBe(`${label}.epsilon`);
    expect(Array.from(v.dataSync())).toEqual(before);
    expect(before.every(Number.isFinite)).toBe(true);
    opt.dispose();
    v.dispose();
  });

  it('a config saved with epsilon 0 is refused on load', () => {
    expect(fieldError(() => AdamW.fromConfig(AdamW as never, { learningRate: 1e-3, epsilon: 0 })).field).toBe('AdamW.epsilon');
  });
});

describe('decoupled weight decay never flips a weight: lr * wd must stay below 1', () => {
  it('AdamW refuses lr * weightDecay >= 1 at the update, before anything changes', () => {
    const wd = { value: 0.01 };
    const opt = new AdamW({ learningRate: 1e-3, weightDecay: wd });
    const v = variable([1, -2, 3]);
    applyZeroGradient(opt, v);
    const before = Array.from(v.dataSync());
    wd.value = 5e6; // lambda / sqrt(vbar) after a first gradient of 1e-8 over 1e4 parameters
    const e = fieldError(() => applyZeroGradient(opt, v));
    expect(e.field).toBe('AdamW.weightDecay');
    expect(e.allowed).toContain('learningRate * weightDecay < 1');
    expect(Array.from(v.dataSync())).toEqual(before);
    opt.dispose();
    v.dispose();
  });

  it('AdamW refuses it at construction when both are numbers', () => {
    expect(fieldError(() => new AdamW({ learningRate: 0.5, weightDecay: 2 })).field).toBe('AdamW.weightDecay');
    expect(() => new AdamW({ learningRate: 0.5, weightDecay: 1.9 })).not.toThrow();
    // Adam's weight decay is an L2 term added to the gradient, not a shrink factor: no such limit.
    expect(() => new Adam({ learningRate: 0.5, weightDecay: 2 })).not.toThrow();
  });

  it('SGDS refuses a decay rate lr * wd * (1 - dampening) / (1 - momentum) >= 1', () => {
    const opt = new SGDS({ learningRate: 0.1, momentum: 0.999, weightDecay: 0.05 }); // rate 5
    const v = variable([1, -2, 3]);
    const e = fieldError(() => applyZeroGradient(opt, v));
    expect(e.field).toBe(`SGDS.weightDecay[${v.name}]`);
    expect(Array.from(v.dataSync())).toEqual([1, -2, 3]);
    opt.dispose();
    v.dispose();
  });
});

describe('setTfOptimizerValues', () => {
  it('refuses keys it does not know (a typo would otherwise change nothing), naming the closest one', () => {
    const opt = tf.train.momentum(0.1, 0.9);
    const e = fieldError(() => setTfOptimizerValues(opt, { learningrate: 0.5 } as never));
    expect(e.field).toBe('setTfOptimizerValues.values.learningrate');
    expect(e.allowed).toContain('did you mean "learningRate"?');
    expect(fieldError(() => setTfOptimizerValues(opt, { epsilon: 0 } as never)).field).toBe('setTfOptimizerValues.values.epsilon');
    opt.dispose();
  });
});
