/**
 * Benchmark 5 — parallel trials: sweep throughput with 1 and 2 worker processes. The same sweep
 * (fixed ViT `tiny` training trials, bench/parallel-trial.ts) through hyperschedule's own sweep
 * runner (`runSweep`, src/node/sweep) at concurrency 1 and 2, alternating (1, 2, 2, 1, ...) so
 * drift in the machine's load hits both. Throughput counts whole trials per minute of sweep wall
 * time (process start-up included, as a sweep pays it) and training steps per second over the
 * span in which trials were training.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runSweep, type SweepTrial } from 'hyperschedule/node';
import { fmt, median } from './lib/stats.js';
import { ROOT, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

interface TrialResult {
  readonly steps: number;
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly trainMs: number;
  readonly cpuMs: number;
}

interface SweepRun {
  readonly workers: number;
  readonly trials: number;
  readonly wallMs: number;
  readonly trialsPerMinute: number;
  /** Training steps per second of time during which at least one trial was training (start-up excluded). */
  readonly stepsPerSecond: number;
  /** CPU time of the trials' training / that time: the cores the workers actually got. */
  readonly coresUsed: number;
  readonly meanTrialTrainMs: number;
  readonly failed: number;
}

/** Total length of the union of time intervals. */
function unionMs(intervals: readonly (readonly [number, number])[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  return total + (end - start);
}

async function sweep(workers: number, trialCount: number, steps: number): Promise<SweepRun> {
  const dir = mkdtempSync(join(os.tmpdir(), 'hs-bench-sweep-'));
  const trials: SweepTrial[] = Array.from({ length: trialCount }, (_, i) => ({ id: `trial-${i}`, params: { seed: i } }));
  const t0 = performance.now();
  try {
    const outcome = await runSweep<TrialResult>({
      dir,
      trials,
      concurrency: workers,
      retryFailed: false,
      command: (trial, paths) => ({
        command: process.execPath,
        args: ['--import', 'tsx', join(ROOT, 'bench', 'parallel-trial.ts'), '--steps', String(steps), '--seed', String(trial.params.seed), '--out', paths.result],
        cwd: ROOT,
      }),
      parseResult: (v) => v as TrialResult,
    });
    const wallMs = performance.now() - t0;
    const results = outcome.records.filter((r) => r.status === 'ok' && r.result).map((r) => r.result!);
    const span = unionMs(results.map((r) => [r.trainStart, r.trainEnd] as const));
    return {
      workers,
      trials: results.length,
      wallMs,
      trialsPerMinute: results.length / (wallMs / 60_000),
      stepsPerSecond: results.reduce((n, r) => n + r.steps, 0) / (span / 1000),
      coresUsed: results.reduce((n, r) => n + r.cpuMs, 0) / span,
      meanTrialTrainMs: results.reduce((n, r) => n + r.trainMs, 0) / results.length,
      failed: outcome.failed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = parseArgs();
const quick = args.quick;
const trialCount = Number(args.options.trials ?? 4);
const steps = Number(args.options.steps ?? (quick ? 20 : 40));
const order = (args.options.order ?? '1,2').split(',').map(Number);
const runs: SweepRun[] = [];
for (const workers of order) {
  console.log(`sweep of ${trialCount} trials x ${steps} steps with ${workers} worker(s)...`);
  runs.push(await sweep(workers, trialCount, steps));
}
const of = (w: number) => runs.filter((r) => r.workers === w);
const med = (w: number, k: 'trialsPerMinute' | 'stepsPerSecond') => median(of(w).map((r) => r[k]));
const speedup = med(2, 'trialsPerMinute') / med(1, 'trialsPerMinute');
const trainingSpeedup = med(2, 'stepsPerSecond') / med(1, 'stepsPerSecond');
printTable('Parallel trials (ViT tiny on wasm, one process per trial, hyperschedule sweep runner)', ['workers', 'sweep s', 'trials/min', 'train steps/s', 'cores used', 'mean trial train s'],
  runs.map((r) => [String(r.workers), fmt(r.wallMs / 1000, 1), fmt(r.trialsPerMinute, 1), fmt(r.stepsPerSecond, 1), fmt(r.coresUsed, 2), fmt(r.meanTrialTrainMs / 1000, 2)]));
console.log(`\n2 workers vs 1: ${fmt(speedup, 2)}x trials/min, ${fmt(trainingSpeedup, 2)}x training steps/s (target >= 1.8x); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
const file = writeResult('parallel', quick, { trialsPerSweep: trialCount, stepsPerTrial: steps, runs, speedup, trainingSpeedup, target: 1.8 });
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('parallel', quick)}`);
