import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');
await tf.ready();
const backend = tf.backend() as any;
const wasm = backend.wasm;
const shapeBuf = wasm._malloc(24) >>> 0;
let nextId = 1_000_000_000;
function reg(offset: number, size: number): number { const id = nextId++; wasm.tfjs.registerTensor(id, size, offset); return id; }
function bmmViews(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [n, m, k] = a.shape; const nn = b.shape[2];
  const out = tf.engine().makeTensorFromTensorInfo(backend.makeOutput([n, m, nn], 'float32')) as tf.Tensor3D;
  const aOff = backend.dataIdMap.get(a.dataId).memoryOffset, bOff = backend.dataIdMap.get(b.dataId).memoryOffset, oOff = backend.dataIdMap.get(out.dataId).memoryOffset;
  const h32 = new Int32Array(wasm.HEAPU8.buffer, shapeBuf, 6);
  h32.set([1, m, k, 1, k, nn]);
  for (let i = 0; i < n; i++) {
    const ai = reg(aOff + 4 * i * m * k, m * k), bi = reg(bOff + 4 * i * k * nn, k * nn), oi = reg(oOff + 4 * i * m * nn, m * nn);
    wasm._BatchMatMul(ai, shapeBuf, 3, bi, shapeBuf + 12, 3, 0, 0, oi);
    wasm.tfjs.disposeData(ai); wasm.tfjs.disposeData(bi); wasm.tfjs.disposeData(oi);
  }
  return out;
}
const time = (f: () => tf.Tensor, reps = 20) => { const ts: number[] = []; for (let r = 0; r < reps; r++) { const t0 = performance.now(); const o = f(); ts.push(performance.now() - t0); o.dispose(); } ts.sort((x, y) => x - y); return ts[0]!; };
const [N, T, DH] = [96, 65, 64];
const q = tf.randomNormal([N, T, DH]) as tf.Tensor3D, kT = tf.randomNormal([N, DH, T]) as tf.Tensor3D, k = tf.transpose(kT, [0, 2, 1]) as tf.Tensor3D;
const ref = tf.matMul(q, kT); const mine = bmmViews(q, kT);
console.log('maxdiff', tf.max(tf.abs(tf.sub(ref, mine))).dataSync()[0]);
const flop = 2 * N * T * T * DH / 1e6;
for (let round = 0; round < 3; round++) {
  const a = time(() => tf.matMul(q, kT)), b = time(() => tf.matMul(q, k, false, true)), c = time(() => bmmViews(q, kT)), d = time(() => tf.transpose(q, [0, 2, 1]));
  console.log(`slow nn ${a.toFixed(2)}ms ${(flop / a).toFixed(2)} GF/s | slow nt ${b.toFixed(2)}ms ${(flop / b).toFixed(2)} | views ${c.toFixed(2)}ms ${(flop / c).toFixed(2)} | transpose ${d.toFixed(2)}ms`);
}
const x = tf.randomNormal([2080, 192]) as tf.Tensor2D, w = tf.randomNormal([192, 192]) as tf.Tensor2D;
const f2 = 2 * 2080 * 192 * 192 / 1e6;
for (let round = 0; round < 3; round++) { const a = time(() => tf.matMul(x, w)); console.log(`2d fast ${a.toFixed(2)}ms ${(f2 / a).toFixed(2)} GF/s`); }
const e = tf.randomNormal([2080, 384]);
for (let round = 0; round < 2; round++) {
  console.log(['exp', 'erf', 'tanh', 'sigmoid', 'mul', 'square'].map((op) => `${op} ${time(() => (tf as any)[op === 'mul' ? 'mul' : op](e, ...(op === 'mul' ? [e] : []))).toFixed(2)}`).join(' | '));
}
