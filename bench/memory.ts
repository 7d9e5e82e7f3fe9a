/**
 * Benchmark 6 — memory.
 *
 * 1. Flat memory over 1,000 steps: an MLP on wasm trained through the full hyperschedule loop
 *    (session, hook, every signal subscribed, adaptive momentum and scheduled weight decay
 *    controllers, scheduled batches); `tf.memory().numTensors`, tensor bytes, the wasm heap and
 *    the process RSS sampled every 50 steps.
 * 2. The largest power-of-two batch each ViT preset trains at on wasm in one piece: probed in
 *    child processes (bench/memory-probe.ts; the wasm heap is capped at 4 GB and never shrinks),
 *    starting from a prediction made from the heap high-water mark of two small batches, then
 *    confirmed (that batch trains, twice it does not).
 * 3. With gradient accumulation (`minimizeAccumulated`) the batch is no longer bounded by memory:
 *    the reference preset at the study's batch 512 in micro-batches that fit, one step timed; the
 *    other presets at 4x their one-piece maximum.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  adaptiveMomentumController,
  createSession,
  hook,
  oneCycle,
  param,
  positiveInteger,
  range,
  scheduledBatches,
  scheduledWeightDecayController,
  stepDecay,
} from '../src/index.js';
import type { ViTPresetName } from '../examples/vit/model.js';
import { useBackend } from './lib/backend.js';
import { createMlp, syntheticData } from './lib/models.js';
import { fmt } from './lib/stats.js';
import { ROOT, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

const args = parseArgs();
const quick = args.quick;
const MB = 2 ** 20;
const HEAP_LIMIT = 4 * 2 ** 30;
/** Heap the big probes grow to up front (bench/memory-probe.ts explains why). */
const PREGROW_MB = 3800;

// ---- 1. flat memory over 1,000 steps -------------------------------------------------------
interface Sample {
  readonly step: number;
  readonly tensors: number;
  readonly tensorMB: number;
  readonly heapMB: number;
  readonly rssMB: number;
}

async function flatMemory(steps: number): Promise<{ model: string; steps: number; samples: Sample[]; tensorsFlat: boolean; rssGrowthMB: number; heapGrowthMB: number }> {
  await useBackend('wasm');
  const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  const model = createMlp({ inputs: 256, hidden: 256, classes: 10, seed: 1 });
  const data = syntheticData(model, 64 * 16, 2);
  const lr = param('lr', { schedule: oneCycle({ max: 1e-3, total: steps }) }, { domain: 'positive' });
  const beta1 = param('beta1', { controller: adaptiveMomentumController({ lr, initial: 0.9 }) }, { domain: 'unitInterval' });
  const wd = param('weightDecay', { controller: scheduledWeightDecayController({ lambda: 1e-6 }) }, { domain: range({ min: 0, max: 0.1 }) });
  const batchSize = param('batchSize', { schedule: stepDecay({ init: 64, stepSize: 1000, gamma: 2, unit: 'epoch' }) }, { domain: positiveInteger({ max: 1024 }) });
  const session = createSession({ params: [lr, beta1, wd, batchSize], run: { totalSteps: steps } });
  const s = session.signals;
  let events = 0;
  const subs = [s.updateApplied$, s.loss$, s.gradNorm$, s.gradNorms$, s.gradDeltaNorm$, s.gradDeltaNorms$, s.paramDeltaNorm$, s.paramDeltaNorms$, s.epochEnd$]
    .map((o) => (o as { subscribe: (f: () => void) => { unsubscribe(): void } }).subscribe(() => { events += 1; }));
  const opt = hook(new AdamW({ learningRate: lr, beta1, weightDecay: wd }), session);
  const source = scheduledBatches({ xs: data.xs, ys: data.ys }, { batchSize, session, dropLast: true });
  const samples: Sample[] = [];
  const sample = (step: number) => {
    const m = tf.memory();
    samples.push({ step, tensors: m.numTensors, tensorMB: m.numBytes / MB, heapMB: wasm.HEAPU8.length / MB, rssMB: process.memoryUsage().rss / MB });
  };
  let done = 0;
  while (done < steps) {
    for (const batch of source) {
      const { xs, ys } = batch as { xs: tf.Tensor; ys: tf.Tensor };
      opt.minimize(() => model.loss(xs, ys), false, model.variables);
      tf.dispose([xs, ys]);
      done += 1;
      if (done === 1 || done % 50 === 0) sample(done);
      if (done >= steps) break;
    }
  }
  subs.forEach((x) => x.unsubscribe());
  opt.dispose();
  session.dispose();
  model.dispose();
  tf.dispose([data.xs, data.ys]);
  if (events === 0) throw new Error('no signal events: the loop did not run through the hook');
  // After the first 50 steps (slots, previous gradients, heap growth) nothing may grow.
  const settled = samples.filter((x) => x.step >= 50);
  const first = settled[0]!;
  const last = settled[settled.length - 1]!;
  return {
    model: model.name,
    steps,
    samples,
    tensorsFlat: settled.every((x) => x.tensors === first.tensors),
    rssGrowthMB: last.rssMB - first.rssMB,
    heapGrowthMB: last.heapMB - first.heapMB,
  };
}

// ---- 2./3. batch limits on wasm ------------------------------------------------------------
interface Probe {
  readonly preset: string;
  readonly batch: number;
  readonly micro: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly stepMs?: number[];
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly wallMs: number;
}

function probe(preset: ViTPresetName, batch: number, micro = 0, pregrowMB = 0): Probe {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'memory-probe.ts'), '--preset', preset, '--batch', String(batch), '--micro', String(micro), '--pregrow', String(pregrowMB)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const wallMs = performance.now() - t0;
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  let out: Probe;
  if (line) {
    out = { ...(JSON.parse(line) as Omit<Probe, 'wallMs'>), wallMs };
  } else {
    out = { preset, batch, micro, ok: false, error: `probe died (status ${r.status}, signal ${r.signal}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`, heapBytes: 0, rssBytes: 0, wallMs };
  }
  const what = micro > 0 ? `${preset} batch ${batch} in micro-batches of ${micro}` : `${preset} batch ${batch}`;
  console.log(`  probe ${what}: ${out.ok ? `ok, ${fmt((out.stepMs ?? [0])[0]! / 1000, 1)} s/step` : `failed (${out.error})`}, heap ${fmt(out.heapBytes / MB, 0)} MB`);
  return out;
}

interface Limit {
  readonly preset: ViTPresetName;
  /** Heap bytes per sample (slope of the two small probes) and the fixed part. */
  readonly perSampleMB: number;
  readonly fixedMB: number;
  readonly predicted: number;
  /** Largest power-of-two batch that trained in one piece. */
  readonly largest: number | null;
  readonly probes: Probe[];
}

function largestBatch(preset: ViTPresetName, small: number): Limit {
  const probes: Probe[] = [];
  const run = (b: number, pregrowMB = 0) => {
    const p = probe(preset, b, 0, pregrowMB);
    probes.push(p);
    return p;
  };
  const a = run(small);
  const b = run(2 * small);
  const perSample = (b.heapBytes - a.heapBytes) / small;
  const fixed = a.heapBytes - perSample * small;
  // The heap grows in ~20% steps and fragments: aim at 85% of the cap.
  const fit = Math.max(1, Math.floor((0.85 * HEAP_LIMIT - fixed) / perSample));
  let candidate = 2 ** Math.floor(Math.log2(fit));
  let largest: number | null = b.ok ? 2 * small : a.ok ? small : null;
  if (candidate > 2 * small) {
    // Confirm: the candidate trains, twice it does not; walk down if the candidate fails.
    for (;;) {
      const p = run(candidate, PREGROW_MB);
      if (p.ok) {
        largest = candidate;
        const up = run(2 * candidate, PREGROW_MB);
        if (up.ok) largest = 2 * candidate;
        break;
      }
      candidate /= 2;
      if (candidate <= 2 * small) break;
    }
  }
  return { preset, perSampleMB: perSample / MB, fixedMB: fixed / MB, predicted: fit, largest, probes };
}

const flat = await flatMemory(Number(args.options.steps ?? 1000));
printTable(`Flat memory: ${flat.model} on wasm, full hyperschedule loop, ${flat.steps} steps`, ['step', 'numTensors', 'tensor MB', 'wasm heap MB', 'RSS MB'],
  flat.samples.filter((x, i) => i === 0 || x.step % 250 === 0 || i === flat.samples.length - 1).map((x) => [String(x.step), String(x.tensors), fmt(x.tensorMB, 2), fmt(x.heapMB, 0), fmt(x.rssMB, 0)]));
console.log(`numTensors flat after step 50: ${flat.tensorsFlat ? 'yes' : 'NO'}; RSS growth ${fmt(flat.rssGrowthMB, 1)} MB, heap growth ${fmt(flat.heapGrowthMB, 1)} MB (steps 50 -> ${flat.steps})`);

const presets: { preset: ViTPresetName; small: number }[] = [
  { preset: 'tiny', small: 128 },
  { preset: 'small', small: 16 },
  { preset: 'reference', small: 4 },
];
const only = args.options.preset;
const limits: Limit[] = [];
const accumulated: Probe[] = [];
for (const { preset, small } of presets) {
  if (only && preset !== only) continue;
  console.log(`\n${preset}: largest batch in one piece`);
  const limit = largestBatch(preset, small);
  limits.push(limit);
  const micro = limit.largest ?? small;
  if (preset === 'reference') {
    const refMicro = Number(args.options['reference-micro'] ?? Math.min(micro, 32));
    console.log(`${preset}: the study's batch 512 through accumulation`);
    accumulated.push(probe(preset, Number(args.options['reference-batch'] ?? 512), refMicro, PREGROW_MB));
  } else if (!quick) {
    console.log(`${preset}: 4x that batch through accumulation`);
    accumulated.push(probe(preset, 4 * micro, micro, PREGROW_MB));
  }
}

printTable('Largest batch per preset on wasm (4 GB heap)', ['preset', 'heap MB/sample', 'predicted fit', 'largest (power of 2)', 'with accumulation'],
  limits.map((l) => {
    const acc = accumulated.find((p) => p.preset === l.preset);
    return [
      l.preset,
      fmt(l.perSampleMB, 2),
      String(l.predicted),
      l.largest === null ? 'none' : String(l.largest),
      acc ? `${acc.batch} (micro ${acc.micro}): ${acc.ok ? `ok, ${fmt((acc.stepMs ?? [0])[0]! / 1000, 1)} s/step, heap ${fmt(acc.heapBytes / MB, 0)} MB` : `failed: ${acc.error}`}` : '—',
    ];
  }));
const file = writeResult('memory', quick, { flat, limits, accumulated });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('memory', quick)}`);
