import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
const time = (f: () => tf.Tensor | tf.Tensor[], reps = 40) => { const ts: number[] = []; for (let r = 0; r < reps; r++) { const t0 = performance.now(); const o = tf.tidy(f); ts.push(performance.now() - t0); tf.dispose(o); } ts.sort((x, y) => x - y); return ts[0]!.toFixed(3); };
const g = tf.randomNormal([2080, 192]); const ones = tf.ones([1, 2080]) as tf.Tensor2D; const onesC = tf.ones([2080, 1]) as tf.Tensor2D;
const y = tf.randomNormal([2080, 384]);
console.log(`sum0 ${time(() => tf.sum(g, 0))} | ones@g ${time(() => tf.matMul(ones, g as tf.Tensor2D))} | gT@ones ${time(() => tf.matMul(tf.transpose(g) as tf.Tensor2D, onesC))} | sigmoid ${time(() => tf.sigmoid(y))} | exp ${time(() => tf.exp(y))} | ratio ${time(() => { const s = tf.sigmoid(y); return tf.div(s, tf.sub(1, s)); })} | scalar-op ${time(() => tf.add(y, 0.5))} | tensor-op ${time(() => tf.add(y, y))}`);
const c = tf.scalar(0.5);
console.log(`kept scalar add ${time(() => tf.add(y, c))} | 10 adds with numbers ${time(() => { let z = y; for (let i = 0; i < 10; i++) z = tf.add(z, 0.5); return z; })} | 10 adds kept scalar ${time(() => { let z = y; for (let i = 0; i < 10; i++) z = tf.add(z, c); return z; })}`);
