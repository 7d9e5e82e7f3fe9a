import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CarriedState, type HookState } from '../../src/integrations/carried-state.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const live: CarriedState[] = [];
afterEach(() => {
  for (const c of live.splice(0)) c.dispose();
});

function carried(): CarriedState {
  const c = new CarriedState();
  live.push(c);
  return c;
}

const grad = (name: string, values: number[]) => ({ name, shape: [values.length], dtype: 'float32' as const, values });
const saved: HookState = { previousGradients: [grad('m1/w', [1, 2]), grad('m1/b', [3])], pendingParamDelta: { names: ['m1/w', 'm1/b'], squares: [0.5, 0.25] } };

async function held(c: CarriedState): Promise<HookState> {
  return c.state();
}

describe('CarriedState.restore', () => {
  it('refuses a bad state whole (NaN gradient, repeated name, negative square) and keeps what it carried, with no tensor left', async () => {
    const c = carried();
    c.restore(saved);
    const before = await held(c);
    const tensors = tf.memory().numTensors;
    expect(() => c.restore({ ...saved, previousGradients: [grad('a', [1]), grad('b', [Number.NaN])] })).toThrow(/hookState\.previousGradients\.b\.values\[0\]: got NaN, expected a finite float32/);
    expect(() => c.restore({ ...saved, previousGradients: [grad('a', [1]), grad('a', [2])] })).toThrow(/hookState\.previousGradients: got "a", expected each variable once/);
    expect(() => c.restore({ ...saved, pendingParamDelta: { names: ['a'], squares: [-1] } })).toThrow(/hookState\.pendingParamDelta\.squares\[0\]: got -1/);
    expect(() => c.restore({ ...saved, pendingParamDelta: { names: ['a', 'a'], squares: [1, 1] } })).toThrow(/hookState\.pendingParamDelta\.names: got "a", expected each variable once/);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await held(c)).toEqual(before);
  });

  it('prepareRestore builds without changing anything; discard frees what it built', async () => {
    const c = carried();
    const tensors = tf.memory().numTensors;
    const staged = c.prepareRestore(saved);
    expect(await held(c)).toEqual({ previousGradients: null, pendingParamDelta: null });
    staged.discard();
    expect(tf.memory().numTensors).toBe(tensors);
    c.prepareRestore(saved).apply();
    expect(await held(c)).toEqual(saved);
  });

  it('with the variables known, checks shapes and names and renames to the live names', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'm7/w');
    const b = tf.variable(tf.zeros([1]), true, 'm7/b');
    const byName = new Map([['m1/w', w], ['m1/b', b]]);
    const c = carried();
    c.prepareRestore(saved, 'hook', byName).apply();
    expect((await held(c)).previousGradients?.map((g) => g.name)).toEqual(['m7/w', 'm7/b']);
    expect(() => c.prepareRestore({ ...saved, previousGradients: [grad('m1/w', [1])] }, 'hook', byName)).toThrow(/hook\.previousGradients\.m1\/w\.shape: got \[1\], expected \[2\]/);
    expect(() => c.prepareRestore({ ...saved, previousGradients: [grad('ghost', [1])] }, 'hook', byName)).toThrow(/hook\.previousGradients\.ghost: got "ghost", expected the name of a saved variable/);
    tf.dispose([w, b]);
  });
});

describe('CarriedState.matchVariables (first update after a restore)', () => {
  const entries = (names: string[], shapes: number[][]) => names.map((name, i) => ({ name, tensor: tf.zeros(shapes[i]!) }));

  it('renames renumbered names by stem and order', async () => {
    const c = carried();
    c.restore(saved);
    const e = entries(['m2/w', 'm2/b'], [[2], [1]]);
    c.matchVariables(e);
    expect([...c.previousGradients!.keys()]).toEqual(['m2/w', 'm2/b']);
    expect(c.pendingParamDelta!.names).toEqual(['m2/w', 'm2/b']);
    tf.dispose(e.map((x) => x.tensor));
  });

  it('refuses unrelated names (never by position), changing nothing, and tries again next update', async () => {
    const c = carried();
    c.restore(saved);
    const before = await held(c);
    const wrong = entries(['dec/x', 'dec/y'], [[2], [1]]);
    expect(() => c.matchVariables(wrong)).toThrow(/hookState\.previousGradients: got \["m1\/w","m1\/b"\], expected names of this update's variables: 1 named like "dec\/x" \(as dec\/x\), 0 saved$/);
    expect(await held(c)).toEqual(before);
    const right = entries(['m1/w', 'm1/b'], [[2], [1]]);
    c.matchVariables(right);
    expect([...c.previousGradients!.keys()]).toEqual(['m1/w', 'm1/b']);
    tf.dispose([...wrong, ...right].map((x) => x.tensor));
  });
});
