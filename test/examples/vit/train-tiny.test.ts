/**
 * A two-epoch run of the tiny ViT on wasm over a small real subset (CIFAR-10 when the shared subset
 * is present, else the bundled MNIST digits): the whole pipeline — split, statistics, the study's
 * per-epoch order and host-side batches (augmentation, normalisation) of changing size, forward,
 * custom gradients, Adam — must learn, and hold the tensor count flat from step to step.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_AUGMENT } from '../../../examples/shared/datasets/augment.js';
import { loadCifar10Dir } from '../../../examples/shared/datasets/cifar10.js';
import { sampleRows, type ImageDataset } from '../../../examples/shared/datasets/dataset.js';
import { loadMnistFallback } from '../../../examples/shared/datasets/mnist.js';
import { channelStats } from '../../../examples/shared/datasets/normalize.js';
import { splitTrainVal } from '../../../examples/shared/datasets/split.js';
import { epochOrder, hostBatch } from '../../../examples/vit/data.js';
import { createViT } from '../../../examples/vit/model.js';
import { CIFAR_SUBSET, cifarSubsetPresent } from '../helpers.js';

let pool: ImageDataset;
beforeAll(async () => {
  await tf.setBackend('wasm');
  if (cifarSubsetPresent()) pool = (await loadCifar10Dir(CIFAR_SUBSET)).train;
  else {
    console.warn(`CIFAR-10 subset not found at ${CIFAR_SUBSET}: training on the bundled MNIST digits instead`);
    pool = (await loadMnistFallback()).train;
  }
});

describe('tiny ViT, two epochs on wasm', () => {
  it('loss falls from the first epoch to the second, and tf.memory stays flat across steps', () => {
    const { train } = splitTrainVal(sampleRows(pool, 1100, 1), { valFraction: 0.1, seed: 42 });
    const stats = channelStats(train);
    const vit = createViT('tiny', 1);
    const optimizer = tf.train.adam(2e-3);
    const epochLoss: number[] = [];
    const tensorCounts: number[] = [];
    const sizes = [40, 60]; // a changing batch size, as a batch-size schedule would ask for
    let step = 0;
    let samples = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = epochOrder(train.count, 1, epoch);
      let sum = 0;
      let n = 0;
      for (let start = 0; start < order.length; step++) {
        const rows = order.slice(start, start + sizes[step % 2]!);
        start += rows.length;
        const { x, labels } = hostBatch(train, rows, { stats, augment: REFERENCE_AUGMENT, seed: 1, epoch });
        const xs = tf.tensor4d(x, [rows.length, train.height, train.width, train.channels]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), train.classNames.length));
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, vit.apply(xs, true)) as tf.Scalar, true, vit.variables)!;
        sum += loss.dataSync()[0]! * rows.length;
        n += rows.length;
        tf.dispose([loss, xs, ys]);
        tensorCounts.push(tf.memory().numTensors);
      }
      samples += n;
      epochLoss.push(sum / n);
    }
    expect(samples).toBe(2 * train.count);
    expect(epochLoss[0]!).toBeLessThan(Math.log(10) + 0.2); // started near chance
    expect(epochLoss[1]!).toBeLessThan(epochLoss[0]! - 0.03);
    // After the first step (which creates Adam's moment variables) the count never moves.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    vit.dispose();
    optimizer.dispose();
  });
});
