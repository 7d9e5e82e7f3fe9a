import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseRunConfig } from './examples/vit/config.js';
import { loadRunData } from './examples/vit/data.js';
import { trainRun } from './examples/vit/train.js';
import { VARIANTS } from './examples/vit/variants.js';
await tf.setBackend('wasm');
const names = process.argv[2] ? process.argv[2].split(',') : Object.keys(VARIANTS);
const base = { dataset: 'cifar10' as const, dataDir: '../shared/data/cifar10-subset', trainSize: Number(process.env.N ?? 4000), testSize: 1000, epochs: Number(process.env.E ?? 6), peakLr: Number(process.argv[3] ?? 5e-3), batchSize: 64 };
const data = await loadRunData(parseRunConfig({ ...base, variant: 'constant' }));
for (const variant of names) {
  const t0 = Date.now();
  const o = await trainRun({ config: parseRunConfig({ ...base, variant }), data });
  if (o.status !== 'completed') throw new Error('x');
  const r = o.result;
  console.log(variant.padEnd(18), Date.now() - t0, 'ms', 'test', r.testAcc.toFixed(3), 'best', r.bestEpoch, 'upd', r.updates, 'loss', r.epochs.map((e) => e.trainLoss?.toFixed(3)).join(','), 'val', r.epochs.map((e) => e.valAcc?.toFixed(3)).join(','), 'tensors', JSON.stringify(r.tensors), 'hp', JSON.stringify(r.epochs.at(-1)!.hparamsEnd), Date.now() - t0, 'ms');
}
