import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';

/**
 * A tensor as plain JSON (name, shape, dtype, values), for checkpoints.
 *
 * @example
 * ```ts
 * import type { SerializedTensor } from 'hyperschedule';
 * const t: SerializedTensor = { name: 'iter', shape: [], dtype: 'int32', values: [12] };
 * ```
 */
export interface SerializedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly values: readonly number[];
}

/**
 * Reads a tensor into a {@link SerializedTensor} (float32 values survive the JSON round trip
 * exactly). Does not dispose `tensor`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { serializeTensor } from './tensor-json.js';
 * await serializeTensor('w', tf.tensor1d([1, 2])); // { name: 'w', shape: [2], dtype: 'float32', values: [1, 2] }
 * ```
 */
export async function serializeTensor(name: string, tensor: tf.Tensor): Promise<SerializedTensor> {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new HyperscheduleError(`${name}.dtype`, tensor.dtype, '"float32", "int32" or "bool"');
  }
  const data = await tensor.data();
  return { name, shape: [...tensor.shape], dtype: tensor.dtype, values: Array.from(data as ArrayLike<number>) };
}

/**
 * Rebuilds a tensor from a {@link SerializedTensor} (validated).
 *
 * @example
 * ```ts
 * import { deserializeTensor } from './tensor-json.js';
 * deserializeTensor({ name: 'w', shape: [2], dtype: 'float32', values: [1, 2] }).shape; // [2]
 * ```
 */
export function deserializeTensor(serialized: SerializedTensor, field = 'tensor'): tf.Tensor {
  const { shape, dtype, values } = serialized ?? ({} as SerializedTensor);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new HyperscheduleError(`${field}.shape`, shape, 'an array of integers >= 0');
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new HyperscheduleError(`${field}.dtype`, dtype, '"float32", "int32" or "bool"');
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(values) || values.length !== size || !values.every((v) => typeof v === 'number')) {
    throw new HyperscheduleError(`${field}.values`, Array.isArray(values) ? `${values.length} values` : values, `${size} numbers`);
  }
  return tf.tensor(values as number[], [...shape], dtype);
}
