import * as tf from '@tensorflow/tfjs';
import { Adam, AdamW, SGD } from '../../src/optimizers/index.js';
import type { LiveOptimizer } from '../../src/optimizers/live-optimizer.js';
import type { GroupedValueSource } from '../../src/values/grouped.js';
import { loadTorchFixture, type TorchScenario } from './fixture.js';

/** Runs torch fixture scenarios through our optimizers on the current tfjs backend. */
export const fixture = loadTorchFixture();
let runId = 0;

interface MutableSource extends GroupedValueSource {
  value: number;
}

export interface RunOptions {
  /** Replace per-group weight decay by one value plus excludeFromWeightDecay (groups whose wd is 0). */
  viaExclusion?: boolean;
  /** Feed this field one step late (a deliberately wrong run, to show the comparison can fail). */
  lagField?: string;
}

/** A source per field: plain when every group shares the sequence, per-variable otherwise. */
function makeSources(scenario: TorchScenario, varName: (tfName: string) => string, options: RunOptions) {
  const fields = Object.keys(scenario.groups[0]!.hp);
  let t = 0;
  const groupOf = new Map<string, number>();
  scenario.groups.forEach((g, i) => g.vars.forEach((v) => groupOf.set(v, i)));
  const sources: Record<string, MutableSource | { value: number }> = {};
  for (const field of fields) {
    const seqs = scenario.groups.map((g) => g.hp[field]!);
    const shared = seqs.every((s) => JSON.stringify(s) === JSON.stringify(seqs[0]));
    if (shared || (options.viaExclusion === true && field === 'weightDecay')) {
      // With viaExclusion the non-zero group's sequence is used for everyone; the exclusion zeroes the rest.
      const seq = options.viaExclusion === true && field === 'weightDecay' ? seqs.find((s) => s.some((x) => x !== 0))! : seqs[0]!;
      const lag = options.lagField === field ? 1 : 0;
      sources[field] = { get value() { return seq[Math.max(0, t - lag)]!; } };
    } else {
      sources[field] = {
        get value() { return seqs[0]![t]!; },
        valueFor: (name: string) => seqs[groupOf.get(varName(name))!]![t]!,
      } as MutableSource;
    }
  }
  return { sources, setStep: (step: number) => { t = step; } };
}

function build(scenario: TorchScenario, sources: Record<string, { value: number }>, exclude?: (name: string) => boolean): LiveOptimizer<unknown> {
  const common = {
    learningRate: sources['learningRate']!,
    weightDecay: sources['weightDecay']!,
    ...(exclude ? { excludeFromWeightDecay: exclude } : {}),
  };
  if (scenario.optimizer === 'SGD') {
    return new SGD({ ...common, momentum: sources['momentum']!, dampening: sources['dampening']!, nesterov: scenario.options.nesterov ?? false }) as LiveOptimizer<unknown>;
  }
  const adam = { ...common, beta1: sources['beta1']!, beta2: sources['beta2']!, epsilon: sources['epsilon']!, amsgrad: scenario.options.amsgrad ?? false };
  return (scenario.optimizer === 'AdamW' ? new AdamW(adam) : new Adam(adam)) as LiveOptimizer<unknown>;
}

export async function runScenario(scenario: TorchScenario, options: RunOptions = {}) {
  const prefix = `parity${runId++}:`;
  const names = Object.keys(fixture.shapes);
  const vars = new Map(names.map((n) => [n, tf.variable(tf.tensor(fixture.init[n]!, fixture.shapes[n]!), true, prefix + n)]));
  const toFixtureName = (tfName: string) => tfName.slice(prefix.length);
  const { sources, setStep } = makeSources(scenario, toFixtureName, options);
  const excludedGroups = scenario.groups.filter((g) => g.hp['weightDecay']!.every((x) => x === 0)).flatMap((g) => g.vars);
  const exclude = options.viaExclusion === true ? (name: string) => excludedGroups.includes(toFixtureName(name)) : undefined;
  const opt = build(scenario, sources, exclude);
  // |ours - torch| / |torch| per element (the generator keeps every |param| > 0.2).
  const errors = { f32: 0, f64: 0 };
  for (let t = 0; t < fixture.steps; t++) {
    setStep(t);
    const grads = names
      .filter((n) => fixture.grads[t]![n] !== null)
      .map((n) => ({ name: prefix + n, tensor: tf.tensor(fixture.grads[t]![n]!, fixture.shapes[n]!) }));
    // Both gradient forms tfjs allows: NamedTensor[] and a name -> tensor map.
    if (t % 2 === 0) opt.applyGradients(grads);
    else opt.applyGradients(Object.fromEntries(grads.map((g) => [g.name, g.tensor])));
    tf.dispose(grads.map((g) => g.tensor));
    for (const n of names) {
      const ours = await vars.get(n)!.data();
      const want32 = scenario.float32[t]![n]!;
      const want64 = scenario.float64[t]![n]!;
      ours.forEach((x, i) => {
        errors.f32 = Math.max(errors.f32, Math.abs(x - want32[i]!) / Math.abs(want32[i]!));
        errors.f64 = Math.max(errors.f64, Math.abs(x - want64[i]!) / Math.abs(want64[i]!));
      });
    }
  }
  const steps = Object.fromEntries(names.map((n) => [n, opt.stepOf(prefix + n)]));
  opt.dispose();
  vars.forEach((v) => v.dispose());
  return { errors, steps };
}

