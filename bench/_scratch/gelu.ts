import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { gelu as geluNew, normalCdf } from '../../examples/vit/layers/gelu.js';
import { gelu as geluOld } from './orig/layers/gelu.js';
// float64 erf via high-precision series/continued fraction (W. J. Cody-like): use erfc complement for large x.
function erf64(x: number): number { // Abramowitz-Stegun is too coarse; use Taylor for |x|<3, asymptotic cf otherwise
  const ax = Math.abs(x);
  if (ax < 3) { let sum = 0, term = ax, n = 0; while (Math.abs(term) > 1e-17 * Math.abs(sum) || n < 5) { sum += term / (2 * n + 1); n++; term *= -ax * ax / n; if (n > 200) break; } return Math.sign(x) * 2 / Math.sqrt(Math.PI) * sum; }
  // continued fraction for erfc
  let f = 0; for (let k = 60; k >= 1; k--) f = k / 2 / (ax + f); const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f); return Math.sign(x) * (1 - erfc);
}
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend); await tf.ready();
  const xs = Array.from({ length: 24001 }, (_, i) => -12 + i * 0.001);
  const ours = tf.tidy(() => geluNew(tf.tensor1d(xs)).dataSync());
  const old = tf.tidy(() => geluOld(tf.tensor1d(xs)).dataSync());
  const gN = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(geluNew(x)))(tf.tensor1d(xs)).dataSync());
  let e1 = 0, e2 = 0, eg = 0;
  xs.forEach((x, i) => { const ref = x * 0.5 * (1 + erf64(x / Math.SQRT2)); const dref = 0.5 * (1 + erf64(x / Math.SQRT2)) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI); e1 = Math.max(e1, Math.abs(ours[i]! - ref)); e2 = Math.max(e2, Math.abs(old[i]! - ref)); eg = Math.max(eg, Math.abs(gN[i]! - dref)); });
  console.log(`${backend}: max abs err new ${e1.toExponential(2)} old(tf.erf) ${e2.toExponential(2)} grad new ${eg.toExponential(2)}`);
}
const time = (f: () => tf.Tensor | tf.Tensor[], reps = 20) => { const ts: number[] = []; for (let r = 0; r < reps; r++) { const t0 = performance.now(); const o = tf.tidy(f); ts.push(performance.now() - t0); tf.dispose(o); } ts.sort((x, y) => x - y); return ts[0]!.toFixed(2); };
for (const s of [0.5, 1, 2]) {
  const x = tf.mul(tf.randomNormal([2080, 384]), s);
  const fb = (g: typeof geluNew) => () => tf.grad((z: tf.Tensor) => tf.sum(g(z)))(x);
  console.log(`std ${s}: fwd old ${time(() => geluOld(x))} new ${time(() => geluNew(x))} | fwd+bwd old ${time(fb(geluOld))} new ${time(fb(geluNew))}`);
}
