import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../../src/index.js';
import { useBackend } from '../lib/backend.js';
import { syntheticData, vitModel } from '../lib/models.js';
await useBackend('wasm');
const [preset = 'small', batchArg = '32'] = process.argv.slice(2);
const wasm = (tf.backend() as any).wasm;
const m = vitModel(preset as 'small', 0); const d = syntheticData(m, Number(batchArg), 1);
const opt = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
console.log('heap at start', (wasm.HEAPU8.length / 2 ** 20).toFixed(0), 'MB');
for (let s = 0; s < 4; s++) {
  const t0 = performance.now();
  const l = opt.minimize(() => m.loss(d.xs, d.ys), true, m.variables)!; l.dataSync(); l.dispose();
  console.log(`step ${s}: ${(performance.now() - t0).toFixed(0)} ms, heap ${(wasm.HEAPU8.length / 2 ** 20).toFixed(0)} MB, tensors ${tf.memory().numTensors}, numBytes ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MB`);
}
const info = await tf.profile(() => { const l = opt.minimize(() => m.loss(d.xs, d.ys), true, m.variables)!; l.dataSync(); l.dispose(); });
console.log('peakBytes', (info.peakBytes / 2 ** 20).toFixed(0), 'MB newBytes', info.newBytes);
