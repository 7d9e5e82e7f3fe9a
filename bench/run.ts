/**
 * `npm run bench`: runs the benchmark suite, one child process per benchmark (fresh tfjs state
 * and wasm heap each), then summarises every result file in bench/results/ against its target
 * (bench/results/summary.json and SUMMARY.md, the table the README shows).
 *
 *   npm run bench                          # everything (about 10 minutes on 2 cores)
 *   npm run bench -- --quick               # fewer repetitions, smaller probes
 *   npm run bench -- --only overhead,vit-step
 *   npm run bench -- --summary             # only rebuild the summary from existing results
 *   npm run bench -- --list
 *
 * Options after the names are passed to every benchmark (e.g. `--only vit-step --preset small`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fmt } from './lib/stats.js';
import { RESULTS_DIR, ROOT, machineInfo, parseArgs } from './lib/report.js';

const BENCHMARKS = [
  { name: 'overhead', file: 'overhead.ts', what: 'scheduling overhead: bare loop vs hyperschedule (ViT small/wasm, MLP/cpu), device reads' },
  { name: 'schedule-eval', file: 'schedule-eval.ts', what: 'at() evaluations per second, every family and a composite' },
  { name: 'optimizer-update', file: 'optimizer-update.ts', what: 'AdamW vs tf.train.adam over 12.5M parameters (wasm, cpu)' },
  { name: 'vit-step', file: 'vit-step.ts', what: 'ViT training step, tfjs-wasm vs PyTorch CPU' },
  { name: 'parallel', file: 'parallel.ts', what: 'sweep throughput with 1 and 2 worker processes' },
  { name: 'memory', file: 'memory.ts', what: 'flat memory over 1,000 steps; largest batch per preset; batch 512 by accumulation' },
  { name: 'bundle-size', file: 'bundle-size.ts', what: 'browser bundle of the core (esbuild, minified, tfjs + rxjs external)' },
] as const;

const argv = process.argv.slice(2);
const args = parseArgs(argv);
if (args.options.list !== undefined) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(18)} ${b.what}`);
  process.exit(0);
}
const only = args.options.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only ?? []) {
  if (!BENCHMARKS.some((b) => b.name === name)) {
    console.error(`unknown benchmark "${name}": one of ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
}
// Everything but --only/--summary goes to each benchmark.
const passThrough: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--only') i++;
  else if (argv[i]!.startsWith('--only=') || argv[i] === '--summary') continue;
  else passThrough.push(argv[i]!);
}

const started = performance.now();
const timings: Record<string, number> = {};
const failures: string[] = [];
if (args.options.summary === undefined) {
  const m = machineInfo();
  console.log(`hyperschedule benchmarks on ${m.cpu} (${m.cores} cores), Node ${m.node}, load average ${m.loadAverage.join(' ')}`);
  for (const b of BENCHMARKS) {
    if (only && !only.includes(b.name)) continue;
    console.log(`\n=== ${b.name}: ${b.what}`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', b.file), ...passThrough], { cwd: ROOT, stdio: 'inherit' });
    timings[b.name] = (performance.now() - t0) / 1000;
    if (r.status !== 0) failures.push(`${b.name} (exit ${r.status ?? r.signal})`);
    console.log(`=== ${b.name} took ${fmt(timings[b.name], 0)} s`);
  }
}

// ---- summary over the latest result files --------------------------------------------------
type Json = Record<string, unknown>;
const load = (name: string): Json | null => {
  const file = join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Json) : null;
};
const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const num = (o: unknown, path: string): number | null => {
  const v = get(o, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

interface Row {
  readonly benchmark: string;
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | null;
}
const rows: Row[] = [];
const add = (benchmark: string, measure: string, value: string, target: string, met: boolean | null) => rows.push({ benchmark, measure, value, target, met });

const overhead = load('overhead');
if (overhead) {
  const cases = (overhead.cases as Json[]) ?? [];
  const bookkeeping = cases.find((c) => String(c.case).startsWith('bookkeeping'));
  const ownMs = bookkeeping ? num(bookkeeping, 'variants.schedules.addedMsPerStep') : null;
  for (const c of cases) {
    const label = String(c.case);
    if (c === bookkeeping) {
      const vit = cases.find((x) => String(x.case).startsWith('ViT'));
      const vitMs = vit ? num(vit, 'variants.bare.cpuTime.median') : null;
      add('overhead', `hyperschedule's own work per update, 4 scheduled hyperparameters (${label}; CPU ms per update)`,
        `${fmt(ownMs, 3)} ms = ${fmt(ownMs !== null && vitMs ? (100 * ownMs) / vitMs : null, 3)}% of a ViT small step`, '<= 1% of the step', ownMs === null || !vitMs ? null : ownMs / vitMs <= 0.01);
    } else {
      const r = num(c, 'variants.schedules.vsBare.pairedMedian');
      const lo = num(c, 'variants.schedules.vsBare.low');
      const hi = num(c, 'variants.schedules.vsBare.high');
      const added = num(c, 'variants.schedules.addedMsPerStep');
      // Met when the median is <= 1.01; when it is not but the interval reaches 1.01 the
      // difference is within this machine's noise (the bookkeeping row measures it directly).
      const met = r === null ? null : r <= 1.01 ? true : lo !== null && lo <= 1.01 ? null : false;
      add('overhead', `${label}: 4 scheduled hyperparameters, CPU-time ratio vs bare [90% CI]`, `${fmt(r, 3)} [${fmt(lo, 3)}, ${fmt(hi, 3)}] (${fmt(added, 2)} ms/step)${met === null ? ' — within noise' : ''}`, '<= 1.01', met);
    }
    const reads = num(c, 'variants.schedules.readsPerStep');
    add('overhead', `${label}: added device reads/step, pure schedules`, fmt(reads, 2), '0', reads === null ? null : reads === 0);
    const ctl = num(c, 'variants.controllers.readsPerStep');
    const ctlRatio = num(c, 'variants.controllers.vsBare.pairedMedian');
    add('overhead', `${label}: added reads/step, controllers + every signal (CPU-time ratio ${fmt(ctlRatio, 3)})`, fmt(ctl, 2), '<= 1', ctl === null ? null : ctl <= 1);
  }
}
const evals = load('schedule-eval');
if (evals) {
  const results = (evals.results as Json[]) ?? [];
  const families = results.slice(0, -1);
  const slowest = families.reduce<Json | null>((a, b) => (a === null || (b.evalsPerSecond as number) < (a.evalsPerSecond as number) ? b : a), null);
  const comp = results[results.length - 1];
  const s = slowest ? (slowest.evalsPerSecond as number) : null;
  add('schedule-eval', `slowest of ${families.length} families (${String(slowest?.name)}), M evals/s`, fmt(s === null ? null : s / 1e6, 1), '>= 10', s === null ? null : s >= 10e6);
  const cv = comp ? (comp.evalsPerSecond as number) : null;
  add('schedule-eval', 'composite warmup -> cosine x plateau, M evals/s', fmt(cv === null ? null : cv / 1e6, 1), '>= 3', cv === null ? null : cv >= 3e6);
}
const opt = load('optimizer-update');
if (opt) {
  for (const r of (opt.results as Json[]) ?? []) {
    const ratio = num(r, 'ratio.pairedMedian');
    add('optimizer-update', `AdamW / tf.train.adam, 12.5M params, ${String(r.backend)} (${fmt(num(r, 'adamw.cpu.median'), 0)} vs ${fmt(num(r, 'tfAdam.cpu.median'), 0)} ms)`, fmt(ratio, 3), '<= 1.0', ratio === null ? null : ratio <= 1);
  }
}
const vit = load('vit-step');
if (vit) {
  for (const r of (vit.results as Json[]) ?? []) {
    const ratio = num(r, 'ratio');
    const cpuRatio = num(r, 'cpuRatio1Thread');
    const tfMs = num(r, 'tfjs.msPerStep');
    const best = num(r, 'bestTorchThreads');
    const torchMs = best === null ? null : num(r, `torch.${best}.msPerStep`);
    const skipped = get(r, 'torch.skipped');
    const value = skipped ? `PyTorch skipped: ${String(skipped)}` : `${fmt(ratio, 2)} (${fmt(tfMs, 0)} vs ${fmt(torchMs, 0)} ms, ${best} thread${best === 1 ? '' : 's'}; CPU-time ratio vs 1 thread ${fmt(cpuRatio, 2)})`;
    add('vit-step', `ViT ${String(r.preset)} batch ${String(r.batch)}: tfjs-wasm / best PyTorch CPU, wall ms/step`, value, '<= 3', ratio === null ? null : ratio <= 3);
  }
}
const par = load('parallel');
if (par) {
  const s = num(par, 'trainingSpeedup');
  const runs = (par.runs as Json[]) ?? [];
  const cores = (w: number) => fmt(Math.max(...runs.filter((r) => r.workers === w).map((r) => r.coresUsed as number)), 2);
  add('parallel', `2 workers / 1 worker, training steps/s (trials/min ${fmt(num(par, 'speedup'), 2)}x; cores obtained: 1 worker ${cores(1)}, 2 workers ${cores(2)})`, `${fmt(s, 2)}x`, '>= 1.8x', s === null ? null : s >= 1.8);
}
const mem = load('memory');
if (mem) {
  const flat = get(mem, 'flat') as Json | undefined;
  if (flat) {
    add('memory', `numTensors flat over ${String(flat.steps)} steps (${String(flat.model)}, full loop, wasm); RSS growth MB`, `${flat.tensorsFlat ? 'flat' : 'GROWS'}; ${fmt(num(flat, 'rssGrowthMB'), 1)} MB`, 'flat', Boolean(flat.tensorsFlat));
  }
  for (const l of (mem.limits as Json[]) ?? []) {
    add('memory', `ViT ${String(l.preset)}: largest power-of-two batch in one piece (wasm, 4 GB)`, String(l.largest ?? 'none'), '—', null);
  }
  for (const a of (mem.accumulated as Json[]) ?? []) {
    const stepMs = (a.stepMs as number[] | undefined)?.[0];
    add('memory', `ViT ${String(a.preset)} batch ${String(a.batch)} by accumulation (micro-batches of ${String(a.micro)})`, a.ok ? `trains: ${fmt((stepMs ?? 0) / 1000, 0)} s/step, heap ${fmt((a.heapBytes as number) / 2 ** 20, 0)} MB` : `failed: ${String(a.error)}`, a.preset === 'reference' ? 'trains at 512' : 'trains', Boolean(a.ok));
  }
}
const bundles = load('bundle-size');
if (bundles) {
  for (const b of (bundles.bundles as Json[]) ?? []) {
    const bytes = num(b, 'minifiedBytes');
    const limit = num(b, 'limitBytes');
    add('bundle-size', `${String(b.name)}: \`${String(b.imports).split(';')[0]}\`, KB minified`, fmt(bytes === null ? null : bytes / 1024, 1), `<= ${fmt(limit === null ? null : limit / 1024, 0)}`, bytes === null || limit === null ? null : bytes <= limit);
  }
}

const mark = (m: boolean | null) => (m === null ? '—' : m ? 'yes' : '**no**');
const md = [
  '| benchmark | measure | result | target | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.benchmark} | ${r.measure} | ${r.value} | ${r.target} | ${mark(r.met)} |`),
].join('\n');
const machine = machineInfo();
writeFileSync(join(RESULTS_DIR, 'SUMMARY.md'), `${md}\n`);
writeFileSync(join(RESULTS_DIR, 'summary.json'), `${JSON.stringify({ machine, timingsSeconds: timings, rows }, null, 2)}\n`);
console.log('\n=== summary (latest result of each benchmark)\n');
console.log(md);
const total = (performance.now() - started) / 1000;
if (Object.keys(timings).length > 0) {
  console.log(`\ntotal ${fmt(total, 0)} s (${Object.entries(timings).map(([k, v]) => `${k} ${fmt(v, 0)} s`).join(', ')}); load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
if (failures.length > 0) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exit(1);
}
