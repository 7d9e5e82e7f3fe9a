/**
 * One trial of bench/parallel.ts, run as a child process by hyperschedule's sweep runner: a fixed
 * amount of ViT `tiny` training on wasm (a hooked AdamW with a one-cycle learning rate), then its
 * timings written to the result file the runner expects.
 *
 *   npx tsx bench/parallel-trial.ts --steps 40 --seed 0 --out /tmp/result.json
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { AdamW, createSession, hook, oneCycle, param } from '../src/index.js';
import { useBackend } from './lib/backend.js';
import { syntheticData, vitModel } from './lib/models.js';
import { cpuMs, parseArgs } from './lib/report.js';

const { options } = parseArgs();
const steps = Number(options.steps ?? 40);
const seed = Number(options.seed ?? 0);
const out = options.out;
if (!out) throw new Error('--out <result.json> is required');

await useBackend('wasm');
const model = vitModel('tiny', seed);
const data = syntheticData(model, 64, seed);
const lr = param('lr', { schedule: oneCycle({ max: 1e-3, total: steps }) }, { domain: 'positive' });
const session = createSession({ params: [lr], batchSize: 64 });
const opt = hook(new AdamW({ learningRate: lr, weightDecay: 1e-4 }), session, { onNonFinite: 'apply' });
opt.minimize(() => model.loss(data.xs, data.ys), false, model.variables); // warm-up, not timed
const trainStart = Date.now();
const c0 = cpuMs();
let loss = Number.NaN;
for (let s = 0; s < steps; s++) {
  const l = opt.minimize(() => model.loss(data.xs, data.ys), true, model.variables)!;
  if (s === steps - 1) loss = l.dataSync()[0]!;
  l.dispose();
}
const trainEnd = Date.now();
writeFileSync(out, JSON.stringify({ steps, seed, loss, trainStart, trainEnd, trainMs: trainEnd - trainStart, cpuMs: cpuMs() - c0 }));
tf.disposeVariables();
