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
 *    the reference preset at the study's batch 512 in micro-batches of its one-piece maximum, one
 *    step timed (with `--accumulate-all`, the other presets at 4x their maximum too).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  adaptiveMomentum,
  createSession,
  hook,
  oneCycle,
  param,
  scheduledBatches,
  scheduledWeightDecay,
  stepDecay,
} from '../src/index.js';
import { positiveInteger, range } from '../src/params/domain.js';
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
  const beta1 = param('beta1', { controller: adaptiveMomentum({ lr, initial: 0.9 }) }, { domain: 'unitInterval' });
  const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: 1e-6 }) }, { domain: range({ min: 0, max: 0.1 }) });
  const batchSize = param('batchSize', { schedule: stepDecay({ init: 64, stepSize: 1000, gamma: 2, unit: 'epoch' }) }, { domain: positiveInteger({ max: 1024 }) });
  const session = createSession({ params: [lr, beta1, wd, batchSize], run: { totalSteps: steps } });
  const s = session.signals;
  let events = 0;
  const subs = [s.updateApplied$, s.loss$, s.gradNorm$, s.gradNorms$, s.gradDeltaNorm$, s.gradDeltaNorms$, s.paramDeltaNorm$, s.paramDeltaNorms$, s.epochEnd$]
    .map((o) => (o as { subscribe: (f: () => void) => { unsubscribe(): void } }).subscribe(() => { events += 1; }));
  const opt = hook(new AdamW({ learningRate: lr, beta1, weightDecay: wd }), session);
  const source = scheduledBatches({ xs: data.xs, ys: data.ys }, { session, dropLast: true });
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
  /** Largest power-of-two batch that trained in one piece (or as the micro-batch of an accumulated step). */
  readonly largest: number | null;
  /** How twice `largest` was ruled out: a probe that failed, or the heap prediction (clearly over). */
  readonly nextRuledOutBy: 'probe' | 'prediction' | null;
  readonly probes: Probe[];
}

/**
 * The largest power-of-two batch that trains in one piece: predict it from the heap high-water
 * marks of two small batches; prove it trains (`prove(candidate)`, which may be an accumulated
 * step whose micro-batch is the candidate); rule out twice the candidate by a probe when the
 * prediction is close to the cap (under 110% of it), by the prediction alone when it is clearly over.
 */
function largestBatch(preset: ViTPresetName, small: number, prove: (candidate: number) => Probe): Limit {
  const probes: Probe[] = [];
  const a = probe(preset, small);
  const b = probe(preset, 2 * small);
  probes.push(a, b);
  const perSample = (b.heapBytes - a.heapBytes) / small;
  const fixed = a.heapBytes - perSample * small;
  // The heap grows in ~20% steps and fragments: aim at 85% of the cap.
  const fit = Math.max(1, Math.floor((0.85 * HEAP_LIMIT - fixed) / perSample));
  let candidate = Math.max(2 * small, 2 ** Math.floor(Math.log2(fit)));
  let largest: number | null = null;
  for (; candidate >= small; candidate /= 2) {
    const p = candidate === 2 * small ? b : candidate === small ? a : prove(candidate);
    if (p !== a && p !== b) probes.push(p);
    if (p.ok) {
      largest = candidate;
      break;
    }
  }
  let nextRuledOutBy: Limit['nextRuledOutBy'] = null;
  if (largest !== null) {
    const predictedHeap = fixed + perSample * 2 * largest;
    if (predictedHeap > 1.1 * HEAP_LIMIT) {
      nextRuledOutBy = 'prediction';
      console.log(`  batch ${2 * largest}: predicted heap ${fmt(predictedHeap / MB, 0)} MB > 1.1 x the 4 GB cap, not probed`);
    } else {
      const up = probe(preset, 2 * largest, 0, PREGROW_MB);
      probes.push(up);
      if (up.ok) largest *= 2;
      else nextRuledOutBy = 'probe';
    }
  }
  return { preset, perSampleMB: perSample / MB, fixedMB: fixed / MB, predicted: fit, largest, nextRuledOutBy, probes };
}

const flat = await flatMemory(Number(args.options.steps ?? 1000));
printTable(`Flat memory: ${flat.model} on wasm, full hyperschedule loop, ${flat.steps} steps`, ['step', 'numTensors', 'tensor MB', 'wasm heap MB', 'RSS MB'],
  flat.samples.filter((x, i) => i === 0 || x.step % 250 === 0 || i === flat.samples.length - 1).map((x) => [String(x.step), String(x.tensors), fmt(x.tensorMB, 2), fmt(x.heapMB, 0), fmt(x.rssMB, 0)]));
console.log(`numTensors flat after step 50: ${flat.tensorsFlat ? 'yes' : 'NO'}; RSS growth ${fmt(flat.rssGrowthMB, 1)} MB, heap growth ${fmt(flat.heapGrowthMB, 1)} MB (steps 50 -> ${flat.steps})`);

const presets: { preset: ViTPresetName; small: number }[] = [
  { preset: 'tiny', small: 128 },
  { preset: 'small', small: 16 },
  { preset: 'reference', small: 2 },
];
const only = args.options.preset;
const accumulateAll = args.options['accumulate-all'] !== undefined;
const limits: Limit[] = [];
const accumulated: Probe[] = [];
for (const { preset, small } of presets) {
  if (only && preset !== only) continue;
  console.log(`\n${preset}: largest batch in one piece`);
  if (preset === 'reference') {
    // The study's batch 512 through accumulation, in micro-batches of the candidate: one run
    // proves both that the candidate fits and that 512 trains.
    const batch = Number(args.options['reference-batch'] ?? 512);
    limits.push(largestBatch(preset, small, (candidate) => {
      console.log(`  the study's batch ${batch} in micro-batches of ${candidate}:`);
      const p = probe(preset, batch, candidate, PREGROW_MB);
      accumulated.push(p);
      return p;
    }));
    const largest = limits[limits.length - 1]!.largest;
    if (!accumulated.some((p) => p.preset === 'reference') && largest !== null) {
      console.log(`  the study's batch ${batch} in micro-batches of ${largest}:`);
      accumulated.push(probe(preset, batch, largest, PREGROW_MB));
    }
  } else {
    const limit = largestBatch(preset, small, (candidate) => probe(preset, candidate, 0, PREGROW_MB));
    limits.push(limit);
    if (accumulateAll && limit.largest !== null) {
      console.log(`${preset}: 4x that batch through accumulation`);
      accumulated.push(probe(preset, 4 * limit.largest, limit.largest, PREGROW_MB));
    }
  }
}

printTable('Largest batch per preset on wasm (4 GB heap)', ['preset', 'heap MB/sample', 'predicted fit', 'largest (power of 2)', '2x ruled out by', 'with accumulation'],
  limits.map((l) => {
    const acc = accumulated.find((p) => p.preset === l.preset);
    return [
      l.preset,
      fmt(l.perSampleMB, 2),
      String(l.predicted),
      l.largest === null ? 'none' : String(l.largest),
      l.nextRuledOutBy ?? '—',
      acc ? `${acc.batch} (micro ${acc.micro}): ${acc.ok ? `ok, ${fmt((acc.stepMs ?? [0])[0]! / 1000, 1)} s/step, heap ${fmt(acc.heapBytes / MB, 0)} MB` : `failed: ${acc.error}`}` : '—',
    ];
  }));
const file = writeResult('memory', quick, { flat, limits, accumulated });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('memory', quick)}`);
