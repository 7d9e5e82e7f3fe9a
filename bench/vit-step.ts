/**
 * Benchmark 4 — one ViT training step (forward, cross-entropy, backward, AdamW update, loss read
 * back) in tfjs-wasm (this process) and in PyTorch on the CPU (scripts/bench_torch_vit.py, the
 * same architecture and shapes, in child processes with 1 and with 2 threads), interleaved round
 * by round so both sides see the same machine load. Reports ms/step (wall clock), images/s,
 * GFLOP/s (matmul FLOPs: 3x the forward) and tfjs / best-PyTorch. The wall clock is what a user
 * waits for; on a shared machine the CPU-time ratio against 1-thread PyTorch is the steadier
 * number (both single-threaded), so it is reported too.
 *
 * PyTorch comes from `$HS_PYTHON` (default /usr/bin/python3, Debian's python3-torch with
 * OpenBLAS); when torch is absent that side is skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/index.js';
import { VIT_PRESETS, vitForwardFlops, vitParamCount, type ViTPresetName } from '../examples/vit/model.js';
import { useBackend } from './lib/backend.js';
import { syntheticData, vitModel } from './lib/models.js';
import { fmt, median } from './lib/stats.js';
import { ROOT, cpuMs, packageVersion, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

const PYTHON = process.env.HS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(ROOT, 'scripts', 'bench_torch_vit.py');

interface TorchRun {
  readonly threads: number;
  readonly ms: number[];
  readonly cpu_ms: number[];
  readonly params: number;
}

/** Runs the PyTorch side once; a string is the reason it could not run. */
function torchSteps(preset: ViTPresetName, batch: number, threads: number, steps: number): TorchRun | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (set HS_PYTHON to a python with torch)`;
  const r = spawnSync(PYTHON, [SCRIPT, '--preset', preset, '--batch', String(batch), '--threads', String(threads), '--steps', String(steps), '--warmup', '1'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(last) as { skipped?: string; results?: TorchRun[] };
    if (out.skipped) return out.skipped;
    const run = out.results?.[0];
    if (run) return run;
  } catch {
    // fall through to the error below
  }
  return `bench_torch_vit.py failed (status ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
}

interface CaseSpec {
  readonly preset: ViTPresetName;
  readonly batch: number;
  readonly steps: number;
  readonly rounds: number;
}

interface Side {
  readonly msPerStep: number;
  readonly cpuMsPerStep: number;
  readonly imagesPerSecond: number;
  readonly gflops: number;
  readonly steps: number;
}

interface CaseResult {
  readonly preset: ViTPresetName;
  readonly batch: number;
  readonly params: number;
  readonly gflopPerStep: number;
  readonly tfjs: Side;
  readonly torch: Record<string, Side> | { skipped: string };
  readonly bestTorchThreads: number | null;
  /** tfjs wall ms / best PyTorch wall ms (the target: <= 3). */
  readonly ratio: number | null;
  /** tfjs CPU ms / 1-thread PyTorch CPU ms. */
  readonly cpuRatio1Thread: number | null;
}

const side = (ms: number[], cpu: number[], batch: number, gflop: number): Side => {
  const m = median(ms);
  return { msPerStep: m, cpuMsPerStep: median(cpu), imagesPerSecond: (batch * 1000) / m, gflops: gflop / (m / 1000), steps: ms.length };
};

async function runCase(spec: CaseSpec, threadCounts: readonly number[]): Promise<CaseResult> {
  const { preset, batch } = spec;
  const config = VIT_PRESETS[preset];
  const gflop = (3 * vitForwardFlops(config, batch)) / 1e9;
  const model = vitModel(preset, 0);
  const data = syntheticData(model, batch, 1);
  const opt = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const stepOn = (d: { xs: tf.Tensor; ys: tf.Tensor }) => {
    const loss = opt.minimize(() => model.loss(d.xs, d.ys), true, model.variables)!;
    loss.dataSync();
    loss.dispose();
  };
  const step = () => stepOn(data);
  step(); // warm-up: JIT, kernels, and the wasm heap grown to this batch (slow the first time)
  const tfMs: number[] = [];
  const tfCpu: number[] = [];
  const torchRuns = new Map<number, { ms: number[]; cpu: number[] }>();
  let skipped: string | null = null;
  for (let r = 0; r < spec.rounds; r++) {
    for (let s = 0; s < spec.steps; s++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      step();
      tfMs.push(performance.now() - t0);
      tfCpu.push(cpuMs() - c0);
    }
    if (skipped !== null) continue;
    for (const threads of threadCounts) {
      const run = torchSteps(preset, batch, threads, spec.steps);
      if (typeof run === 'string') {
        skipped = run;
        console.log(`PyTorch side skipped: ${run}`);
        break;
      }
      if (run.params !== model.paramCount) throw new Error(`PyTorch model has ${run.params} parameters, tfjs ${model.paramCount}`);
      const acc = torchRuns.get(threads) ?? { ms: [], cpu: [] };
      acc.ms.push(...run.ms);
      acc.cpu.push(...run.cpu_ms);
      torchRuns.set(threads, acc);
    }
  }
  tf.dispose([data.xs, data.ys]);
  opt.dispose();
  model.dispose();
  const tfjs = side(tfMs, tfCpu, batch, gflop);
  let torch: CaseResult['torch'];
  let best: number | null = null;
  let ratio: number | null = null;
  let cpuRatio1Thread: number | null = null;
  if (skipped !== null || torchRuns.size === 0) {
    torch = { skipped: skipped ?? 'no PyTorch runs' };
  } else {
    const sides: Record<string, Side> = {};
    for (const [threads, acc] of torchRuns) sides[`${threads}`] = side(acc.ms, acc.cpu, batch, gflop);
    torch = sides;
    best = [...torchRuns.keys()].reduce((a, b) => (sides[`${b}`]!.msPerStep < sides[`${a}`]!.msPerStep ? b : a));
    ratio = tfjs.msPerStep / sides[`${best}`]!.msPerStep;
    if (sides['1']) cpuRatio1Thread = tfjs.cpuMsPerStep / sides['1'].cpuMsPerStep;
  }
  return { preset, batch, params: vitParamCount(config), gflopPerStep: gflop, tfjs, torch, bestTorchThreads: best, ratio, cpuRatio1Thread };
}

const args = parseArgs();
const quick = args.quick;
const threads = (args.options.threads ?? '1,2').split(',').map(Number);
const refBatch = Number(args.options['reference-batch'] ?? 32);
const specs: CaseSpec[] = [
  { preset: 'small', batch: 32, steps: quick ? 3 : 5, rounds: quick ? 1 : 2 },
  { preset: 'tiny', batch: 64, steps: quick ? 5 : 15, rounds: 1 },
  { preset: 'reference', batch: refBatch, steps: 1, rounds: 1 },
];
const only = args.options.preset;
await useBackend('wasm');
const results: CaseResult[] = [];
for (const spec of specs) {
  if (only && spec.preset !== only) continue;
  console.log(`ViT ${spec.preset}, batch ${spec.batch}: ${spec.rounds} round(s) of ${spec.steps} steps per side...`);
  results.push(await runCase(spec, threads));
}

const rows: string[][] = [];
for (const r of results) {
  const t = r.tfjs;
  rows.push([`${r.preset} b${r.batch} — tfjs wasm`, fmt(t.msPerStep, 0), fmt(t.cpuMsPerStep, 0), fmt(t.imagesPerSecond, 1), fmt(t.gflops, 1), '']);
  if ('skipped' in r.torch) {
    rows.push([`${r.preset} b${r.batch} — PyTorch`, 'skipped', '', '', '', String(r.torch.skipped)]);
  } else {
    for (const [n, s] of Object.entries(r.torch)) {
      rows.push([`${r.preset} b${r.batch} — PyTorch ${n} thread${n === '1' ? '' : 's'}`, fmt(s.msPerStep, 0), fmt(s.cpuMsPerStep, 0), fmt(s.imagesPerSecond, 1), fmt(s.gflops, 1), Number(n) === r.bestTorchThreads ? 'best' : '']);
    }
    rows.push([`${r.preset} b${r.batch} — ratio tfjs / best PyTorch`, fmt(r.ratio, 2), fmt(r.cpuRatio1Thread, 2), '', '', r.ratio !== null && r.ratio <= 3 ? 'within 3x' : 'over 3x']);
  }
}
printTable('ViT training step, tfjs-wasm vs PyTorch CPU (medians; cpu ms = CPU time of all threads)', ['case', 'ms/step', 'cpu ms', 'images/s', 'GFLOP/s', 'note'], rows);
const file = writeResult('vit-step', quick, { tfjs: packageVersion('@tensorflow/tfjs-core'), python: PYTHON, results });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('vit-step', quick)}`);
