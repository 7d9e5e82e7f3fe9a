import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
const time = (f: () => tf.Tensor | tf.Tensor[], reps = 30) => { const ts: number[] = []; for (let r = 0; r < reps; r++) { const t0 = performance.now(); const o = tf.tidy(f); ts.push(performance.now() - t0); tf.dispose(o); } ts.sort((x, y) => x - y); return ts[0]!.toFixed(2); };
const A = [-1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04, -5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08, -2.72614225801306e-10];
const B = [-1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03, -2.13374055278905e-04, -1.45660718464996e-05];
const erfR = (x0: tf.Tensor) => { const x = tf.clipByValue(x0, -4, 4); const x2 = tf.square(x); let p: tf.Tensor = tf.scalar(A[6]!); for (let i = 5; i >= 0; i--) p = tf.add(tf.mul(x2, p), A[i]!); p = tf.mul(x, p); let q: tf.Tensor = tf.scalar(B[4]!); for (let i = 3; i >= 0; i--) q = tf.add(tf.mul(x2, q), B[i]!); return tf.div(p, q); };
for (const s of [0.3, 1, 3]) {
  const e = tf.mul(tf.randomNormal([2080, 384]), s);
  console.log(`scale ${s}: erf ${time(() => tf.erf(e))} | erfRational ${time(() => erfR(e))} | exp ${time(() => tf.exp(e))} | sigmoid ${time(() => tf.sigmoid(e))} | tanh ${time(() => tf.tanh(e))} | mul ${time(() => tf.mul(e, e))} | mulScalar ${time(() => tf.mul(e, 0.5))} | add ${time(() => tf.add(e, e))} | div ${time(() => tf.div(e, e))} | square ${time(() => tf.square(e))} | clip ${time(() => tf.clipByValue(e, -4, 4))} | sum0 ${time(() => tf.sum(e, 0))} | sum1 ${time(() => tf.sum(e, 1))} | T ${time(() => tf.transpose(e))}`);
  const diff = tf.max(tf.abs(tf.sub(tf.erf(e), erfR(e)))).dataSync()[0];
  console.log('  max |erf - erfRational|', diff);
}
