import * as tf from '@tensorflow/tfjs';
import { SGD, createSession, enableAdaptiveMomentum } from '../../../src/index.js';
import { useBackend } from '../cli.js';
import { loadFlatImages } from '../data.js';
import { createMlp, crossEntropy, evaluate } from '../mlp.js';
import { shuffledBatches } from '../batches.js';
await useBackend('wasm', () => {});
const data = await loadFlatImages({ side: 8 });
for (const [batch, lr, pv, epochs] of [[32, 0.002, false, 3], [128, 0.005, false, 4], [128, 0.002, false, 4], [128, 0.002, true, 4]] as const) {
  for (const adaptive of [false, true]) {
  const model = createMlp({ inputs: 192, hidden: [128], outputs: 10, seed: 0 });
  const opt = new SGD({ learningRate: lr, momentum: 0.9 });
  const m = adaptive ? enableAdaptiveMomentum(opt, createSession(), { perVariable: pv }) : undefined;
  const t = performance.now();
  for (let e = 0; e < epochs; e++) for (const { xs, ys } of shuffledBatches(data.train, batch, e)) { opt.minimize(() => crossEntropy(model, xs, ys)); tf.dispose([xs, ys]); }
  const vals = m ? m.history.map((h) => h.value) : [0.9];
  const ev = evaluate(model, data.train);
  console.log(batch, lr, pv, adaptive, 'beta mean', (vals.reduce((a, b) => a + b, 0) / vals.length).toFixed(3), 'last', vals.at(-1)?.toFixed(3), 'loss', ev.loss.toFixed(4), ((performance.now() - t) / 1000).toFixed(1), 's');
  model.dispose();
  }
}
