import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSerializedTensor, checkTensorList, serializeTensor, type SerializedTensor } from '../../src/integrations/tensor-json.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const t = (values: number[], dtype: SerializedTensor['dtype'] = 'float32', shape = [values.length]): SerializedTensor => ({ name: 'w', shape, dtype, values });

describe('checkSerializedTensor', () => {
  it.each([
    [t([1, Number.NaN]), {}, 'w.values[1]: got NaN, expected a finite float32'],
    [t([Number.NEGATIVE_INFINITY]), {}, 'w.values[0]: got -Infinity, expected a finite float32'],
    [t([3.5e38]), {}, 'w.values[0]: got 3.5e+38, expected a finite float32'],
    [t([1.5], 'int32'), {}, 'w.values[0]: got 1.5, expected an int32'],
    [t([2 ** 31], 'int32'), {}, 'w.values[0]: got 2147483648, expected an int32'],
    [t([2], 'bool'), {}, 'w.values[0]: got 2, expected 0 or 1 (a bool)'],
    [t([1, -1]), { nonNegative: 'a second moment' }, 'w.values[1]: got -1, expected >= 0 (a second moment)'],
    [t([1, 2], 'float32', [3]), {}, 'w.values: got "2 values", expected 3 numbers (shape [3])'],
    [t([1]), { shape: [8, 8] }, 'w.shape: got [1], expected [8, 8], the shape it loads into'],
    [t([1], 'int32'), { dtype: 'float32' as const }, 'w.dtype: got "int32", expected "float32", the dtype it loads into'],
    [{ ...t([1]), extra: 1 }, {}, 'w.extra: got 1, expected no such field; accepted: name, shape, dtype, values'],
    [{ ...t([1]), shape: [-1] }, {}, 'w.shape: got [-1], expected an array of integers >= 0'],
    [{ ...t([1]), values: ['1'] }, {}, 'w.values[0]: got "1", expected a finite float32'],
  ])('refuses %j naming the field and the first bad value', (tensor, expected, message) => {
    expect(() => checkSerializedTensor(tensor, 'w', expected)).toThrow(message);
  });

  it('accepts well-formed tensors, also with typed-array values', () => {
    expect(checkSerializedTensor(t([0, -1.5, 3.4e38]), 'w')).toEqual(t([0, -1.5, 3.4e38]));
    const typed = { name: 'w', shape: [2], dtype: 'float32' as const, values: new Float32Array([1, 2]) };
    expect(checkSerializedTensor(typed, 'w')).toBe(typed);
  });

  it('creates no tensor, and a serialized tensor passes its own check after a JSON round trip', async () => {
    const tensors = tf.memory().numTensors;
    expect(() => checkSerializedTensor(t([Number.NaN]), 'w')).toThrow(/w\.values\[0\]: got NaN/);
    expect(tf.memory().numTensors).toBe(tensors);
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const json = JSON.parse(JSON.stringify(await serializeTensor('x', x)));
    expect(checkSerializedTensor(json, 'x', { shape: [2, 2], dtype: 'float32' })).toEqual({ name: 'x', shape: [2, 2], dtype: 'float32', values: [1, 2, 3, 4] });
    x.dispose();
  });
});

describe('checkTensorList', () => {
  it('names a bad tensor by its name, or by its index when it has none', () => {
    expect(() => checkTensorList([t([1]), { ...t([Number.NaN]), name: 'b' }], 'list')).toThrow(/^list\.b\.values\[0\]: got NaN/);
    expect(() => checkTensorList([t([1]), { shape: [1] }], 'list')).toThrow(/^list\[1\]\.name: got undefined/);
    expect(() => checkTensorList({}, 'list')).toThrow(/^list: got \{\}, expected an array of tensors$/);
    expect(checkTensorList([t([1])], 'list', () => ({ shape: [1] }))).toHaveLength(1);
  });
});
