import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createViT, resolveViTConfig, tokenCount, VIT_PRESETS, vitForwardFlops, vitParamCount } from '../../../examples/vit/model.js';
import { HyperscheduleError } from '../../../src/errors.js';

// wasm: the backend the example trains on (and ~10x faster than cpu for the reference forward).
beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('ViT presets and parameter layout', () => {
  it('the reference preset has exactly the study\'s 12,470,026 parameters', () => {
    expect(vitParamCount(VIT_PRESETS.reference)).toBe(12_470_026);
    // The same count from the study's layer list (omihub777 ViT-CIFAR layout): patch Linear(48, 384),
    // class token, positional embedding for 65 tokens, 7 blocks of [LN, q/k/v/o Linear(384, 384),
    // LN, Linear(384, 1536), Linear(1536, 384)], head LN + Linear(384, 10).
    const D = 384;
    const block = 2 * D + 4 * (D * D + D) + 2 * D + (D * 1536 + 1536) + (1536 * D + D);
    expect(48 * D + D + D + 65 * D + 7 * block + 2 * D + (D * 10 + 10)).toBe(12_470_026);
  });

  it('a built reference model holds that many scalars, and disposing frees every tensor', () => {
    const before = tf.memory().numTensors;
    const vit = createViT('reference', 0);
    expect(vit.paramCount).toBe(12_470_026);
    expect(vit.variables.reduce((n, v) => n + v.size, 0)).toBe(12_470_026);
    expect(tf.memory().numTensors - before).toBe(vit.variables.length);
    vit.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the reference keeps the study\'s quirks: sqrt(width) scaling, GELU after both MLP linears, LN-ReLU-Linear head', () => {
    expect(VIT_PRESETS.reference).toMatchObject({
      imageSize: 32, patchSize: 4, hidden: 384, mlpHidden: 1536, heads: 8, layers: 7, numClasses: 10,
      attentionScale: 'width', mlpGelu: 'both', head: 'norm-relu-linear',
    });
    expect(tokenCount(VIT_PRESETS.reference)).toBe(65);
  });

  it('names every parameter uniquely and marks only matmul weights for weight decay', () => {
    const vit = createViT('tiny', 1);
    const names = vit.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(vit.variables.map((v) => v.name)).size).toBe(names.length);
    for (const p of vit.params) {
      expect(p.variable.name.endsWith(`/${p.name}`)).toBe(true);
      expect(p.decay).toBe(p.kind === 'weight');
      if (p.name.endsWith('.bias') && !p.name.includes('norm')) expect(p.kind).toBe('bias');
      if (p.name.includes('norm')) expect(p.kind).toBe('norm');
    }
    expect(vit.params.filter((p) => p.kind === 'embedding').map((p) => p.name)).toEqual(['cls_token', 'pos_embed']);
    // Two models coexist (e.g. a best-checkpoint copy) without tf variable-name clashes.
    const other = createViT('tiny', 1);
    other.dispose();
    vit.dispose();
  });

  it('initialises like PyTorch: Linear U(+-1/sqrt(fan_in)), embeddings N(0, 1), LayerNorm 1/0', () => {
    const vit = createViT('small', 3);
    const get = (name: string) => vit.params.find((p) => p.name === name)!.variable.dataSync() as Float32Array;
    const w = get('blocks.0.attn.q.weight');
    const bound = 1 / Math.sqrt(192);
    const maxAbs = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs).toBeLessThanOrEqual(bound);
    expect(maxAbs).toBeGreaterThan(0.99 * bound);
    const pos = get('pos_embed');
    const mean = pos.reduce((s, v) => s + v, 0) / pos.length;
    const std = Math.sqrt(pos.reduce((s, v) => s + (v - mean) ** 2, 0) / pos.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.97);
    expect(std).toBeLessThan(1.03);
    expect(new Set(get('blocks.1.norm2.weight'))).toEqual(new Set([1]));
    expect(new Set(get('head.norm.bias'))).toEqual(new Set([0]));
    vit.dispose();
  });

  it('counts forward matmul FLOPs of the small preset (batch 32) term by term', () => {
    const [B, T, D, M] = [32, 65, 192, 384];
    const perLayer = 4 * 2 * B * T * D * D + 2 * 2 * B * T * T * D + 2 * 2 * B * T * D * M;
    expect(vitForwardFlops(VIT_PRESETS.small, B)).toBe(2 * B * 64 * 48 * D + 2 * perLayer + 2 * B * D * 10);
  });

  it('rejects inconsistent configurations with the field and the allowed values', () => {
    expect(() => resolveViTConfig({ preset: 'small', heads: 5 })).toThrowError(/vit\.heads: got 5, expected a divisor of hidden 192/);
    expect(() => resolveViTConfig({ preset: 'tiny', patchSize: 5 })).toThrowError(HyperscheduleError);
    expect(() => resolveViTConfig({ preset: 'tiny', layers: 0 })).toThrowError(/vit\.layers/);
    expect(() => resolveViTConfig('huge' as 'tiny')).toThrowError(/vit\.preset/);
  });
});

describe('ViT forward pass', () => {
  it('maps [B, 32, 32, 3] to [B, 10] logits for every preset, without leaking tensors', () => {
    for (const preset of ['tiny', 'small', 'reference'] as const) {
      const vit = createViT(preset, 1);
      const before = tf.memory().numTensors;
      const logits = tf.tidy(() => vit.apply(tf.randomNormal([2, 32, 32, 3]) as tf.Tensor4D));
      expect(logits.shape).toEqual([2, 10]);
      expect(logits.dtype).toBe('float32');
      expect(logits.dataSync().every(Number.isFinite)).toBe(true);
      logits.dispose();
      expect(tf.memory().numTensors).toBe(before);
      vit.dispose();
    }
  });

  it('is deterministic by seed, and different seeds give different models', () => {
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const run = (seed: number) => {
      const vit = createViT('tiny', seed);
      const out = tf.tidy(() => vit.apply(x).arraySync());
      vit.dispose();
      return out;
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
    x.dispose();
  });

  it('rejects inputs of the wrong shape', () => {
    const vit = createViT('tiny', 1);
    expect(() => tf.tidy(() => vit.apply(tf.zeros([1, 28, 28, 3]) as tf.Tensor4D))).toThrowError(/vit\.input\.shape/);
    vit.dispose();
    expect(() => vit.apply(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D)).toThrowError(/disposed/);
  });

  it('the attention-scale and MLP quirks change the function (they are wired in)', () => {
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const out = (overrides: Parameters<typeof resolveViTConfig>[0]) => {
      const vit = createViT(overrides, 9);
      const v = tf.tidy(() => vit.apply(x).arraySync());
      vit.dispose();
      return v;
    };
    const base = out({ preset: 'tiny' });
    expect(out({ preset: 'tiny', attentionScale: 'head' })).not.toEqual(base);
    expect(out({ preset: 'tiny', mlpGelu: 'first' })).not.toEqual(base);
    expect(out({ preset: 'tiny', head: 'norm-linear' })).not.toEqual(base);
    x.dispose();
  });

  it('snapshot/restore brings weights back', () => {
    const vit = createViT('tiny', 1);
    const x = tf.ones([1, 32, 32, 3]) as tf.Tensor4D;
    const before = tf.tidy(() => vit.apply(x).arraySync());
    const snap = vit.snapshot();
    for (const v of vit.variables) v.assign(tf.tidy(() => tf.zerosLike(v)));
    expect(tf.tidy(() => vit.apply(x).arraySync())).not.toEqual(before);
    vit.restore(snap);
    expect(tf.tidy(() => vit.apply(x).arraySync())).toEqual(before);
    snap.forEach((t) => t.dispose());
    x.dispose();
    vit.dispose();
  });

  it('gives the same logits on wasm as on cpu', async () => {
    const logits = () => {
      const vit = createViT('small', 2); // same seed: same initial weights on any backend
      const x = tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
      const out = tf.tidy(() => vit.apply(x).arraySync());
      x.dispose();
      vit.dispose();
      return out.flat();
    };
    const wasm = logits();
    await tf.setBackend('cpu');
    try {
      const cpu = logits();
      cpu.forEach((v, i) => expect(wasm[i]).toBeCloseTo(v, 3));
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
