/**
 * A two-epoch run of the tiny ViT on wasm over a small real subset (CIFAR-10 when the shared subset
 * is present, else the bundled MNIST digits): the whole pipeline — split, statistics, augmentation,
 * batches of changing size, forward, custom gradients, Adam — must learn, and hold the tensor
 * count flat from step to step.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createViT } from '../../examples/vit/model.js';
import { REFERENCE_AUGMENT } from '../../src/node/data/augment.js';
import { BatchIterator } from '../../src/node/data/batches.js';
import { loadCifar10Dir } from '../../src/node/data/cifar10.js';
import { sampleRows, type ImageDataset } from '../../src/node/data/dataset.js';
import { loadMnistFallback } from '../../src/node/data/mnist.js';
import { channelStats } from '../../src/node/data/normalize.js';
import { splitTrainVal } from '../../src/node/data/split.js';
import { HAVE_SHARED_CIFAR10, SHARED_CIFAR10, SHARED_CIFAR10_SKIP_NOTE } from '../node/helpers.js';

let pool: ImageDataset;
beforeAll(async () => {
  await tf.setBackend('wasm');
  if (HAVE_SHARED_CIFAR10) pool = (await loadCifar10Dir(SHARED_CIFAR10)).train;
  else {
    console.warn(`${SHARED_CIFAR10_SKIP_NOTE}; training on the bundled MNIST digits instead`);
    pool = (await loadMnistFallback()).train;
  }
});

describe('tiny ViT, two epochs on wasm', () => {
  it('loss falls from the first epoch to the second, and tf.memory stays flat across steps', () => {
    const { train } = splitTrainVal(sampleRows(pool, 1100, 1), { valFraction: 0.1, seed: 42 });
    const batches = new BatchIterator(train, { stats: channelStats(train), seed: 1, augment: REFERENCE_AUGMENT, oneHot: true });
    const vit = createViT('tiny', 1);
    const optimizer = tf.train.adam(2e-3);
    const epochLoss: number[] = [];
    const tensorCounts: number[] = [];
    const sizes = [40, 60]; // a changing batch size, as a batch-size schedule would ask for
    let step = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      let sum = 0;
      let n = 0;
      for (const b of batches.epochBatches(() => sizes[step % 2]!)) {
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(b.oneHot!, vit.apply(b.x, true)) as tf.Scalar,
          true,
          vit.variables,
        )!;
        sum += loss.dataSync()[0]! * b.size;
        n += b.size;
        loss.dispose();
        b.dispose();
        step++;
        tensorCounts.push(tf.memory().numTensors);
      }
      epochLoss.push(sum / n);
      batches.nextEpoch();
    }
    expect(batches.samplesSeen).toBe(2 * train.count);
    expect(epochLoss[0]!).toBeLessThan(Math.log(10) + 0.2); // started near chance
    expect(epochLoss[1]!).toBeLessThan(epochLoss[0]! - 0.03);
    // After the first step (which creates Adam's moment variables) the count never moves.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    vit.dispose();
    optimizer.dispose();
  });
});
