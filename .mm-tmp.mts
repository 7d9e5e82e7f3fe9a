import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
function time(name: string, f: () => tf.Tensor | tf.Tensor[], n = 40) {
  tf.dispose(f());
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); const r = f(); ts.push(performance.now() - t0); tf.dispose(r); }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(50), 'median', ts[n >> 1]!.toFixed(2), 'min', ts[0]!.toFixed(2), 'ms');
}
const x = tf.randomUniform([3, 399360]);
time('slice [3,N] row', () => tf.slice(x, [1, 0], [1, -1]));
const x1 = tf.reshape(x, [-1]);
time('slice 1D', () => tf.slice(x1, [399360], [399360]));
time('split axis0', () => tf.split(x, 3, 0));
time('unstack', () => tf.unstack(x));
const dy = tf.randomUniform([1, 399360]);
time('pad (slice grad)', () => tf.pad(dy, [[1, 1], [0, 0]]));
time('concat 3', () => tf.concat([dy, dy, dy], 0));
