import { describe, expect, test } from 'vitest';
import { param } from '../../src/params/parameter.js';
import { grouped, isBiasOrNorm, isGroupedValueSource, readValueFor } from '../../src/values/grouped.js';

describe('grouped values', () => {
  test('first matching group decides; others get the live base', () => {
    const lr = param('lr', { initial: 1e-3 });
    const g = grouped(lr, [
      { match: isBiasOrNorm, value: 0 },
      { match: 'embedding', scale: 0.1 },
      { match: /head/, value: param('headLr', { initial: 5e-3 }) },
    ]);
    expect(g.valueFor('dense_Dense1/bias')).toBe(0);
    expect(g.valueFor('embedding_Embedding1/embeddings')).toBeCloseTo(1e-4, 15);
    expect(g.valueFor('head_Dense3/kernel')).toBe(5e-3);
    expect(g.valueFor('dense_Dense1/kernel')).toBe(1e-3);
    lr.set(2e-3);
    expect(g.value).toBe(2e-3);
    expect(g.valueFor('embedding_Embedding1/embeddings')).toBeCloseTo(2e-4, 15);
    expect(isGroupedValueSource(g)).toBe(true);
    expect(readValueFor(0.5, 'x')).toBe(0.5);
    expect(readValueFor(g, 'dense_Dense1/bias')).toBe(0);
  });

  test('isBiasOrNorm covers tfjs-layers names', () => {
    expect(['dense_Dense1/bias', 'dense_Dense1/bias_1', 'layer_normalization_LayerNormalization1/gamma', 'batch_normalization_BatchNormalization2/beta']
      .every(isBiasOrNorm)).toBe(true);
    expect(['dense_Dense1/kernel', 'embedding_Embedding1/embeddings', 'conv2d_Conv2D1/kernel'].some(isBiasOrNorm)).toBe(false);
  });

  test('bad groups are refused at construction', () => {
    expect(() => grouped(Number.NaN, [])).toThrow(/grouped.base/);
    expect(() => grouped(1, [{ match: 'x', scale: -1 }])).toThrow(/grouped.groups.0.scale/);
    expect(() => grouped(1, [{ match: 3 as never, value: 1 }])).toThrow(/grouped.groups.0.match/);
    expect(() => grouped(1, [{ match: 'x', value: { value: 'a' } as never }])).toThrow(/grouped.groups.0.value/);
  });
});
