/**
 * Measures one ViT training step (forward + backward + tf.train.adam update) on a backend.
 * A profiling script (timings are never asserted in tests); run by hand:
 *   npx tsx bench/vit-step-profile.ts [preset=small] [batch=32] [backend=wasm] [steps=10] [profile|shapes]
 * `profile` adds a per-kernel breakdown of one step, `shapes` splits it by input shapes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createViT, vitForwardFlops, type ViTPresetName } from '../examples/vit/model.js';

const [preset = 'small', batchArg = '32', backend = 'wasm', stepsArg = '10', profile] = process.argv.slice(2);
const batch = Number(batchArg);
const steps = Number(stepsArg);
await tf.setBackend(backend);
await tf.ready();
const vit = createViT(preset as ViTPresetName, 1);
const opt = tf.train.adam(1e-3);
const x = tf.randomNormal([batch, vit.config.imageSize, vit.config.imageSize, vit.config.channels]) as tf.Tensor4D;
const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % vit.config.numClasses), 'int32'), vit.config.numClasses);
const step = (): number => {
  const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, vit.apply(x, true)) as tf.Scalar, true, vit.variables)!;
  const v = loss.dataSync()[0]!;
  loss.dispose();
  return v;
};
step(); // warm-up: kernel set-up, XNNPACK operator creation
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(
  `${preset} batch ${batch} on ${tf.getBackend()}: median ${median.toFixed(0)} ms/step ` +
    `(min ${times[0]!.toFixed(0)}, max ${times[times.length - 1]!.toFixed(0)}, ${steps} steps), ` +
    `${((batch * 1000) / median).toFixed(1)} images/s, ` +
    `${((3 * vitForwardFlops(vit.config, batch)) / median / 1e6).toFixed(1)} GFLOP/s (matmuls, 3x forward), ` +
    `params ${vit.paramCount}, tensors ${tf.memory().numTensors}`,
);
if (profile) {
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, number>();
  const detailed = profile === 'shapes';
  for (const k of info.kernels) {
    // customGrad wrappers ('forward') and '*__op' wrappers contain kernels listed on their own too.
    if (k.name === 'forward' || k.name.endsWith('__op')) continue;
    const key = detailed ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}` : k.name;
    byKernel.set(key, (byKernel.get(key) ?? 0) + Number(k.kernelTimeMs));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.log(`kernel time ${total.toFixed(0)} ms in ${info.kernels.length} kernel calls`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, detailed ? 80 : 15)) {
    console.log(`  ${name.padEnd(detailed ? 60 : 22)} ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
  }
}
