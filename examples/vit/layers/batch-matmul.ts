import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

/** Name of the wasm kernel registered below (shows up under this name in `tf.profile`). */
const KERNEL = 'HyperscheduleBlockMatMul';

/** What this kernel reads of the wasm backend; checked before every use (see {@link blockMatMulAvailable}). */
interface WasmInternals {
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  wasm: {
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number,
      transposeA: number, transposeB: number, outId: number): void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
}

const asInternals = (backend: unknown): WasmInternals | null => {
  const b = backend as Partial<WasmInternals> | null;
  const w = b?.wasm;
  return b && typeof b.dataIdNextNumber === 'number' && typeof b.makeOutput === 'function' && b.dataIdMap &&
    w && typeof w._BatchMatMul === 'function' && typeof w._malloc === 'function' &&
    typeof w.tfjs?.registerTensor === 'function' && typeof w.tfjs.disposeData === 'function'
    ? (b as WasmInternals)
    : null;
};

/** Six int32 shape words in wasm memory per backend instance (allocated once, never freed: 24 bytes). */
const shapeWords = new WeakMap<object, number>();

/**
 * `[N, M, K] x [N, K, P]`: one XNNPACK product per batch entry, on zero-copy views.
 *
 * Why: the wasm backend sends every batched (or transposed) product to a scalar triple loop
 * (~2 GFLOP/s here), and cutting the batch into `tf.slice`s costs a copy of the *whole* input per
 * slice (its Slice reads the tensor through `readSync`). Its C++ `BatchMatMul` takes the fast
 * XNNPACK path for a rank-3 product with batch 1, so each entry is registered as a tensor that
 * points into the input and output buffers (no copy), multiplied, and unregistered (which also
 * frees the XNNPACK operator cached on the view). Measured on [96,65,64] x [96,64,65]: 3 ms
 * instead of 20 ms.
 */
function blockMatMulKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const be = asInternals(backend);
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (!be) throw new Error(`${KERNEL}: not a wasm backend with the expected internals`);
  const [n, m, k] = a.shape as [number, number, number];
  const p = b.shape[2]!;
  const out = be.makeOutput([n, m, p], 'float32');
  const w = be.wasm;
  const offset = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId)!.memoryOffset;
  const [aOff, bOff, oOff] = [offset(a), offset(b), offset(out)];
  let shapes = shapeWords.get(be);
  if (shapes === undefined) {
    shapes = w._malloc(24) >>> 0;
    shapeWords.set(be, shapes);
  }
  // The heap may have grown (a new buffer) since the last call: take a fresh view each time.
  new Int32Array(w.HEAPU8.buffer, shapes, 6).set([1, m, k, 1, k, p]);
  for (let i = 0; i < n; i++) {
    const ia = be.dataIdNextNumber++;
    const ib = be.dataIdNextNumber++;
    const io = be.dataIdNextNumber++;
    w.tfjs.registerTensor(ia, m * k, aOff + 4 * i * m * k);
    w.tfjs.registerTensor(ib, k * p, bOff + 4 * i * k * p);
    w.tfjs.registerTensor(io, m * p, oOff + 4 * i * m * p);
    w._BatchMatMul(ia, shapes, 3, ib, shapes + 12, 3, 0, 0, io);
    w.tfjs.disposeData(ia);
    w.tfjs.disposeData(ib);
    w.tfjs.disposeData(io);
  }
  return out;
}

if (!tf.getKernel(KERNEL, 'wasm')) {
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: blockMatMulKernel as unknown as tf.KernelFunc });
}

/**
 * Whether {@link batchMatMul} takes the per-entry XNNPACK route (the active backend is wasm and
 * exposes the internals it needs); otherwise it is plain `tf.matMul`.
 *
 * @example
 * ```ts
 * import { blockMatMulAvailable } from './batch-matmul.js';
 * blockMatMulAvailable(); // false on the cpu backend
 * ```
 */
export function blockMatMulAvailable(): boolean {
  return tf.getBackend() === 'wasm' && asInternals(tf.backend()) !== null;
}

/**
 * `[N, M, K] x [N, K, P] -> [N, M, P]` without a gradient of its own (for use inside hand-written
 * gradients): the per-entry XNNPACK route on wasm (see {@link blockMatMulAvailable}), `tf.matMul`
 * elsewhere.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { blockProduct } from './batch-matmul.js';
 * blockProduct(tf.ones([2, 3, 4]), tf.ones([2, 4, 5])).shape; // [2, 3, 5]
 * ```
 */
export function blockProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new Error(`blockProduct: shapes [${a.shape}] x [${b.shape}] do not chain`);
  }
  if (!blockMatMulAvailable()) return tf.matMul(a, b);
  return tf.engine().runKernel(KERNEL, { a, b } as unknown as tf.NamedTensorMap, {}) as tf.Tensor3D;
}

/**
 * Swaps the last two axes of a rank-3 tensor (`[N, M, K] -> [N, K, M]`), one wasm Transpose.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { swapLast } from './batch-matmul.js';
 * swapLast(tf.ones([2, 3, 4])).shape; // [2, 4, 3]
 * ```
 */
export const swapLast = (t: tf.Tensor): tf.Tensor3D => tf.transpose(t as tf.Tensor3D, [0, 2, 1]);

/**
 * Batched matrix product `[N, M, K] x [N, K, P] -> [N, M, P]` that stays on XNNPACK's fast path on
 * the wasm backend, forward and backward (the gradient transposes explicitly — wasm's Transpose
 * is cheap — and multiplies without transpose flags). Other backends use `tf.matMul`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { batchMatMul } from './batch-matmul.js';
 * batchMatMul(tf.ones([2, 3, 4]), tf.ones([2, 4, 5])).shape; // [2, 3, 5]
 * ```
 */
export const batchMatMul = withGradient(([a, b], save) => {
  save([a!, b!]);
  return {
    value: blockProduct(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy, [sa, sb]) => [blockProduct(dy as tf.Tensor3D, swapLast(sb!)), blockProduct(swapLast(sa!), dy as tf.Tensor3D)],
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;
