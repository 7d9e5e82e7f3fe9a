/**
 * Child process of bench/memory.ts: one (or a few) ViT training steps on wasm at a given batch,
 * optionally as accumulated micro-batches (`minimizeAccumulated`), in a fresh process so an out-of-
 * memory failure cannot take the benchmark down. Prints one JSON line:
 * `{ ok, error?, stepMs: [...], heapBytes, rssBytes, tensors }`.
 *
 * The wasm heap (at most 4 GB, never shrinks) is the limit. When it is exhausted `malloc` returns 0
 * and tfjs would write at address 0 (silent corruption, a crash later), so `_malloc` is wrapped
 * to throw instead.
 *
 *   npx tsx bench/memory-probe.ts --preset small --batch 256 [--micro 64] [--steps 1] [--pregrow 3500]
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/index.js';
import { minimizeAccumulated, sliceRows } from '../src/training/accumulate.js';
import { useBackend } from './lib/backend.js';
import { syntheticData, vitModel } from './lib/models.js';
import { parseArgs } from './lib/report.js';
import type { ViTPresetName } from '../examples/vit/model.js';

type WasmModule = { HEAPU8: Uint8Array; _malloc: (n: number) => number; _free: (p: number) => void };

const { options } = parseArgs();
const preset = (options.preset ?? 'tiny') as ViTPresetName;
const batch = Number(options.batch ?? 64);
const micro = Number(options.micro ?? 0);
const steps = Number(options.steps ?? 1);
/** Grow the heap to this many MB before training (one grow instead of dozens; see below). */
const pregrowMB = Number(options.pregrow ?? 0);

await useBackend('wasm');
const wasm = (tf.backend() as unknown as { wasm: WasmModule }).wasm;
// Emscripten grows the heap by ~20% at a time, and each grow may copy the whole heap: a first
// step that ends at several GB spends most of its time copying. One large malloc + free grows it
// once (the pages are only touched, and counted in RSS, when tensors use them).
if (pregrowMB > 0) {
  const p = wasm._malloc(pregrowMB * 2 ** 20) >>> 0;
  if (p !== 0) wasm._free(p);
}
const malloc = wasm._malloc.bind(wasm);
wasm._malloc = (n: number) => {
  const p = malloc(n);
  if (p === 0 && n > 0) throw new Error(`wasm heap exhausted (malloc of ${n} bytes failed at ${wasm.HEAPU8.length} bytes)`);
  return p;
};

const report = (data: Record<string, unknown>) => {
  console.log(JSON.stringify({ preset, batch, micro, ...data, heapBytes: wasm.HEAPU8.length, rssBytes: process.memoryUsage().rss, tensors: tf.memory().numTensors }));
};

try {
  const model = vitModel(preset, 0);
  const data = syntheticData(model, batch, 1);
  const opt = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const stepMs: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    let loss: tf.Scalar | null;
    if (micro > 0) {
      loss = minimizeAccumulated(opt, (start, size) => model.loss(sliceRows(data.xs, start, size), sliceRows(data.ys, start, size)), batch, {
        maxMicroBatch: micro,
        varList: model.variables,
        returnCost: true,
      });
    } else {
      loss = opt.minimize(() => model.loss(data.xs, data.ys), true, model.variables);
    }
    const value = loss!.dataSync()[0]!;
    loss!.dispose();
    if (!Number.isFinite(value)) throw new Error(`non-finite loss ${value}`);
    stepMs.push(performance.now() - t0);
  }
  report({ ok: true, stepMs });
} catch (error) {
  report({ ok: false, error: String(error).slice(0, 300) });
}
