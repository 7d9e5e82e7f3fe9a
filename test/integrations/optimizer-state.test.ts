import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreCheckpoint, saveCheckpoint } from '../../src/integrations/checkpoint.js';
import { checkOptimizerWeights } from '../../src/integrations/optimizer-state.js';
import { createSession } from '../../src/integrations/session.js';
import type { SerializedTensor } from '../../src/integrations/tensor-json.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (name: string, v: number): SerializedTensor => ({ name, shape: [], dtype: 'int32', values: [v] });
const slot = (name: string, values: number[]): SerializedTensor => ({ name, shape: [values.length], dtype: 'float32', values });

describe('checkOptimizerWeights', () => {
  it('puts every tf.train block in the order of the first, renamed to the live variables', () => {
    const a = tf.variable(tf.zeros([2]), true, 'net2/a');
    const b = tf.variable(tf.zeros([1]), true, 'net2/b');
    const saved = [scalar('iter', 3), slot('net1/a/m', [1, 2]), slot('net1/b/m', [3]), slot('net1/b/v', [4]), slot('net1/a/v', [5, 6])];
    const out = checkOptimizerWeights(saved, tf.train.adam(0.1), new Map([['net1/a', a], ['net1/b', b]]), 'opt');
    expect(out.map((w) => [w.name, w.values])).toEqual([['iter', [3]], ['net2/a/m', [1, 2]], ['net2/b/m', [3]], ['net2/a/v', [5, 6]], ['net2/b/v', [4]]]);
    tf.dispose([a, b]);
  });

  it('refuses tf.train slots listed in another order than targets.variables: tf.train pairs them by position', () => {
    const a = tf.variable(tf.zeros([2]), true, 'net4/a');
    const b = tf.variable(tf.zeros([2]), true, 'net4/b');
    // Same shapes: a swapped first block would load a's state into b without a word.
    const saved = [scalar('iter', 3), slot('net1/b/m', [3, 4]), slot('net1/a/m', [1, 2]), slot('net1/b/v', [7, 8]), slot('net1/a/v', [5, 6])];
    const variables = new Map([['net1/a', a], ['net1/b', b]]);
    expect(() => checkOptimizerWeights(saved, tf.train.adam(0.1), variables, 'opt')).toThrow(/^opt: got \["net1\/b","net1\/a"\], expected slots in the order of targets\.variables \(Adam pairs them with gradients by position\)$/);
    // Without variables the saved order is all there is: kept.
    expect(checkOptimizerWeights(saved, tf.train.adam(0.1), undefined, 'opt').map((w) => w.name)).toEqual(['iter', 'net1/b/m', 'net1/a/m', 'net1/b/v', 'net1/a/v']);
    tf.dispose([a, b]);
  });

  it('without an optimizer to load into, checks the tensors and iter only', () => {
    expect(checkOptimizerWeights([scalar('iter', 3), slot('anything/goes', [1])], undefined, undefined, 'opt')).toHaveLength(2);
    expect(() => checkOptimizerWeights([scalar('iter', -1)], undefined, undefined, 'opt')).toThrow(/opt\.iter: got -1/);
    expect(() => checkOptimizerWeights([scalar('iter', 1), slot('x/m', [Number.NaN])], undefined, undefined, 'opt')).toThrow(/opt\.x\/m\.values\[0\]: got NaN/);
    expect(() => checkOptimizerWeights({}, undefined, undefined, 'opt')).toThrow(/opt: got \{\}, expected an array of tensors/);
  });

  it('an optimizer without a known layout (tf.train.adamax) gets the generic checks', () => {
    expect(() => checkOptimizerWeights([scalar('iter', 1), slot('w/v', [-1])], tf.train.adamax(0.1), undefined, 'opt')).not.toThrow();
    expect(() => checkOptimizerWeights([scalar('iter', 2 ** 31)], tf.train.adamax(0.1), undefined, 'opt')).toThrow(/opt\.iter\.values\[0\]: got 2147483648, expected an int32/);
  });
});

describe('a tf.train.adam checkpoint whose second-moment block lists the variables in another order', () => {
  it('restores each slot to its own variable and continues like the uninterrupted run', async () => {
    const make = (tag: string) => [tf.variable(tf.tensor1d([1, -2, 0.5]), true, `${tag}/w`), tf.variable(tf.tensor1d([0.3, 0.1, -0.7]), true, `${tag}/u`)];
    const target = tf.tensor1d([0.2, 0.4, -0.1]);
    const loss = (vs: tf.Variable[]) => () => tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(vs[0]!, target))), tf.mul(3, tf.sum(tf.square(tf.sub(vs[1]!, target))))).asScalar());
    const straight = make('net1');
    const opt = tf.train.adam(0.05);
    for (let k = 0; k < 6; k++) opt.minimize(loss(straight), false, straight);

    const first = make('net2');
    const optA = tf.train.adam(0.05);
    for (let k = 0; k < 3; k++) optA.minimize(loss(first), false, first);
    const sessionA = createSession();
    const checkpoint = JSON.parse(JSON.stringify(await saveCheckpoint({ session: sessionA, optimizer: optA, variables: first })));
    // iter, net2/w/m, net2/u/m, net2/w/v, net2/u/v: swap the two /v entries (same shape).
    [checkpoint.optimizer[3], checkpoint.optimizer[4]] = [checkpoint.optimizer[4], checkpoint.optimizer[3]];
    const second = make('net3');
    const optB = tf.train.adam(0.05);
    await restoreCheckpoint(checkpoint, { session: createSession(), optimizer: optB, variables: second });
    for (let k = 3; k < 6; k++) optB.minimize(loss(second), false, second);
    expect(await Promise.all(second.map(async (v) => Array.from(await v.data())))).toEqual(await Promise.all(straight.map(async (v) => Array.from(await v.data()))));
    tf.dispose([...straight, ...first, ...second, target]);
    [opt, optA, optB].forEach((o) => o.dispose());
  });
});
