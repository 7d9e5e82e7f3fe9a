/**
 * Benchmark 2 — schedule evaluation: `at(t)` calls per second for every family and for a
 * composite of three (linear warmup -> cosine, times a plateau-like step factor). Times are drawn
 * from a fixed table spanning the whole schedule (fractional steps included, past the end too),
 * every result is accumulated into a sink that is printed and stored, and each schedule is
 * measured by its own closure (so V8 sees a monomorphic call site, as a parameter's would be).
 * Rates are per second of this process's CPU time (the machine is shared; wall time is noisier).
 */
import {
  constant,
  cosine,
  cosineWarmRestarts,
  cyclic,
  exponentialDecay,
  inverseSqrt,
  inverseTime,
  lambda,
  linear,
  multiStepDecay,
  oneCycle,
  oneCycleMomentum,
  piecewiseConstant,
  piecewiseLinear,
  polynomial,
  product,
  stepDecay,
  tanhDecay,
  warmup,
  warmupStableDecay,
  withNoise,
  type Schedule,
} from '../src/index.js';
import { fmt, median } from './lib/stats.js';
import { cpuMs, parseArgs, printTable, reproduceCommand, writeResult } from './lib/report.js';

const N = 10_000; // schedule length in steps
const FAMILY_TARGET = 10e6;
const COMPOSITE_TARGET = 3e6;

const families: Record<string, () => Schedule> = {
  constant: () => constant({ value: 0.1 }),
  stepDecay: () => stepDecay({ init: 0.1, stepSize: 1000, gamma: 0.5 }),
  multiStepDecay: () => multiStepDecay({ init: 0.1, milestones: [3000, 6000, 9000], gamma: 0.1 }),
  exponentialDecay: () => exponentialDecay({ init: 0.1, rate: 0.999 }),
  linear: () => linear({ init: 0.1, end: 0.001, duration: N }),
  polynomial: () => polynomial({ init: 0.1, duration: N, power: 2 }),
  cosine: () => cosine({ init: 0.1, min: 1e-4, duration: N }),
  cosineWarmRestarts: () => cosineWarmRestarts({ init: 0.1, period: 500, periodMult: 2 }),
  cyclic: () => cyclic({ base: 1e-3, max: 6e-3, stepSizeUp: 500, mode: 'triangular2' }),
  oneCycle: () => oneCycle({ max: 5e-3, total: N }),
  oneCycleMomentum: () => oneCycleMomentum({ total: N }),
  inverseTime: () => inverseTime({ init: 0.1, rate: 0.5, every: 1000 }),
  inverseSqrt: () => inverseSqrt({ init: 0.1, warmup: 500 }),
  warmupStableDecay: () => warmupStableDecay({ peak: 0.1, total: N, warmup: 500, decay: 2000 }),
  tanhDecay: () => tanhDecay({ init: 0.1, duration: N }),
  withNoise: () => withNoise(cosine({ init: 0.1, duration: N }), { pct: 0.1, range: [1000] }),
  piecewiseConstant: () => piecewiseConstant({ boundaries: [2000, 5000, 8000], values: [0.1, 0.05, 0.01, 0.001] }),
  piecewiseLinear: () => piecewiseLinear({ points: [[0, 0], [500, 0.1], [6000, 0.02], [N, 0]] }),
  lambda: () => lambda({ name: 'inverse-sqrt', fn: (t) => 0.1 / Math.sqrt(1 + t) }),
};

/** warmup -> cosine, times a plateau-like factor (halvings at fixed steps): three schedules. */
const composite = (): Schedule =>
  product([
    warmup(cosine({ init: 3e-3, min: 1e-5, duration: N - 500 }), { duration: 500 }),
    piecewiseConstant({ boundaries: [4000, 7000], values: [1, 0.5, 0.25] }),
  ]);

// 4096 evaluation times over [0, 1.2 N): integers and fractions, in a scrambled order.
const TIMES = Float64Array.from({ length: 4096 }, (_, i) => ((i * 2654435761) % 4096) * (1.2 * N / 4096) + (i % 3) * 0.25);

/** A fresh closure per schedule: its own inline caches, like a real parameter's call site. */
function makeRunner(): (s: Schedule, count: number) => number {
  return (s, count) => {
    let sink = 0;
    for (let i = 0; i < count; i++) sink += s.at(TIMES[i & 4095]!);
    return sink;
  };
}

interface Measurement {
  readonly name: string;
  readonly evalsPerSecond: number;
  readonly repeats: number[];
  readonly target: number;
  readonly sink: number;
}

function measure(name: string, build: () => Schedule, target: number, quick: boolean): Measurement {
  const s = build();
  const run = makeRunner();
  let sink = run(s, 200_000); // warm-up: let the JIT optimise the loop and at()
  // Size a batch of calls to ~50 ms, then repeat.
  let count = 100_000;
  for (;;) {
    const t0 = cpuMs();
    sink += run(s, count);
    const ms = cpuMs() - t0;
    if (ms > 50 || count > 1e9) break;
    count *= 2;
  }
  const repeats: number[] = [];
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    const t0 = cpuMs();
    sink += run(s, count);
    repeats.push(count / ((cpuMs() - t0) / 1000));
  }
  return { name, evalsPerSecond: median(repeats), repeats, target, sink };
}

const { quick } = parseArgs();
const results: Measurement[] = [];
for (const [name, build] of Object.entries(families)) results.push(measure(name, build, FAMILY_TARGET, quick));
results.push(measure('composite: warmup -> cosine x plateau', composite, COMPOSITE_TARGET, quick));

printTable(
  'Schedule evaluation (at() calls per second, median of repeats)',
  ['schedule', 'M evals/s', 'target', 'met'],
  results.map((r) => [r.name, fmt(r.evalsPerSecond / 1e6, 1), `${r.target / 1e6}M`, r.evalsPerSecond >= r.target ? 'yes' : 'NO']),
);
const sink = results.reduce((a, r) => a + r.sink, 0);
console.log(`(sink ${sink.toExponential(6)} — accumulated so no evaluation can be optimised away)`);
const file = writeResult('schedule-eval', quick, {
  targets: { family: FAMILY_TARGET, composite: COMPOSITE_TARGET },
  results: results.map(({ sink: _s, ...r }) => r),
  sink,
  slowestFamily: results.slice(0, -1).reduce((a, b) => (a.evalsPerSecond < b.evalsPerSecond ? a : b)).name,
});
console.log(`\nwrote ${file}\nreproduce: ${reproduceCommand('schedule-eval', quick)}`);
