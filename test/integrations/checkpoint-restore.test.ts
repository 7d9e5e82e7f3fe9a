/**
 * Restoring a checkpoint never loads wrong state: it is checked whole first (finite tensors,
 * shapes, optimizer state, hook state, clock and parameters) and applied all or nothing;
 * variables are matched by name, also across tfjs's renumbering of a rebuilt model.
 *
 * Each refusal test trains a run, takes a checkpoint of another run, corrupts it one way, and
 * asserts that restoring it into the first run throws a HyperscheduleError naming the field and
 * leaves every variable, the optimizer's weights, the hook's carried state and the session state
 * deep-equal to before, with no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { map } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../src/controllers/index.js';
import { HyperscheduleError } from '../../src/errors.js';
import { restoreCheckpoint, saveCheckpoint, type Checkpoint } from '../../src/integrations/checkpoint.js';
import { hook, hookOf, unhook } from '../../src/integrations/hook.js';
import { createSession, type HyperscheduleSession } from '../../src/integrations/session.js';
import type { SerializedTensor } from '../../src/integrations/tensor-json.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { setTfOptimizerValues } from '../../src/optimizers/tf-train-values.js';
import { param } from '../../src/params/index.js';
import type { UpdateSignal } from '../../src/signals/index.js';
import { inverse } from '../params/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A curvature-style controller: reads the carried deltas, so the hook state matters. */
const curvature: Controller<{ beta: number }, { ratio: number }> = {
  name: 'curvature',
  initialState: { beta: 0.5 },
  input: (signals) => signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).pipe(
    map((u: UpdateSignal) => ({ ratio: u.paramDeltaNorm ? (u.gradDeltaNorm ?? 0) / u.paramDeltaNorm : 0 })),
  ),
  step: (_s, i) => ({ beta: Math.min(0.95, Math.max(0, (1 - Math.sqrt(Math.min(1, 0.05 * i.ratio))) ** 2)) }),
  value: (s) => s.beta,
  parseState: (json, field) => {
    const beta = (json as { beta?: unknown } | null)?.beta;
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) throw new HyperscheduleError(`${field}.beta`, beta, 'a number in [0, 1)');
    return { beta };
  },
};

type Kind = 'tf.train.adam' | 'AdamW';

interface Run {
  readonly model: tf.Sequential;
  readonly vars: tf.Variable[];
  readonly session: HyperscheduleSession;
  readonly optimizer: tf.Optimizer;
  readonly step: () => void;
  readonly targets: { session: HyperscheduleSession; optimizer: tf.Optimizer; variables: tf.Variable[] };
  readonly dispose: () => void;
}

const X = tf.tidy(() => tf.keep(tf.sin(tf.linspace(0, 12, 16 * 8)).reshape([16, 8])));
const Y = tf.tidy(() => tf.keep(tf.cos(tf.linspace(0, 3, 16)).reshape([16, 1])));

const open: Run[] = [];
afterEach(() => {
  for (const run of open.splice(0)) run.dispose();
});

/** Three dense layers (two [8, 8] kernels, so two same-shaped entries); `seed` varies the initial weights. */
function build(kind: Kind, seed = 1): Run {
  const dense = (units: number, s: number, inputShape?: number[]) =>
    tf.layers.dense({ units, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: s }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: s + 100 }), ...(inputShape ? { inputShape } : {}) });
  const model = tf.sequential({ layers: [dense(8, seed, [8]), dense(8, seed + 1), dense(1, seed + 2)] });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
  const momentum = param('momentum', { controller: curvature }, { domain: 'unitInterval' });
  const session = createSession({ params: [lr, momentum], batchSize: 16 });
  session.signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).subscribe();
  const optimizer = kind === 'AdamW'
    ? hook(new AdamW({ learningRate: lr, beta1: 0.9, weightDecay: 0.01 }), session)
    : hook(tf.train.adam(0.01), session, { apply: (o, s) => setTfOptimizerValues(o, { learningRate: s.param('lr').value * 0.01 }) });
  const loss = () => tf.tidy(() => tf.losses.meanSquaredError(Y, model.predict(X) as tf.Tensor).asScalar());
  const run: Run = {
    model,
    vars,
    session,
    optimizer,
    step: () => optimizer.minimize(loss, false, vars),
    targets: { session, optimizer, variables: vars },
    dispose: () => {
      unhook(optimizer);
      optimizer.dispose();
      session.dispose();
      model.dispose();
    },
  };
  open.push(run);
  return run;
}

/** Everything a restore may change, as plain data. */
async function snapshot(run: Run): Promise<unknown> {
  const weights = await run.optimizer.getWeights();
  const optimizer = await Promise.all(weights.map(async (w) => [w.name, w.tensor.shape, Array.from(await w.tensor.data())]));
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  return {
    variables: await Promise.all(run.vars.map(async (v) => [v.name, Array.from(await v.data())])),
    optimizer,
    iterations: run.optimizer.iterations,
    hook: await hookOf(run.optimizer)?.state(),
    session: JSON.parse(JSON.stringify(run.session.state())),
    values: run.session.values(),
  };
}

/** A checkpoint of another run after `steps` updates (a deep copy: tests corrupt it freely). */
async function checkpointOf(kind: Kind, steps: number, seed = 7): Promise<Checkpoint> {
  const source = build(kind, seed);
  for (let k = 0; k < steps; k++) source.step();
  return structuredClone(await saveCheckpoint(source.targets)) as Checkpoint;
}

/** A trained run to restore into (different state from any checkpoint above). */
function trained(kind: Kind): Run {
  const run = build(kind, 3);
  for (let k = 0; k < 5; k++) run.step();
  return run;
}

async function expectRefused(run: Run, checkpoint: Checkpoint, message: RegExp): Promise<void> {
  const before = await snapshot(run);
  const tensors = tf.memory().numTensors;
  const error = await restoreCheckpoint(checkpoint, run.targets).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HyperscheduleError);
  expect(await snapshot(run)).toEqual(before);
  expect(tf.memory().numTensors).toBe(tensors);
  expect((error as Error).message).toMatch(message);
}

function find(list: readonly SerializedTensor[] | undefined, suffix: string): SerializedTensor & { values: number[]; shape: number[] } {
  const t = list?.find((w) => w.name.endsWith(suffix));
  if (!t) throw new Error(`no ${suffix} in ${list?.map((w) => w.name).join(', ')}`);
  return t as SerializedTensor & { values: number[]; shape: number[] };
}

const KINDS: Kind[] = ['tf.train.adam', 'AdamW'];

describe.each(KINDS)('restoreCheckpoint with %s: a refused checkpoint changes nothing', (kind) => {
  it('NaN in a weight: refused naming the variable and the value', async () => {
    const c = await checkpointOf(kind, 3);
    find(c.variables, 'kernel').values[17] = Number.NaN;
    await expectRefused(trained(kind), c, /^checkpoint\.variables\.dense_Dense\d+\/kernel\.values\[17\]: got NaN, expected a finite float32$/);
  });

  it('Infinity or a float32-overflowing value in a weight', async () => {
    const c = await checkpointOf(kind, 3);
    find(c.variables, 'bias').values[0] = Number.POSITIVE_INFINITY;
    await expectRefused(trained(kind), c, /bias\.values\[0\]: got Infinity, expected a finite float32/);
    const d = await checkpointOf(kind, 3);
    find(d.variables, 'bias').values[1] = 1e39;
    await expectRefused(trained(kind), d, /bias\.values\[1\]: got 1e\+39, expected a finite float32/);
  });

  it('NaN in an optimizer slot (first and second moments)', async () => {
    const c = await checkpointOf(kind, 3);
    find(c.optimizer, 'kernel/m').values[2] = Number.NaN;
    await expectRefused(trained(kind), c, /checkpoint\.optimizer\.dense_Dense\d+\/kernel\/m\.values\[2\]: got NaN/);
    const d = await checkpointOf(kind, 3);
    find(d.optimizer, 'bias/v').values[0] = Number.NEGATIVE_INFINITY;
    await expectRefused(trained(kind), d, /bias\/v\.values\[0\]: got -Infinity/);
  });

  it.each([
    [-1, /checkpoint\.optimizer\.iter.*got -1/],
    [2.6e9, /checkpoint\.optimizer\.iter.*got 2600000000/],
    [1.5, /checkpoint\.optimizer\.iter.*got 1\.5/],
  ])('iteration %s', async (iter, message) => {
    const c = await checkpointOf(kind, 3);
    find(c.optimizer, 'iter').values[0] = iter;
    await expectRefused(trained(kind), c, message);
  });

  it('a second moment v = -1', async () => {
    const c = await checkpointOf(kind, 3);
    find(c.optimizer, 'kernel/v').values[5] = -1;
    await expectRefused(trained(kind), c, /kernel\/v\.values\[5\]: got -1, expected >= 0 \(a v slot, a sum of squares\)/);
  });

  it('a [1] slot for an [8, 8] variable is refused before any tfjs broadcast error', async () => {
    const c = await checkpointOf(kind, 3);
    for (const slot of ['/m', '/v']) Object.assign(find(c.optimizer, `Dense${firstLayer(c)}/kernel${slot}`), { shape: [1], values: [0.5] });
    await expectRefused(trained(kind), c, /kernel\/m\.shape: got \[1\], expected \[8, 8\], the shape it loads into/);
    const d = await checkpointOf(kind, 3);
    Object.assign(find(d.optimizer, `Dense${firstLayer(d)}/kernel/m`), { shape: [1], values: [0.5] });
    await expectRefused(trained(kind), d, /kernel\/m\.shape: got \[1\], expected \[8, 8\]/);
  });

  it('a missing slot, an unknown slot, and slots of an unknown variable', async () => {
    const missing = await checkpointOf(kind, 3);
    Object.assign(missing, { optimizer: missing.optimizer!.filter((w) => !w.name.endsWith(`Dense${firstLayer(missing)}/bias/v`)) });
    await expectRefused(trained(kind), missing, /bias\/v: got undefined, expected every slot of dense_Dense\d+\/bias \(m, v\)/);
    const unknown = await checkpointOf(kind, 3);
    (unknown.optimizer as SerializedTensor[]).push({ ...find(unknown.optimizer, 'bias/m'), name: `${find(unknown.optimizer, 'bias/m').name.slice(0, -2)}/velocity` });
    await expectRefused(trained(kind), unknown, /bias\/velocity: got ".*", expected a slot of (Adam|AdamW): m, v/);
    const ghost = await checkpointOf(kind, 3);
    const m = find(ghost.optimizer, 'bias/m');
    const v = find(ghost.optimizer, 'bias/v');
    const list = ghost.optimizer as SerializedTensor[];
    list.splice(list.indexOf(m) + 1, 0, { ...m, name: 'ghost/m' });
    list.push({ ...v, name: 'ghost/v' });
    await expectRefused(trained(kind), ghost, /checkpoint\.optimizer\.ghost\/m: got "ghost", expected the state of a saved variable$/);
  });

  it('a variable without its optimizer state', async () => {
    const c = await checkpointOf(kind, 3);
    const layer = firstLayer(c);
    Object.assign(c, { optimizer: c.optimizer!.filter((w) => !w.name.includes(`Dense${layer}/kernel/`)) });
    await expectRefused(trained(kind), c, /expected the optimizer state of dense_Dense\d+\/kernel/);
  });

  it('renamed variables (all unrelated names) are refused, not loaded by position', async () => {
    const c = await checkpointOf(kind, 3);
    for (const t of c.variables!) Object.assign(t, { name: t.name.replace('dense_Dense', 'layer_x') });
    await expectRefused(trained(kind), c, /checkpoint\.variables.*expected variables matching targets\.variables by name: /);
  });

  it('a bad clock, a bad second parameter or a bad controller state, after good tensors', async () => {
    const clock = await checkpointOf(kind, 3);
    (clock.session.clock as { step: number }).step = -1;
    await expectRefused(trained(kind), clock, /checkpoint\.session\.clock\.step: got -1/);
    const value = await checkpointOf(kind, 3);
    (value.session.params.momentum as { value: number }).value = 1.5;
    await expectRefused(trained(kind), value, /checkpoint\.session\.params\.momentum\.value: got 1\.5, expected a number in \[0, 1\)/);
    const controller = await checkpointOf(kind, 3);
    (controller.session.params.momentum as { controller: unknown }).controller = { beta: 'x' };
    await expectRefused(trained(kind), controller, /checkpoint\.session\.params\.momentum\.controller\.beta/);
    const missing = await checkpointOf(kind, 3);
    delete (missing.session.params as Record<string, unknown>).lr;
    await expectRefused(trained(kind), missing, /checkpoint\.session\.params\.lr: got undefined/);
  });

  it('a bad hook state (NaN gradient, wrong shape, unknown variable)', async () => {
    const nan = await checkpointOf(kind, 3);
    (nan.hook!.previousGradients![0]!.values as number[])[0] = Number.NaN;
    await expectRefused(trained(kind), nan, /checkpoint\.hook\.previousGradients\.dense_Dense\d+\/kernel\.values\[0\]: got NaN/);
    const shape = await checkpointOf(kind, 3);
    Object.assign(shape.hook!.previousGradients![1]!, { shape: [1], values: [0] });
    await expectRefused(trained(kind), shape, /checkpoint\.hook\.previousGradients\..*\.shape: got \[1\]/);
    const ghost = await checkpointOf(kind, 3);
    (ghost.hook!.pendingParamDelta!.names as string[])[0] = 'ghost';
    await expectRefused(trained(kind), ghost, /checkpoint\.hook\.pendingParamDelta\.names\[0\]: got "ghost"/);
  });

  it('a wrong version or an unknown top-level field', async () => {
    const c = await checkpointOf(kind, 3);
    await expectRefused(trained(kind), { ...c, version: 2 as 1 }, /checkpoint\.version: got 2/);
    await expectRefused(trained(kind), { ...c, sesion: {} } as Checkpoint, /checkpoint\.sesion: .*no such field/);
  });
});

/** The layer number of the first dense layer in a checkpoint (tfjs numbers them per process). */
function firstLayer(c: Checkpoint): number {
  return Math.min(...c.variables!.map((t) => Number(/Dense(\d+)/.exec(t.name)![1])));
}

describe.each(KINDS)('restoreCheckpoint with %s: variables by name', (kind) => {
  it('a model built twice (renumbered layers) restores by name stem and trains on identically', async () => {
    const straight = build(kind, 7);
    for (let k = 0; k < 6; k++) straight.step();
    const expected = await snapshot(straight);

    const first = build(kind, 7);
    for (let k = 0; k < 3; k++) first.step();
    const checkpoint = JSON.parse(JSON.stringify(await saveCheckpoint(first.targets))) as Checkpoint;
    const second = build(kind, 11);
    expect(second.vars.map((v) => v.name)).not.toEqual(first.vars.map((v) => v.name));
    await restoreCheckpoint(checkpoint, second.targets);
    for (let k = 3; k < 6; k++) second.step();
    const got = (await snapshot(second)) as { variables: [string, number[]][]; optimizer: [string, number[], number[]][] };
    const want = expected as typeof got;
    expect(got.variables.map(([, v]) => v)).toEqual(want.variables.map(([, v]) => v));
    expect(got.optimizer.map(([, s, v]) => [s, v])).toEqual(want.optimizer.map(([, s, v]) => [s, v]));
    // The optimizer state now carries the live names.
    expect(got.optimizer.slice(1).every(([name]) => second.vars.some((v) => (name as string).startsWith(`${v.name}/`)))).toBe(true);
  });

  it('two same-shaped entries swapped in the saved list still load each into its own variable', async () => {
    const source = build(kind, 7);
    for (let k = 0; k < 3; k++) source.step();
    const checkpoint = structuredClone(await saveCheckpoint(source.targets)) as Checkpoint;
    const list = checkpoint.variables as SerializedTensor[];
    const kernels = list.map((t, i) => [t, i] as const).filter(([t]) => t.shape.join() === '8,8').map(([, i]) => i);
    expect(kernels).toHaveLength(2);
    [list[kernels[0]!], list[kernels[1]!]] = [list[kernels[1]!]!, list[kernels[0]!]!];
    const target = trained(kind);
    await restoreCheckpoint(checkpoint, target.targets);
    const want = await Promise.all(source.vars.map(async (v) => Array.from(await v.data())));
    expect(await Promise.all(target.vars.map(async (v) => Array.from(await v.data())))).toEqual(want);
  });

  it('restoring into a used optimizer frees what it replaces (tensor count flat)', async () => {
    const checkpoint = await checkpointOf(kind, 3);
    const target = trained(kind);
    await restoreCheckpoint(checkpoint, target.targets);
    const tensors = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) await restoreCheckpoint(checkpoint, target.targets);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
