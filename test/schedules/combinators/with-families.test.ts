// Combinators over the real families: the compositions users write, checked against the
// published formulas (optax, PyTorch SequentialLR / ChainedScheduler, the reference study).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clamp, constant, cosine, exponentialDecay, linear, product, quantize, repeat, scale, sequence, shift, stepDecay, warmup,
} from '../../../src/index.js';
import { num } from './leaves.js';

const close = (a: number, b: number, rel = 1e-12): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(a), Math.abs(b)));
};

describe('combinators over families', () => {
  it('optax warmup_cosine_decay_schedule = warmup(cosine) with decay steps counting the warmup', () => {
    fc.assert(fc.property(num(0, 0.01), num(1e-3, 1), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 2000 }), num(0, 1e-3), (init, peak, W, D, end) => {
      const decay = cosine({ init: peak, duration: D, min: end });
      const s = warmup(decay, { duration: W, from: init });
      const decaySteps = W + D;
      const optax = (t: number): number => (t < W
        ? init + ((peak - init) * t) / W
        : end + (peak - end) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t - W, decaySteps - W)) / (decaySteps - W))));
      for (const t of [0, W / 2, W - 1, W, W + 1, W + D / 2, W + D, W + D + 100]) close(s.at(t), optax(t), 1e-12);
      // Warmup ends exactly at the peak: the child's value at its time 0 (= peak up to float rounding).
      expect(s.at(W)).toBe(decay.at(0));
    }));
  });

  it('the reference study: LinearLR 0.1 -> 1 over 6 epochs, then cosine over the remaining 94, per epoch', () => {
    for (const base of [1e-5, 4.6e-4, 5e-3]) {
      const lr = warmup(cosine({ init: base, duration: 94, unit: 'epoch' }), { duration: 6, from: 0.1 * base });
      expect(lr.unit).toBe('epoch');
      for (let e = 0; e < 100; e++) {
        const torch = e < 6 ? base * (0.1 + (0.9 * e) / 6) : (base * (1 + Math.cos((Math.PI * (e - 6)) / 94))) / 2;
        close(lr.at(e), torch, 1e-12);
      }
    }
  });

  it('sequence of linear warmup and cosine is continuous at the join and restarts the cosine', () => {
    fc.assert(fc.property(num(1e-3, 1), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5000 }), (peak, W, D) => {
      const s = sequence([linear({ init: 0, end: peak, duration: W }), cosine({ init: peak, duration: D })], [W]);
      expect(s.at(W)).toBe(peak);
      close(s.at(W - 1e-9 * W), peak, 1e-6);
      close(s.at(W + D / 2), peak / 2, 1e-12);
    }));
  });

  it('product of factors = PyTorch ChainedScheduler(StepLR, ExponentialLR)', () => {
    const base = 0.1;
    const s = product([constant({ value: base }), stepDecay({ init: 1, stepSize: 30, gamma: 0.1 }), exponentialDecay({ init: 1, rate: 0.99 })]);
    for (const t of [0, 1, 29, 30, 31, 59, 60, 89, 90, 200]) close(s.at(t), base * 0.1 ** Math.floor(t / 30) * 0.99 ** t, 1e-12);
  });

  it('quantize to whole epochs gives the per-epoch PyTorch values on a per-step schedule', () => {
    const run = { epochs: 10, stepsPerEpoch: 88 };
    const smooth = cosine({ init: 0.1, duration: '10ep' }, { run });
    const perEpoch = quantize(smooth, '1ep', { run });
    const byEpoch = cosine({ init: 0.1, duration: 10, unit: 'epoch' });
    for (let step = 0; step < 880; step += 7) {
      close(perEpoch.at(step), byEpoch.at(Math.floor(step / 88)), 1e-12);
    }
    expect(perEpoch.at(87)).toBe(perEpoch.at(0));
    expect(perEpoch.at(88)).not.toBe(perEpoch.at(87));
  });
});

describe('end of combinators', () => {
  const lin = linear({ init: 1, end: 0.1, duration: 10 });
  it('follows from the children', () => {
    expect(warmup(lin, { duration: 5 }).end).toBe(15);
    expect(warmup(lin, { duration: 5, overlap: true }).end).toBe(10);
    expect(warmup(lin, { duration: 20, overlap: true }).end).toBe(20);
    expect(sequence([lin, cosine({ init: 1, duration: 30 })], [10]).end).toBe(40);
    expect(sequence([lin, exponentialDecay({ init: 1, rate: 0.5 })], [10]).end).toBeUndefined();
    expect(product([lin, constant({ value: 2 })]).end).toBe(10);
    expect(product([lin, stepDecay({ init: 1, stepSize: 3, gamma: 0.5 })]).end).toBeUndefined();
    expect(quantize(lin, 3).end).toBe(12);
    expect(repeat(lin, 4).end).toBeUndefined();
    expect(repeat(constant({ value: 1 }), 4).end).toBe(0);
    expect(shift(lin, 7).end).toBe(17);
    expect(scale(lin, 2).end).toBe(10);
    expect(clamp(lin, { min: 0.5 }).end).toBe(10);
  });

  it('at(t) === at(end) past the end of a nested composition', () => {
    const s = clamp(sequence([warmup(lin, { duration: 3 }), quantize(shift(lin, 2), 4)], [13]), { max: 0.9 });
    const end = s.end!;
    expect(end).toBe(13 + 12);
    for (const dt of [0, 0.5, 1, 100, 1e9]) expect(s.at(end + dt)).toBe(s.at(end));
  });
});
