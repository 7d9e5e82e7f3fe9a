import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../cli.js';
import { loadFlatImages } from '../data.js';
import { createMlp, crossEntropy, evaluate } from '../mlp.js';
import { shuffledBatches } from '../batches.js';
const [backend, side, hidden, batch] = [process.argv[2] as 'wasm', Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
await useBackend(backend, console.log);
let t = performance.now();
const data = await loadFlatImages({ side });
console.log(data.description, (performance.now() - t).toFixed(0));
const model = createMlp({ inputs: data.features, hidden: [hidden], outputs: 10, seed: 1 });
const opt = tf.train.momentum(0.02, 0.9);
for (let e = 0; e < 2; e++) {
  t = performance.now();
  let k = 0;
  for (const { xs, ys } of shuffledBatches(data.train, batch, e)) { opt.minimize(() => crossEntropy(model, xs, ys)); tf.dispose([xs, ys]); k++; }
  const ev = evaluate(model, data.test);
  console.log(e, k, (performance.now() - t).toFixed(0), 'ms', ev, tf.memory().numTensors);
}
