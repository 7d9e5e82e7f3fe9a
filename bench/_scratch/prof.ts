import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createViT, type ViTPresetName } from '../../examples/vit/model.js';
const [preset = 'small', batchArg = '32', stepsArg = '5', mode = 'name'] = process.argv.slice(2);
const batch = Number(batchArg);
await tf.setBackend('wasm'); await tf.ready();
const vit = createViT(preset as ViTPresetName, 1);
const opt = tf.train.adam(1e-3);
const x = tf.randomNormal([batch, 32, 32, 3]) as tf.Tensor4D;
const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
const step = () => { const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, vit.apply(x, true)) as tf.Scalar, true, vit.variables)!; l.dataSync(); l.dispose(); };
step();
const per: Map<string, number[]> = new Map(); const totals: number[] = []; const walls: number[] = [];
for (let s = 0; s < Number(stepsArg); s++) {
  const t0 = performance.now();
  const info = await tf.profile(step);
  walls.push(performance.now() - t0);
  const m = new Map<string, number>();
  for (const k of info.kernels) { if (k.name === 'forward' || k.name.endsWith('__op')) continue; const key = mode === 'shapes' ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}` : k.name; m.set(key, (m.get(key) ?? 0) + Number(k.kernelTimeMs)); }
  for (const [k, v] of m) { if (!per.has(k)) per.set(k, []); per.get(k)!.push(v); }
  totals.push([...m.values()].reduce((a, b) => a + b, 0));
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const agg = process.env.AGG === "min" ? (a: number[]) => Math.min(...a) : med;
const rows = [...per].map(([k, v]) => [k, agg(v)] as const).sort((a, b) => b[1] - a[1]);
const sum = rows.reduce((a, r) => a + r[1], 0);
console.log(`wall median ${med(walls).toFixed(0)} ms (profiled), kernel total median ${med(totals).toFixed(0)}, sum of medians ${sum.toFixed(0)}`);
for (const [k, v] of rows.slice(0, 40)) console.log(`  ${k.padEnd(62)} ${v.toFixed(1).padStart(7)} ms ${(100 * v / sum).toFixed(1).padStart(5)}%`);
