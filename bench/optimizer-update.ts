/**
 * Benchmark 3 — one optimizer update over the reference ViT's 12,470,026 parameters: hyperschedule's
 * AdamW (lr 1e-3, decoupled weight decay 1e-4: it does one multiply more per variable) against
 * `tf.train.adam(1e-3)`, on the same variables and the same fixed gradients, interleaved
 * (A, B, B, A, ...), on wasm and on the cpu backend (slow: fewer repetitions). Times are this
 * process's CPU time per `applyGradients` (wall time is stored too).
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/index.js';
import { createViT } from '../examples/vit/model.js';
import { useBackend } from './lib/backend.js';
import { fmt, pairedRatio, summarize, type Ratio, type Summary } from './lib/stats.js';
import { cpuMs, packageVersion, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

interface BackendResult {
  readonly backend: string;
  readonly params: number;
  readonly variables: number;
  readonly repetitions: number;
  readonly adamw: { cpu: Summary; wall: Summary };
  readonly tfAdam: { cpu: Summary; wall: Summary };
  /** AdamW / tf.train.adam, paired CPU time (the target: <= 1.0). */
  readonly ratio: Ratio;
  readonly wallRatio: Ratio;
  readonly leakedTensors: number;
}

async function run(backend: 'wasm' | 'cpu', repetitions: number): Promise<BackendResult> {
  await useBackend(backend);
  const vit = createViT('reference', 0);
  const grads: tf.NamedTensorMap = {};
  vit.variables.forEach((v, i) => {
    grads[v.name] = tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', i), 1e-3);
  });
  const gradList = vit.variables.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
  const ours = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const theirs = tf.train.adam(1e-3);
  const sides = [
    { name: 'adamw', update: () => ours.applyGradients(gradList), cpu: [] as number[], wall: [] as number[] },
    { name: 'tf.train.adam', update: () => theirs.applyGradients(gradList), cpu: [] as number[], wall: [] as number[] },
  ];
  for (const s of sides) for (let w = 0; w < 2; w++) s.update(); // slots created, kernels warm
  const before = tf.memory().numTensors;
  for (let r = 0; r < repetitions; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const s of order) {
      const c0 = cpuMs();
      const t0 = performance.now();
      s.update();
      s.wall.push(performance.now() - t0);
      s.cpu.push(cpuMs() - c0);
    }
  }
  const leakedTensors = tf.memory().numTensors - before;
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const result: BackendResult = {
    backend,
    params: vit.paramCount,
    variables: vit.variables.length,
    repetitions,
    adamw: { cpu: summarize(a.cpu), wall: summarize(a.wall) },
    tfAdam: { cpu: summarize(b.cpu), wall: summarize(b.wall) },
    ratio: pairedRatio(b.cpu, a.cpu),
    wallRatio: pairedRatio(b.wall, a.wall),
    leakedTensors,
  };
  ours.dispose();
  theirs.dispose();
  tf.dispose(grads);
  vit.dispose();
  return result;
}

const args = parseArgs();
const quick = args.quick;
const results = [
  await run('wasm', Number(args.options['wasm-reps'] ?? (quick ? 4 : 10))),
  await run('cpu', Number(args.options['cpu-reps'] ?? (quick ? 1 : 2))),
];
printTable(
  'Optimizer update over 12,470,026 parameters (median CPU ms per update; ratio = paired median AdamW / tf.train.adam)',
  ['backend', 'AdamW ms', 'tf.train.adam ms', 'ratio (cpu time)', 'ratio (wall)', 'reps', 'target <= 1.0'],
  results.map((r) => [
    r.backend,
    fmt(r.adamw.cpu.median, 1),
    fmt(r.tfAdam.cpu.median, 1),
    `${fmt(r.ratio.pairedMedian, 3)} [${fmt(r.ratio.low, 3)}, ${fmt(r.ratio.high, 3)}]`,
    fmt(r.wallRatio.pairedMedian, 3),
    String(r.repetitions),
    r.ratio.pairedMedian <= 1 ? 'met' : 'MISSED',
  ]),
);
const file = writeResult('optimizer-update', quick, { tfjs: packageVersion('@tensorflow/tfjs-core'), results });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('optimizer-update', quick)}`);
