// A/B step time: original model (bench/_scratch/orig) vs current examples/vit, interleaved.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createViT as createNew } from '../../examples/vit/model.js';
import { createViT as createOld } from './orig/model.js';
const [preset = 'small', batchArg = '32', roundsArg = '6'] = process.argv.slice(2);
const batch = Number(batchArg);
await tf.setBackend('wasm'); await tf.ready();
const mk = (create: typeof createNew) => {
  const vit = create(preset as 'small', 1);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  return () => { const t0 = performance.now(); const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, vit.apply(x, true)) as tf.Scalar, true, vit.variables)!; const v = l.dataSync()[0]!; l.dispose(); return [performance.now() - t0, v] as const; };
};
const A = mk(createOld), B = mk(createNew);
A(); B();
const ta: number[] = [], tb: number[] = [];
for (let r = 0; r < Number(roundsArg); r++) { const [a, la] = A(); const [b, lb] = B(); ta.push(a); tb.push(b); if (r === 0) console.log('loss old/new', la, lb); }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
const min = (x: number[]) => Math.min(...x);
console.log(`old median ${med(ta).toFixed(0)} min ${min(ta).toFixed(0)} | new median ${med(tb).toFixed(0)} min ${min(tb).toFixed(0)} | ratio(new/old) median ${(med(tb) / med(ta)).toFixed(3)} min ${(min(tb) / min(ta)).toFixed(3)} | tensors ${tf.memory().numTensors}`);
