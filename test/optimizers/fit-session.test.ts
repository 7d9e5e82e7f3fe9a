/**
 * model.fit / fitDataset with hyperschedule's AdamW driven through a session: the optimizer really
 * applies the scheduled learning rate and weight decay of each batch. Values are recorded inside
 * applyGradients and compared with the schedules' closed forms evaluated at the clock the test
 * computes itself (samples seen / dataset size), and the trained weights are compared with a
 * manual loop that sets those numbers by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdamW,
  batchSizeSchedule,
  constant,
  cosine,
  createSession,
  excludeBiasAndNorm,
  fitCallback,
  grouped,
  hook,
  linear,
  param,
  scaleLrForBatch,
  scheduledBatches,
  stepDecay,
  type OptimizerValue,
} from '../../src/index.js';
import { positiveInteger } from '../../src/params/domain.js';
import { isBiasOrNorm, readValue, readValueFor } from '../../src/values/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** What one update used: the learning rate and each variable's weight decay. */
interface Seen {
  lr: number;
  wd: Record<string, number>;
}

/** AdamW that records the values it is about to apply (read exactly as the update reads them). */
class RecordingAdamW extends AdamW {
  readonly seen: Seen[] = [];
  override applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    this.seen.push({
      lr: readValue(this.learningRate as Exclude<OptimizerValue, never>),
      wd: Object.fromEntries(names.map((n) => [n, readValueFor(this.weightDecay, n)])),
    });
    super.applyGradients(grads);
  }
}

const N = 22; // batches of 4: five of 4 and one of 2 per epoch, so epochs are fractional in samples
const BATCH = 4;
const EPOCHS = 3;

function data(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.stack([tf.linspace(-1, 1, N), tf.sin(tf.linspace(0, 5, N))], 1) as tf.Tensor2D;
    const ys = xs.matMul(tf.tensor2d([[1.5], [-2]])).add(0.25) as tf.Tensor2D;
    return { xs, ys };
  });
}

function model(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, inputShape: [2], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }), biasInitializer: 'ones' }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }), biasInitializer: 'ones' }),
    ],
  });
}

/** Sizes of the batches of one epoch, and the epoch time (samples / N) before every update of the run. */
function clockBeforeEachUpdate(): { sizes: number[]; epochTime: number[] } {
  const perEpoch: number[] = [];
  for (let start = 0; start < N; start += BATCH) perEpoch.push(Math.min(BATCH, N - start));
  const sizes = Array.from({ length: EPOCHS }, () => perEpoch).flat();
  let samples = 0;
  const epochTime = sizes.map((b) => {
    const t = samples / N;
    samples += b;
    return t;
  });
  return { sizes, epochTime };
}

// The schedules' definitions, written out here (not taken from the library).
const lrAt = (epoch: number): number => 0.005 + (0.045 * (1 + Math.cos((Math.PI * Math.min(epoch, EPOCHS)) / EPOCHS))) / 2;
const wdAt = (epoch: number): number => 0.3 * (1 - Math.min(epoch / EPOCHS, 1));

async function weights(m: tf.LayersModel): Promise<number[]> {
  return (await Promise.all(m.getWeights().map((w) => w.data()))).flatMap((d) => Array.from(d));
}

describe('model.fit with a session-driven AdamW', () => {
  it('every batch applies the scheduled learning rate and weight decay (no decay on biases); the weights equal a manual loop with those numbers', async () => {
    const { xs, ys } = data();
    const lr = param('lr', { schedule: cosine({ init: 0.05, min: 0.005, duration: EPOCHS, unit: 'epoch' }) }, { domain: 'positive' });
    const wd = param('wd', { schedule: linear({ init: 0.3, end: 0, duration: EPOCHS, unit: 'epoch' }) }, { domain: 'nonNegative' });
    const session = createSession({ params: [lr, wd] });
    const optimizer = new RecordingAdamW({ learningRate: lr, weightDecay: grouped(wd, [{ match: isBiasOrNorm, value: 0 }]) });
    const a = model();
    a.compile({ optimizer, loss: 'meanSquaredError' });
    await a.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: fitCallback(session, { optimizer: a.optimizer }) });

    const { sizes, epochTime } = clockBeforeEachUpdate();
    expect(optimizer.seen).toHaveLength(sizes.length);
    optimizer.seen.forEach((s, k) => {
      expect(s.lr).toBeCloseTo(lrAt(epochTime[k]!), 12);
      const names = Object.keys(s.wd);
      expect(names).toHaveLength(4);
      for (const name of names) expect(s.wd[name]).toBeCloseTo(name.endsWith('/bias') ? 0 : wdAt(epochTime[k]!), 12);
    });
    // The values really changed from batch to batch, including inside an epoch.
    expect(new Set(optimizer.seen.map((s) => s.lr)).size).toBe(sizes.length);
    expect(session.clock.state).toMatchObject({ step: sizes.length, samples: EPOCHS * N, epochsCompleted: EPOCHS });

    // The same numbers set by hand in a custom loop over the same batches give the same weights.
    const b = model();
    const manual = new AdamW({ learningRate: 0, weightDecay: 0, excludeFromWeightDecay: excludeBiasAndNorm });
    let start = 0;
    sizes.forEach((size, k) => {
      manual.learningRate = lrAt(epochTime[k]!);
      manual.weightDecay = wdAt(epochTime[k]!);
      const [x, y] = [xs.slice([start, 0], [size, 2]), ys.slice([start, 0], [size, 1])];
      manual.minimize(() => tf.losses.meanSquaredError(y, b.predict(x) as tf.Tensor) as tf.Scalar, false, b.trainableWeights.map((w) => w.read() as tf.Variable));
      tf.dispose([x, y]);
      start = (start + size) % N;
    });
    const [wa, wb] = [await weights(a), await weights(b)];
    wa.forEach((v, i) => expect(v).toBeCloseTo(wb[i]!, 5));

    // Control: the same fit with the first batch's values frozen ends elsewhere.
    const c = model();
    c.compile({ optimizer: new AdamW({ learningRate: 0.05, weightDecay: 0.3, excludeFromWeightDecay: excludeBiasAndNorm }), loss: 'meanSquaredError' });
    await c.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0 });
    const wc = await weights(c);
    expect(Math.max(...wc.map((v, i) => Math.abs(v - wa[i]!)))).toBeGreaterThan(1e-2);
    [a, b, c].forEach((m) => m.dispose());
    manual.dispose();
    session.dispose();
    tf.dispose([xs, ys]);
  });

  it('an optimizer hooked at compile time needs only fitCallback(session); step-unit schedules advance once per batch', async () => {
    const { xs, ys } = data();
    const lr = param('lr', { schedule: stepDecay({ init: 0.04, stepSize: 5, gamma: 0.5 }) }, { domain: 'positive' });
    const wd = param('wd', { schedule: linear({ init: 0, end: 0.2, duration: 10 }) }, { domain: 'nonNegative' });
    const session = createSession({ params: [lr, wd] });
    const optimizer = new RecordingAdamW({ learningRate: lr, weightDecay: wd });
    const m = model();
    m.compile({ optimizer: hook(optimizer, session), loss: 'meanSquaredError' });
    const losses: number[] = [];
    session.signals.loss$.subscribe(({ value }) => losses.push(value));
    const logged: number[] = [];
    await m.fit(xs, ys, {
      epochs: 2, batchSize: BATCH, shuffle: false, verbose: 0,
      callbacks: [fitCallback(session), { onBatchEnd: async (_b: number, logs?: Record<string, unknown>) => { logged.push(logs!.loss as number); } }],
    });
    const updates = 2 * Math.ceil(N / BATCH);
    expect(optimizer.seen).toHaveLength(updates);
    optimizer.seen.forEach((s, k) => {
      expect(s.lr).toBeCloseTo(0.04 * 0.5 ** Math.floor(k / 5), 12);
      for (const v of Object.values(s.wd)) expect(v).toBeCloseTo(0.2 * Math.min(k / 10, 1), 12);
    });
    expect(losses).toEqual(logged); // the session's loss stream carries fit's batch losses
    m.dispose();
    session.dispose();
    tf.dispose([xs, ys]);
  });

  it('fitDataset with a scheduled batch size: each update uses the learning rate linearly scaled for its own batch', async () => {
    const { xs, ys } = data();
    const batchSched = batchSizeSchedule(stepDecay({ init: 2, stepSize: 1, gamma: 3, unit: 'epoch' }), { max: 16 });
    const batchSize = param('batchSize', { schedule: batchSched }, { domain: positiveInteger({ max: 16 }) });
    const lr = param('lr', { schedule: scaleLrForBatch(constant({ value: 0.01, unit: 'epoch' }), batchSched, { baseBatch: 2, rule: 'linear' }) }, { domain: 'positive' });
    const session = createSession({ params: [batchSize, lr] });
    const batches = scheduledBatches({ xs, ys }, { session });
    const optimizer = new RecordingAdamW({ learningRate: lr, weightDecay: 0.01 });
    const m = model();
    m.compile({ optimizer, loss: 'meanSquaredError' });
    const sizes: number[] = [];
    await m.fitDataset(tf.data.generator(batches.generator as () => Iterator<tf.TensorContainer>), {
      epochs: 3, verbose: 0,
      callbacks: [fitCallback(session, { optimizer: m.optimizer }), { onBatchEnd: async (_b: number, logs?: Record<string, unknown>) => { sizes.push(logs!.size as number); } }],
    });
    // Epoch e uses min(16, 2 * 3^e): 11 batches of 2, then 4 of 6 (the last one short), then 2 of 16 (6 left).
    expect(sizes).toEqual([...Array<number>(11).fill(2), 6, 6, 6, 4, 16, 6]);
    expect(optimizer.seen).toHaveLength(sizes.length);
    const epochOf = [...Array<number>(11).fill(0), 1, 1, 1, 1, 2, 2];
    optimizer.seen.forEach((s, k) => expect(s.lr).toBeCloseTo(0.01 * Math.min(16, 2 * 3 ** epochOf[k]!) / 2, 12));
    expect(session.clock.state).toMatchObject({ step: sizes.length, samples: 3 * N });
    m.dispose();
    session.dispose();
    tf.dispose([xs, ys]);
  });
});
