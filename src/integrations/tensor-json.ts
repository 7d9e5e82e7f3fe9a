import type * as tf from '@tensorflow/tfjs-core';
import { checkObject, checkString, checkUnknown } from '../check.js';
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

/** The largest finite float32: a larger JSON number would load as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** The dtypes a checkpoint stores. */
const TENSOR_DTYPES: readonly SerializedTensor['dtype'][] = ['float32', 'int32', 'bool'];
/** What each dtype's values must be, for messages. */
const VALUE_ALLOWED = { float32: 'a finite float32', int32: 'an int32', bool: '0 or 1 (a bool)' } as const;
/** Exactly the four fields; what they hold is checked by {@link checkSerializedTensor}. */
const readTensor = checkObject({ name: checkString(), shape: checkUnknown(), dtype: checkUnknown(), values: checkUnknown() });

/**
 * What a saved tensor must be besides well-formed and finite: its shape and dtype (those of the
 * tensor it will load into), and `>= 0` for state that is a sum of squares (second moments).
 */
export interface TensorExpectation {
  readonly shape?: readonly number[];
  readonly dtype?: SerializedTensor['dtype'];
  /** Why the values must be >= 0, for the message (e.g. `'a second moment'`); absent: any sign. */
  readonly nonNegative?: string;
}

/**
 * Checks a tensor's shape (integers >= 0) and dtype, naming `field.shape` / `field.dtype`, and
 * returns its element count: the one check of both, for JSON tensors and binary headers alike.
 *
 * @example
 * ```ts
 * import { checkShapeAndDtype } from './tensor-json.js';
 * checkShapeAndDtype([2, 3], 'float32', 'w'); // 6
 * ```
 */
export function checkShapeAndDtype(shape: unknown, dtype: unknown, field: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new HyperscheduleError(`${field}.shape`, shape, 'an array of integers >= 0');
  }
  if (!TENSOR_DTYPES.includes(dtype as SerializedTensor['dtype'])) throw new HyperscheduleError(`${field}.dtype`, dtype, '"float32", "int32" or "bool"');
  return (shape as number[]).reduce((a, b) => a * b, 1);
}

/**
 * Checks every value of a tensor: finite and representable in `dtype` (float32 range, int32
 * integers, bool 0/1), and >= 0 when `nonNegative` says why. Names the first bad one
 * (`w.values[17]: got NaN, expected a finite float32`).
 *
 * @example
 * ```ts
 * import { checkTensorValues } from './tensor-json.js';
 * checkTensorValues([1, 2], 'float32', 'w'); // fine
 * ```
 */
export function checkTensorValues(values: ArrayLike<unknown>, dtype: SerializedTensor['dtype'], field: string, nonNegative?: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = typeof v === 'number' && (dtype === 'float32' ? Math.abs(v) <= FLOAT32_MAX : dtype === 'int32' ? v === (v | 0) : v === 0 || v === 1);
    if (!ok) throw new HyperscheduleError(`${field}.values[${i}]`, v, VALUE_ALLOWED[dtype]);
    if (nonNegative !== undefined && v < 0) throw new HyperscheduleError(`${field}.values[${i}]`, v, `>= 0 (${nonNegative})`);
  }
}

/**
 * Checks that `value` is a {@link SerializedTensor} that loads exactly: exactly its four fields,
 * a shape of integers >= 0, one of the three dtypes, one value per element, every value finite
 * and representable in the dtype (float32 range, int32 integers, bool 0/1), and what `expected`
 * adds. Errors name the field and the first bad value (`w.values[17]: got NaN, expected a finite
 * float32`). Creates no tensor. `values` may also be a typed array.
 *
 * @example
 * ```ts
 * import { checkSerializedTensor } from './tensor-json.js';
 * checkSerializedTensor({ name: 'w', shape: [2], dtype: 'float32', values: [1, 2] }, 'w', { shape: [2] }); // ok
 * // checkSerializedTensor({ name: 'w', shape: [1], dtype: 'float32', values: [NaN] }, 'w') throws:
 * //   w.values[0]: got NaN, expected a finite float32
 * ```
 */
export function checkSerializedTensor(value: unknown, field: string, expected: TensorExpectation = {}): SerializedTensor {
  const tensor = readTensor(value, field) as SerializedTensor;
  const { shape, dtype, values } = tensor;
  const size = checkShapeAndDtype(shape, dtype, field);
  for (const key of ['shape', 'dtype'] as const) {
    const want = expected[key];
    if (want !== undefined && String(want) !== String(tensor[key])) {
      throw new HyperscheduleError(`${field}.${key}`, tensor[key], `${JSON.stringify(want).replace(/,/g, ', ')}, the ${key} it loads into`);
    }
  }
  const list = Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView)) ? (values as ArrayLike<unknown>) : undefined;
  if (list?.length !== size) throw new HyperscheduleError(`${field}.values`, list ? `${list.length} values` : values, `${size} numbers (shape [${shape.join(', ')}])`);
  checkTensorValues(list, dtype, field, expected.nonNegative);
  return value as SerializedTensor;
}

/**
 * Checks a list of saved tensors, each as {@link checkSerializedTensor} with the expectation
 * `expect` gives for its name; an error names a tensor by its name (`field.dense/kernel`), or by
 * its index when it has none.
 *
 * @example
 * ```ts
 * import { checkTensorList } from './tensor-json.js';
 * checkTensorList([{ name: 'w', shape: [1], dtype: 'float32', values: [1] }], 'checkpoint.variables').length; // 1
 * ```
 */
export function checkTensorList(list: unknown, field: string, expect: (name: string) => TensorExpectation = () => ({})): SerializedTensor[] {
  if (!Array.isArray(list)) throw new HyperscheduleError(field, list, 'an array of tensors');
  return list.map((t: unknown, i) => {
    const name = (t as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? checkSerializedTensor(t, `${field}.${name}`, expect(name)) : checkSerializedTensor(t, `${field}[${i}]`);
  });
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
  checkShapeAndDtype(tensor.shape, tensor.dtype, name);
  const data = await tensor.data();
  return { name, shape: [...tensor.shape], dtype: tensor.dtype as SerializedTensor['dtype'], values: Array.from(data as ArrayLike<number>) };
}
