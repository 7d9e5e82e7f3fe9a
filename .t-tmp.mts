import * as tf from '@tensorflow/tfjs';
import { selectBackend, loadImageDataset, splitTrainVal, channelStats, BatchIterator, REFERENCE_AUGMENT } from './src/node/index.js';
import { createViT } from './examples/vit/model.js';
await selectBackend({ prefer: 'wasm' });
const data = await loadImageDataset({ dataset: (process.argv[3] ?? 'cifar10') as 'cifar10', dataDir: '../shared/data/cifar10-subset' });
console.log(data.description);
const { train, val } = splitTrainVal(data.train, { seed: 42 });
const stats = channelStats(train);
const it = new BatchIterator(train, { stats, seed: 1, augment: REFERENCE_AUGMENT, oneHot: true });
const vit = createViT((process.argv[2] ?? 'tiny') as 'tiny', 1);
const opt = tf.train.adam(2e-3);
const evalAcc = (ds: typeof val) => { const e = new BatchIterator(ds, { stats, seed: 0, shuffle: false }); let ok = 0; for (const b of e.epochBatches(500)) { ok += tf.tidy(() => tf.sum(tf.equal(tf.argMax(vit.apply(b.x), 1), b.labels)).dataSync()[0]!); b.dispose(); } return ok / ds.count; };
const t0 = performance.now();
for (let e = 0; e < 2; e++) {
  let s = 0, n = 0;
  for (const b of it.epochBatches(64)) {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(b.oneHot!, vit.apply(b.x, true)) as tf.Scalar, true, vit.variables)!;
    s += loss.dataSync()[0]! * b.size; n += b.size; loss.dispose(); b.dispose();
  }
  it.nextEpoch();
  console.log(`epoch ${e + 1} loss ${(s / n).toFixed(3)} val ${evalAcc(val).toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(`test ${evalAcc(data.test).toFixed(3)} total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
