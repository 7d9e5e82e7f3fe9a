/**
 * A run checkpoint on disk: one file, written atomically, with the JSON state in a header and the
 * tensors' values as raw little-endian float32/int32 after it (JSON number arrays of a 12M-parameter
 * model, twice for Adam's moments, would be hundreds of MB of text).
 *
 * Layout: `HSCK1\n`, a uint32 header length, the UTF-8 header JSON, then the values. In the header
 * every serialized tensor (`{ name, shape, dtype, values }`) appears with `values` replaced by
 * `bin: [byteOffset, count]`.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { HyperscheduleError } from 'hyperschedule';
import { writeFileAtomic } from 'hyperschedule/node';

const MAGIC = Buffer.from('HSCK1\n', 'ascii');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isSerializedTensor(v: unknown): v is { name: string; shape: number[]; dtype: string; values: number[] } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { values?: unknown }).values)
    && Array.isArray((v as { shape?: unknown }).shape) && typeof (v as { dtype?: unknown }).dtype === 'string';
}

/**
 * Writes `state` (plain JSON whose tensors are `{ name, shape, dtype, values }` objects, as
 * `saveCheckpoint` produces) to `path` atomically.
 *
 * @example
 * ```ts
 * import { writeCheckpointFile } from './checkpoint-file.js';
 * await writeCheckpointFile('/tmp/ck.bin', { w: { name: 'w', shape: [2], dtype: 'float32', values: [1, 2] } });
 * ```
 */
export async function writeCheckpointFile(path: string, state: unknown): Promise<void> {
  const chunks: Buffer[] = [];
  let offset = 0;
  const walk = (v: unknown): Json => {
    if (isSerializedTensor(v)) {
      const typed = v.dtype === 'float32' ? Float32Array.from(v.values) : Int32Array.from(v.values);
      const bytes = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
      const { values: _values, ...rest } = v;
      const entry = { ...(walk(rest) as Record<string, Json>), bin: [offset, v.values.length] };
      chunks.push(bytes);
      offset += bytes.length;
      return entry;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    if (typeof v === 'number' && !Number.isFinite(v)) throw new HyperscheduleError('checkpoint', v, 'finite numbers only');
    return v as Json;
  };
  const header = Buffer.from(JSON.stringify(walk(state)), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  await writeFileAtomic(path, Buffer.concat([MAGIC, length, header, ...chunks]));
}

/**
 * Reads a file written by {@link writeCheckpointFile}, giving back the same JSON (tensors with
 * their `values` arrays). A truncated or foreign file is refused with a clear error.
 *
 * @example
 * ```ts
 * import { readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';
 * await writeCheckpointFile('/tmp/ck.bin', { step: 3 });
 * await readCheckpointFile('/tmp/ck.bin'); // { step: 3 }
 * ```
 */
export async function readCheckpointFile(path: string): Promise<unknown> {
  const buf = await readFile(path);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new HyperscheduleError('checkpoint', path, 'a hyperschedule run checkpoint (starting with HSCK1)');
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + headerLength > buf.length) throw new HyperscheduleError('checkpoint', `${path} (truncated header)`, 'a complete checkpoint file');
  const header = JSON.parse(buf.subarray(start, start + headerLength).toString('utf8')) as Json;
  const data = buf.subarray(start + headerLength);
  const walk = (v: Json): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      const bin = v.bin;
      if (Array.isArray(bin) && typeof v.dtype === 'string' && Array.isArray(v.shape)) {
        const [byteOffset, count] = bin as [number, number];
        if (byteOffset + count * 4 > data.length) throw new HyperscheduleError('checkpoint', `${path} (truncated data)`, 'a complete checkpoint file');
        const slice = data.subarray(byteOffset, byteOffset + count * 4);
        const copy = new Uint8Array(slice).buffer; // aligned copy for the typed-array view
        const values = v.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
        const { bin: _bin, ...rest } = v;
        return { ...(walk(rest) as Record<string, unknown>), values: Array.from(values) };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(header);
}

/**
 * A tensor as plain JSON in the layout `saveCheckpoint` uses for its own tensors, so the file
 * format above packs it the same way (the run keeps its best-by-validation weights like this).
 *
 * @example
 * ```ts
 * import type { TensorJson } from './checkpoint-file.js';
 * const t: TensorJson = { name: 'w', shape: [2], dtype: 'float32', values: [1, 2] };
 * ```
 */
export interface TensorJson {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: readonly number[];
}

/**
 * Reads a float32 or int32 tensor into a {@link TensorJson} (float32 values survive the JSON round
 * trip exactly). Does not dispose `tensor`.
 *
 * @example
 * ```ts
 * import { tensorToJson } from './checkpoint-file.js';
 * await tensorToJson('w', tf.tensor1d([1, 2])); // { name: 'w', shape: [2], dtype: 'float32', values: [1, 2] }
 * ```
 */
export async function tensorToJson(name: string, tensor: tf.Tensor): Promise<TensorJson> {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') throw new HyperscheduleError(`${name}.dtype`, tensor.dtype, '"float32" or "int32"');
  return { name, shape: [...tensor.shape], dtype: tensor.dtype, values: Array.from(await tensor.data()) };
}

/**
 * Rebuilds a tensor from a {@link TensorJson}, refusing one whose values do not fill its shape.
 *
 * @example
 * ```ts
 * import { tensorFromJson } from './checkpoint-file.js';
 * tensorFromJson({ name: 'w', shape: [2], dtype: 'float32', values: [1, 2] }).shape; // [2]
 * ```
 */
export function tensorFromJson(json: TensorJson): tf.Tensor {
  const size = json.shape.reduce((a, b) => a * b, 1);
  if (json.values.length !== size) throw new HyperscheduleError(`${json.name}.values`, `${json.values.length} values`, `${size} numbers (shape [${json.shape.join(', ')}])`);
  return tf.tensor([...json.values], [...json.shape], json.dtype);
}
