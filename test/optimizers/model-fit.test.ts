import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, SGD, excludeBiasAndNorm } from '../../src/optimizers/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// y = x0 - 2 x1 + 0.5 on a fixed grid of 32 points.
function data(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.stack([tf.linspace(-1, 1, 32), tf.cos(tf.linspace(0, 6, 32))], 1) as tf.Tensor2D;
    const ys = xs.matMul(tf.tensor2d([[1], [-2]])).add(0.5) as tf.Tensor2D;
    return { xs, ys };
  });
}

function model(seed: number): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [2], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  return m;
}

async function weightValues(m: tf.LayersModel): Promise<number[][]> {
  return Promise.all(m.getWeights().map(async (w) => Array.from(await w.data())));
}

describe('inside model.fit', () => {
  it('AdamW trains a tiny regression model', async () => {
    const { xs, ys } = data();
    const m = model(1);
    m.compile({ optimizer: new AdamW({ learningRate: 0.05, weightDecay: 1e-3, excludeFromWeightDecay: excludeBiasAndNorm }), loss: 'meanSquaredError' });
    const h = await m.fit(xs, ys, { epochs: 60, batchSize: 8, shuffle: false, verbose: 0 });
    const losses = h.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.1 * losses[0]!);
    m.optimizer.dispose();
    m.dispose();
    tf.dispose([xs, ys]);
  });

  it('SGD (nesterov) trains it too', async () => {
    const { xs, ys } = data();
    const m = model(2);
    m.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' });
    const h = await m.fit(xs, ys, { epochs: 40, batchSize: 8, shuffle: false, verbose: 0 });
    const losses = h.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.1 * losses[0]!);
    m.optimizer.dispose();
    m.dispose();
    tf.dispose([xs, ys]);
  });

  it('a learning rate set to 0 between batches freezes the weights from the next batch on (decoupled decay included)', async () => {
    const { xs, ys } = data();
    const m = model(3);
    const lr = { value: 0.05 };
    m.compile({ optimizer: new AdamW({ learningRate: lr, weightDecay: 0.1 }), loss: 'meanSquaredError' });
    const snapshots: number[][][] = [];
    await m.fit(xs, ys, {
      epochs: 1,
      batchSize: 4, // 8 batches
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (batch) => {
          snapshots.push(await weightValues(m));
          if (batch === 3) lr.value = 0;
        },
      },
    });
    expect(snapshots).toHaveLength(8);
    expect(snapshots[1]).not.toEqual(snapshots[0]); // lr > 0: moving
    for (let b = 4; b < 8; b++) expect(snapshots[b]).toEqual(snapshots[3]); // lr = 0: frozen
    m.optimizer.dispose();
    m.dispose();
    tf.dispose([xs, ys]);
  });

  it('per-batch learning-rate and weight-decay values in fit give the same weights as a custom loop applying them by hand', async () => {
    const { xs, ys } = data();
    const lrs = [0.05, 0.01, 0.03, 0.0, 0.02, 0.04, 0.005, 0.05];
    const wds = [0.0, 0.5, 0.1, 0.9, 0.0, 0.2, 0.3, 0.05];
    const lr = { value: 0 };
    const wd = { value: 0 };
    const a = model(4);
    a.compile({ optimizer: new AdamW({ learningRate: lr, weightDecay: wd }), loss: 'meanSquaredError' });
    await a.fit(xs, ys, {
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchBegin: (batch) => {
          lr.value = lrs[batch]!;
          wd.value = wds[batch]!;
        },
      },
    });

    const b = model(4);
    const opt = new AdamW({ learningRate: 0, weightDecay: 0 });
    for (let batch = 0; batch < 8; batch++) {
      opt.learningRate = lrs[batch]!; // plain numbers work too
      opt.weightDecay = wds[batch]!;
      const x = xs.slice([batch * 4, 0], [4, 2]);
      const y = ys.slice([batch * 4, 0], [4, 1]);
      opt.minimize(() => tf.losses.meanSquaredError(y, b.predict(x) as tf.Tensor) as tf.Scalar, false, b.trainableWeights.map((w) => w.read() as tf.Variable));
      tf.dispose([x, y]);
    }
    const wa = await weightValues(a);
    const wb = await weightValues(b);
    wa.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(wb[i]![j]!, 5)));

    // Sanity: without the per-batch values the weights differ clearly.
    const c = model(4);
    c.compile({ optimizer: new AdamW({ learningRate: 0.05, weightDecay: 0 }), loss: 'meanSquaredError' });
    await c.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    const wc = await weightValues(c);
    expect(Math.max(...wc.flat().map((v, k) => Math.abs(v - wa.flat()[k]!)))).toBeGreaterThan(1e-2);
    [a, c].forEach((m) => { m.optimizer.dispose(); m.dispose(); });
    opt.dispose();
    b.dispose();
    tf.dispose([xs, ys]);
  });

  it('model.save({ includeOptimizer }) and tf.loadLayersModel restore the optimizer; training continues identically', async () => {
    const { xs, ys } = data();
    const m = model(5);
    m.compile({ optimizer: new AdamW({ learningRate: { value: 0.02 }, weightDecay: 0.05, excludeFromWeightDecay: excludeBiasAndNorm }), loss: 'meanSquaredError' });
    await m.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.optimizer).toBeInstanceOf(AdamW);
    const restored = loaded.optimizer as AdamW;
    expect(restored.getConfig()).toEqual({ learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05, amsgrad: false, excludeFromWeightDecay: 'biasAndNorm' });
    expect(restored.iterations).toBe(12);
    // The loaded model's variables have new names; state is matched by position.
    await m.fit(xs, ys, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    await loaded.fit(xs, ys, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    expect(await weightValues(loaded)).toEqual(await weightValues(m));
    [m, loaded].forEach((x) => { x.optimizer.dispose(); x.dispose(); });
    tf.dispose([xs, ys]);
  });
});
