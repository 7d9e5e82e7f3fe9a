/**
 * Fault injection on the JSON form of real checkpoints (a tf.sequential model after a few AdamW /
 * Adam / tf.train.adam updates): NaN and Infinity in weights, slots and carried gradients,
 * meaningless optimizer state, wrong shapes and dtypes, missing, extra, duplicated and renamed
 * entries, broken session state. Each time `restoreCheckpoint` must refuse with a
 * HyperscheduleError and leave the model, the optimizer (`getWeights`), the hook and the session
 * exactly as they were. Entries reordered with their names kept restore exactly (matched by
 * name, not position).
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { restoreCheckpoint, type Checkpoint } from '../../src/integrations/checkpoint.js';
import { OPTIMIZERS, buildRun, jsonCheckpoint, snapshot, trainedRun, type OptimizerKind, type Run } from './runs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Json = Record<string, any>;
type Corruption = [name: string, corrupt: (c: Json) => unknown];

const slot = (c: Json, suffix: string) => c.optimizer.find((w: Json) => w.name.endsWith(suffix)) as Json;

/** Corruptions of the checkpoint `c` (mutate it, or return a replacement). */
const CORRUPTIONS: Corruption[] = [
  ['checkpoint version 2', (c) => { c.version = 2; }],
  ['a checkpoint that is not an object', () => 'checkpoint'],
  ['NaN in a variable', (c) => { c.variables[1].values[2] = Number.NaN; }],
  ['null in a variable (what JSON makes of NaN)', (c) => { c.variables[0].values[7] = null; }],
  ['-Infinity in a variable', (c) => { c.variables[3].values[0] = Number.NEGATIVE_INFINITY; }],
  ['1e39 in a variable (Infinity as a float32)', (c) => { c.variables[2].values[1] = 1e39; }],
  ['Infinity in a first moment', (c) => { slot(c, 'kernel/m').values[3] = Number.POSITIVE_INFINITY; }],
  ['NaN in a second moment', (c) => { slot(c, 'bias/v').values[0] = Number.NaN; }],
  ['a negative second moment', (c) => { slot(c, 'kernel/v').values[5] = -1; }],
  ['iteration -1', (c) => { slot(c, 'iter').values[0] = -1; }],
  ['iteration 2.6e9 (beyond int32)', (c) => { slot(c, 'iter').values[0] = 2.6e9; }],
  ['iteration 1.5', (c) => { slot(c, 'iter').values[0] = 1.5; }],
  ['NaN in a carried gradient (hook state)', (c) => { c.hook.previousGradients[1].values[0] = Number.NaN; }],
  ['a carried gradient of the wrong shape', (c) => { Object.assign(c.hook.previousGradients[0], { shape: [1], values: [0] }); }],
  ['a slot of shape [1] for a [4, 5] variable', (c) => { Object.assign(slot(c, 'kernel/m'), { shape: [1], values: [0] }); }],
  ['a variable of transposed shape [5, 4] for [4, 5]', (c) => { c.variables[0].shape = [5, 4]; }],
  ['a variable saved as int32', (c) => { Object.assign(c.variables[1], { dtype: 'int32', values: c.variables[1].values.map(Math.round) }); }],
  ['values that do not fill the shape', (c) => { c.variables[3].values.pop(); }],
  ['a missing slot', (c) => { c.optimizer = c.optimizer.filter((w: Json) => !w.name.endsWith('bias/v')); }],
  ['a slot for an unknown variable', (c) => { c.optimizer.push({ ...slot(c, 'bias/m'), name: 'ghost_Ghost1/bias/m' }); }],
  ['a slot twice', (c) => { c.optimizer.push({ ...slot(c, 'kernel/m') }); }],
  ['no optimizer state', (c) => { delete c.optimizer; }],
  ['a variable missing', (c) => { c.variables.pop(); }],
  ['an extra variable', (c) => { c.variables.push({ ...c.variables[3], name: 'ghost_Ghost1/bias' }); }],
  ['a variable renamed to a layer this model does not have', (c) => { c.variables[2].name = c.variables[2].name.replace(/^dense_Dense\d+/, 'conv2d_Conv2D9'); }],
  ['two variables of different shapes with swapped names', (c) => {
    [c.variables[0].name, c.variables[1].name] = [c.variables[1].name, c.variables[0].name];
  }],
  ['no variables', (c) => { delete c.variables; }],
  ['no session', (c) => { delete c.session; }],
  ['clock step -1', (c) => { c.session.clock.step = -1; }],
  ['clock step as a string', (c) => { c.session.clock.step = '6'; }],
  ['a parameter missing from the session', (c) => { delete c.session.params.beta1; }],
  ['a parameter this session does not have', (c) => { c.session.params.ghost = c.session.params.beta1; }],
  ['a parameter value NaN', (c) => { c.session.params.lr.value = Number.NaN; }],
  ['plateau state with numBadEpochs -1', (c) => { c.session.params.lr.sources[1].controller.numBadEpochs = -1; }],
  ['adaptive-momentum state that is a string', (c) => { c.session.params.beta1.controller = 'x'; }],
];

/** Every numeric leaf of a JSON value, as a path. */
function numericPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericPaths(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...path, k]));
  return [];
}

function setPath(root: Json, path: readonly (string | number)[], value: unknown): void {
  let node: Json = root;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
}

async function refusal(checkpoint: unknown, run: Run): Promise<unknown> {
  return restoreCheckpoint(checkpoint as Checkpoint, run.targets).then(() => undefined, (e: unknown) => e);
}

describe.each(OPTIMIZERS)('%s', (kind: OptimizerKind) => {
  let saved: Checkpoint;
  let target: Run;
  let before: unknown;

  /** A target that has trained differently, so every restore would change it. */
  const freshTarget = async () => {
    target?.dispose();
    target = trainedRun(kind, 2, 3);
    before = await snapshot(target);
  };

  beforeAll(async () => {
    const source = trainedRun(kind, 1, 6);
    saved = await jsonCheckpoint(source);
    source.dispose();
    await freshTarget();
  });
  afterAll(() => target.dispose());

  /** Restores `checkpoint` into the target: must refuse and change nothing (a changed target is rebuilt for the next case). */
  const expectRefusedUnchanged = async (checkpoint: unknown) => {
    const error = await refusal(checkpoint, target);
    const after = await snapshot(target);
    const unchanged = JSON.stringify(after) === JSON.stringify(before);
    if (!unchanged) await freshTarget();
    expect(error, 'restore should refuse').toBeInstanceOf(HyperscheduleError);
    expect((error as Error).message).not.toContain('\n');
    expect(unchanged, 'a refused restore changed the model, the optimizer, the hook or the session').toBe(true);
  };

  test.each(CORRUPTIONS)('%s: refused, nothing changed', async (_name, corrupt) => {
    const copy = structuredClone(saved) as Json;
    const replaced = corrupt(copy);
    await expectRefusedUnchanged(replaced ?? copy);
  });

  test('property: NaN, ±Infinity, a string or an object in place of any number is refused, nothing changed', async () => {
    const paths = numericPaths(saved);
    expect(paths.length).toBeGreaterThan(200);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1', {}), async (path, poison) => {
        const copy = structuredClone(saved) as Json;
        setPath(copy, path, poison);
        await expectRefusedUnchanged(copy);
      }),
      { numRuns: 60 },
    );
  });

  test('a clean restore reproduces the source exactly, and training continues bit for bit', async () => {
    const source = trainedRun(kind, 1, 6);
    const run = trainedRun(kind, 3, 2);
    await restoreCheckpoint(saved, run.targets);
    expect(await snapshot(run, { names: false })).toEqual(await snapshot(source, { names: false }));
    for (let i = 0; i < 3; i++) {
      source.step();
      run.step();
    }
    expect(await snapshot(run, { names: false })).toEqual(await snapshot(source, { names: false }));
    source.dispose();
    run.dispose();
  });

  /** Restores `original` into one fresh run and `reordered` into another: the same state, or a refusal that changed nothing. */
  const expectSameOrRefused = async (reordered: Json, mustRestore: boolean) => {
    const straight = buildRun(kind, 4);
    const shuffled = buildRun(kind, 4);
    const untouched = await snapshot(shuffled);
    await restoreCheckpoint(saved, straight.targets);
    const error = await refusal(reordered, shuffled);
    if (mustRestore || error === undefined) {
      expect(error).toBeUndefined();
      expect(await snapshot(shuffled, { names: false })).toEqual(await snapshot(straight, { names: false }));
    } else {
      expect(error).toBeInstanceOf(HyperscheduleError);
      expect(await snapshot(shuffled)).toEqual(untouched);
    }
    straight.dispose();
    shuffled.dispose();
  };

  test('variables and carried gradients reordered (names kept) restore exactly as in order', async () => {
    const reordered = structuredClone(saved) as Json;
    reordered.variables.reverse();
    reordered.hook.previousGradients.reverse();
    await expectSameOrRefused(reordered, true);
  });

  test('two variables\' slots swapped within every block (iter kept first) restore exactly (by name) or, for tf.train, are refused', async () => {
    const reordered = structuredClone(saved) as Json;
    const names: string[] = reordered.optimizer.map((w: Json) => w.name);
    // Swap the kernel and bias entries of the first layer in each slot block: every block stays well formed.
    for (const suffix of ['/m', '/v']) {
      const kernel = names.findIndex((n) => /^dense_Dense\d+\/kernel/.test(n) && n.endsWith(suffix));
      const bias = names.findIndex((n) => /^dense_Dense\d+\/bias/.test(n) && n.endsWith(suffix));
      [reordered.optimizer[kernel], reordered.optimizer[bias]] = [reordered.optimizer[bias], reordered.optimizer[kernel]];
    }
    if (kind === 'tf.train.adam') {
      await expectRefusedUnchanged(reordered);
      expect(String(await refusal(reordered, target))).toContain('slots in the order of targets.variables');
    } else {
      await expectSameOrRefused(reordered, true);
    }
  });

  test('property: any order of the optimizer slots restores exactly or is refused, never loads into the wrong slot', async () => {
    const slots = saved.optimizer!.length;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(Array.from({ length: slots }, (_, i) => i), { minLength: slots, maxLength: slots }), async (permutation) => {
        const reordered = structuredClone(saved) as Json;
        reordered.optimizer = permutation.map((i) => saved.optimizer![i]);
        await expectSameOrRefused(reordered, false);
      }),
      { numRuns: 8 },
    );
  });
});
