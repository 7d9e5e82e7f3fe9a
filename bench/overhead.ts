/**
 * Benchmark 1 — scheduling overhead. The same training loop (AdamW, fixed-size contiguous batches)
 * bare and with hyperschedule driving the learning rate, beta1, weight decay and the batch size,
 * interleaved round-robin (bare, pure, checked, controllers, bare, ...) so machine drift hits
 * every variant alike. Variants:
 *
 * - `bare`: `new AdamW({ learningRate: 1e-3, beta1: 0.9, weightDecay: 1e-4 })`, `tf.slice` batches.
 * - `schedules`: the four hyperparameters from schedules that move every step (one-cycle LR and
 *   beta1, cosine weight decay; a batch-size step schedule, in epochs, that stays at the base
 *   size over the measured window so all variants do the same work), a session, `hook(...,
 *   { onNonFinite: 'apply' })` and `scheduledBatches`. Pure schedules: must add no device read.
 * - `schedules+check`: the same with the hook's default non-finite gradient check (one read).
 * - `controllers`: LR = one-cycle x plateau factor, beta1 from adaptive heavy-ball momentum
 *   (needs ||g_k - g_{k-1}|| and ||x_k - x_{k-1}||), weight decay from the scheduled-weight-decay
 *   controller (needs ||g||), the batch-size schedule, and every signal stream subscribed: at
 *   most one batched read per step.
 *
 * Reads are counted by wrapping the backend's read/readSync (bench/lib/reads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  adaptiveMomentum,
  cosine,
  createSession,
  hook,
  oneCycle,
  oneCycleMomentum,
  param,
  reduceOnPlateau,
  scheduledBatches,
  scheduledWeightDecay,
  stepDecay,
  type HyperscheduleSession,
} from '../src/index.js';
import { positiveInteger, range } from '../src/params/domain.js';
import { useBackend } from './lib/backend.js';
import { createMlp, syntheticData, vitModel, type BenchModel } from './lib/models.js';
import { countReads, type ReadCounter } from './lib/reads.js';
import { fmt, pairedRatio, summarize, type Ratio, type Summary } from './lib/stats.js';
import { cpuMs, packageVersion, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

type VariantName = 'bare' | 'schedules' | 'schedules+check' | 'controllers';
const VARIANTS: readonly VariantName[] = ['bare', 'schedules', 'schedules+check', 'controllers'];

interface Variant {
  readonly name: VariantName;
  readonly model: BenchModel;
  readonly step: () => void;
  /** Wall-clock ms per step, one entry per round. */
  readonly times: number[];
  /** CPU ms per step (this process), one entry per round: the ratio the targets are judged on. */
  readonly cpu: number[];
  readonly reads: number[];
  /** Round index of each entry (sparse variants skip rounds; ratios pair them with bare's same round). */
  readonly rounds: number[];
  readonly dispose: () => void;
}

const TOTAL = 100_000; // schedule length in steps: long enough to keep moving, never to end

/** Subscribes a no-op observer to every stream of the session (what "every signal" costs). */
function subscribeEverything(session: HyperscheduleSession): () => void {
  const s = session.signals;
  let events = 0;
  const count = () => {
    events += 1;
  };
  const subs = [
    s.updateApplied$, s.loss$, s.gradNorm$, s.gradNorms$, s.gradDeltaNorm$, s.gradDeltaNorms$,
    s.paramDeltaNorm$, s.paramDeltaNorms$, s.metrics$, s.epochEnd$, s.nonFinite$, s.rejected$,
  ].map((o) => (o as { subscribe: (f: () => void) => { unsubscribe(): void } }).subscribe(count));
  return () => {
    subs.forEach((x) => x.unsubscribe());
    if (events < 0) throw new Error('unreachable'); // keeps `events` observable to the optimiser
  };
}

function makeVariant(name: VariantName, model: BenchModel, data: { xs: tf.Tensor; ys: tf.Tensor }, batch: number): Variant {
  const times: number[] = [];
  const cpu: number[] = [];
  const reads: number[] = [];
  const n = data.xs.shape[0]!;
  const batches = Math.floor(n / batch);
  if (name === 'bare') {
    const opt = new AdamW({ learningRate: 1e-3, beta1: 0.9, weightDecay: 1e-4 });
    let i = 0;
    const step = () => {
      const start = (i++ % batches) * batch;
      const xb = tf.slice(data.xs, [start], [batch]);
      const yb = tf.slice(data.ys, [start], [batch]);
      opt.minimize(() => model.loss(xb, yb), false, model.variables);
      tf.dispose([xb, yb]);
    };
    return { name, model, step, times, cpu, reads, rounds: [], dispose: () => opt.dispose() };
  }
  const lrBase = param('lr.base', { schedule: oneCycle({ max: 1e-3, total: TOTAL }) }, { domain: 'positive' });
  const batchSize = param('batchSize', { schedule: stepDecay({ init: batch, stepSize: 1000, gamma: 2, unit: 'epoch' }) }, {
    domain: positiveInteger({ max: 65536 }),
  });
  let params;
  if (name === 'controllers') {
    const plateau = param('lr.plateau', { controller: reduceOnPlateau({ metric: 'val_loss', patience: 5 }) }, { domain: 'positive' });
    const lr = lrBase.times(plateau, 'lr');
    const beta1 = param('beta1', { controller: adaptiveMomentum({ lr, initial: 0.9 }) }, { domain: 'unitInterval' });
    const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: 1e-6 }) }, { domain: range({ min: 0, max: 0.1 }) });
    params = { lr, beta1, wd };
  } else {
    const beta1 = param('beta1', { schedule: oneCycleMomentum({ total: TOTAL }) }, { domain: 'unitInterval' });
    const wd = param('weightDecay', { schedule: cosine({ init: 1e-4, min: 1e-5, duration: TOTAL }) }, { domain: 'nonNegative' });
    params = { lr: lrBase, beta1, wd };
  }
  const session = createSession({ params: [params.lr, params.beta1, params.wd, batchSize], run: { epochs: 10_000 } });
  const unsubscribe = name === 'controllers' ? subscribeEverything(session) : () => undefined;
  const opt = hook(new AdamW({ learningRate: params.lr, beta1: params.beta1, weightDecay: params.wd }), session, {
    onNonFinite: name === 'schedules' ? 'apply' : 'skip',
  });
  const source = scheduledBatches({ xs: data.xs, ys: data.ys }, { session, dropLast: true });
  let epoch = source[Symbol.iterator]();
  const step = () => {
    let next = epoch.next();
    if (next.done) {
      epoch = source[Symbol.iterator]();
      next = epoch.next();
    }
    const { xs, ys } = next.value as { xs: tf.Tensor; ys: tf.Tensor };
    if (xs.shape[0] !== batch) throw new Error(`batch size moved to ${xs.shape[0]}: the variants would do different work`);
    opt.minimize(() => model.loss(xs, ys), false, model.variables);
    tf.dispose([xs, ys]);
  };
  return {
    name, model, step, times, cpu, reads, rounds: [],
    dispose: () => {
      unsubscribe();
      opt.dispose();
      session.dispose();
    },
  };
}

interface CaseResult {
  readonly case: string;
  readonly backend: string;
  readonly model: string;
  readonly params: number;
  readonly batch: number;
  readonly rounds: number;
  readonly stepsPerRound: number;
  readonly variants: Record<VariantName, {
    /** Wall-clock ms per step. */
    time: Summary;
    /** CPU ms per step of this process. */
    cpuTime: Summary;
    readsPerStep: number;
    /** Paired CPU-time ratio against bare (the target: <= 1.01). */
    vsBare: Ratio | null;
    /** Paired wall-time ratio against bare. */
    wallVsBare: Ratio | null;
    /** Median paired difference of CPU ms per step. */
    addedMsPerStep: number | null;
  }>;
}

async function runCase(options: {
  label: string;
  backend: 'wasm' | 'cpu';
  model: (seed: number) => BenchModel;
  batch: number;
  rounds: number;
  stepsPerRound: number;
  /** The check/controllers variants run every `sparseEvery`-th round only (their target is reads, not time). */
  sparseEvery?: number;
}): Promise<CaseResult> {
  await useBackend(options.backend);
  const { batch } = options;
  const probe = options.model(7);
  const data = syntheticData(probe, batch * 8, 3);
  probe.dispose();
  const variants = VARIANTS.map((name) => makeVariant(name, options.model(7), data, batch));
  let counter: ReadCounter | undefined;
  try {
    for (const v of variants) for (let w = 0; w < 2; w++) v.step(); // warm-up: kernels, XNNPACK operators, slots
    counter = countReads();
    const tensorsBefore = tf.memory().numTensors;
    const every = options.sparseEvery ?? 1;
    for (let r = 0; r < options.rounds; r++) {
      const active = variants.filter((v) => v.name === 'bare' || v.name === 'schedules' || r % every === 0);
      // Rotate the starting variant each round so no variant always follows the same one.
      for (let j = 0; j < active.length; j++) {
        const v = active[(r + j) % active.length]!;
        const before = counter.count();
        const c0 = cpuMs();
        const t0 = performance.now();
        for (let s = 0; s < options.stepsPerRound; s++) v.step();
        v.times.push((performance.now() - t0) / options.stepsPerRound);
        v.cpu.push((cpuMs() - c0) / options.stepsPerRound);
        v.reads.push((counter.count() - before) / options.stepsPerRound);
        v.rounds.push(r);
      }
    }
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) console.warn(`warning: numTensors moved by ${leaked} over the measured steps`);
  } finally {
    counter?.stop();
  }
  const bare = variants[0]!;
  const bareReads = bare.reads.reduce((a, b) => a + b, 0) / bare.reads.length;
  const out = {} as CaseResult['variants'];
  for (const v of variants) {
    const readsPerStep = v.reads.reduce((a, b) => a + b, 0) / v.reads.length;
    const bareCpu = v.rounds.map((r) => bare.cpu[r]!);
    const bareWall = v.rounds.map((r) => bare.times[r]!);
    out[v.name] = {
      time: summarize(v.times),
      cpuTime: summarize(v.cpu),
      readsPerStep: readsPerStep - bareReads,
      vsBare: v === bare ? null : pairedRatio(bareCpu, v.cpu),
      wallVsBare: v === bare ? null : pairedRatio(bareWall, v.times),
      addedMsPerStep: v === bare ? null : summarize(v.cpu.map((t, i) => t - bareCpu[i]!)).median,
    };
  }
  const result: CaseResult = {
    case: options.label,
    backend: options.backend,
    model: bare.model.name,
    params: bare.model.paramCount,
    batch,
    rounds: options.rounds,
    stepsPerRound: options.stepsPerRound,
    variants: out,
  };
  for (const v of variants) {
    v.dispose();
    v.model.dispose();
  }
  tf.dispose([data.xs, data.ys]);
  return result;
}

const args = parseArgs();
const quick = args.quick;
const cases: CaseResult[] = [];
cases.push(
  await runCase({
    label: 'ViT small, wasm',
    backend: 'wasm',
    model: (seed) => vitModel('small', seed),
    batch: 32,
    rounds: Number(args.options['vit-rounds'] ?? (quick ? 4 : 12)),
    stepsPerRound: 1,
    sparseEvery: 4,
  }),
);
cases.push(
  await runCase({
    label: 'MLP, cpu',
    backend: 'cpu',
    model: (seed) => createMlp({ inputs: 64, hidden: 128, classes: 10, seed }),
    batch: 32,
    rounds: Number(args.options['mlp-rounds'] ?? (quick ? 10 : 30)),
    stepsPerRound: 10,
  }),
);
// A model with almost no compute (4-4-2 MLP, batch 4): the step is nearly all per-update
// bookkeeping, so the difference to bare is hyperschedule's own cost per update in absolute terms.
cases.push(
  await runCase({
    label: 'bookkeeping (4-4-2 MLP), wasm',
    backend: 'wasm',
    model: (seed) => createMlp({ inputs: 4, hidden: 4, classes: 2, seed }),
    batch: 4,
    rounds: Number(args.options['tiny-rounds'] ?? (quick ? 10 : 30)),
    stepsPerRound: 50,
  }),
);

const rows: string[][] = [];
for (const c of cases) {
  for (const name of VARIANTS) {
    const v = c.variants[name];
    rows.push([
      `${c.case} — ${name}`,
      fmt(v.cpuTime.median, 2),
      fmt(v.time.median, 2),
      v.vsBare ? `${fmt(v.vsBare.pairedMedian, 3)} [${fmt(v.vsBare.low, 3)}, ${fmt(v.vsBare.high, 3)}]` : '1',
      v.wallVsBare ? fmt(v.wallVsBare.pairedMedian, 3) : '1',
      v.addedMsPerStep === null ? '—' : fmt(v.addedMsPerStep, 2),
      fmt(v.readsPerStep, 2),
    ]);
  }
}
printTable('Scheduling overhead (medians per step; ratio = paired median of CPU time vs bare, 90% bootstrap interval)', [
  'loop', 'cpu ms', 'wall ms', 'cpu ratio vs bare', 'wall ratio', '+cpu ms', 'added reads/step',
], rows);
const file = writeResult('overhead', quick, { tfjs: packageVersion('@tensorflow/tfjs-core'), cases });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('overhead', quick)}`);
