import * as tf from '@tensorflow/tfjs';
import { SGD, createSession, enableAdaptiveMomentum } from '../../../src/index.js';
import { useBackend } from '../cli.js';
import { loadFlatImages } from '../data.js';
import { createMlp, crossEntropy, evaluate } from '../mlp.js';
await useBackend('wasm', () => {});
const data = await loadFlatImages({ side: 8, trainSize: 2000 });
for (const lr of [0.05, 0.2, 0.5]) {
  for (const adaptive of [false, true]) {
  const model = createMlp({ inputs: 192, hidden: [128], outputs: 10, seed: 0 });
  const opt = new SGD({ learningRate: lr, momentum: 0.9 });
  const m = adaptive ? enableAdaptiveMomentum(opt, createSession()) : undefined;
  const t = performance.now();
  const losses = [];
  for (let s = 0; s < 300; s++) { opt.minimize(() => crossEntropy(model, data.train.xs, data.train.ys)); if (s % 50 === 49) losses.push(evaluate(model, data.train).loss.toFixed(3)); }
  const vals = m ? m.history.map((h) => h.value) : [0.9];
  console.log(lr, adaptive, 'beta mean', (vals.reduce((a, b) => a + b, 0) / vals.length).toFixed(3), 'p', [0.1,0.5,0.9].map(q => [...vals].sort()[Math.floor(q*vals.length)]?.toFixed(3)), 'losses', losses.join(' '), ((performance.now() - t) / 1000).toFixed(1), 's');
  model.dispose();
  }
}
