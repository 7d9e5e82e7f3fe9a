import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { map } from 'rxjs';
import { describe, expect, test } from 'vitest';
import type { Controller } from '../../src/controllers/index.js';
import { restoreCheckpoint, saveCheckpoint } from '../../src/integrations/checkpoint.js';
import { hook, unhook } from '../../src/integrations/hook.js';
import { createSession, type HyperscheduleSession } from '../../src/integrations/session.js';
import { setTfOptimizerValues } from '../../src/optimizers/tf-train-values.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { param } from '../../src/params/index.js';
import type { UpdateSignal } from '../../src/signals/index.js';
import { inverse } from '../params/fixtures.js';

/** A toy curvature controller: momentum from the secant ratio ||g_k - g_{k-1}|| / ||x_k - x_{k-1}||. */
const curvature: Controller<{ beta: number }, { ratio: number; lr: number }> = {
  name: 'curvature',
  initialState: { beta: 0.5 },
  input: (signals) => signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).pipe(
    map((u: UpdateSignal) => ({ ratio: u.paramDeltaNorm ? (u.gradDeltaNorm ?? 0) / u.paramDeltaNorm : 0, lr: 0.05 })),
  ),
  step: (s, i) => ({ beta: Math.min(0.95, Math.max(0, (1 - Math.sqrt(Math.min(1, i.lr * i.ratio))) ** 2)) }),
  value: (s) => s.beta,
};

const INIT_W = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
const X = [[1, 0.5, -1], [0.2, -0.3, 0.8], [-0.5, 1, 0.4], [0.9, 0.1, -0.2]];
const Y = [[1, 0], [0, 1], [1, 1], [0.5, -0.5]];

interface Run {
  readonly session: HyperscheduleSession;
  readonly optimizer: tf.MomentumOptimizer;
  readonly vars: tf.Variable[];
  readonly step: () => void;
  readonly dispose: () => void;
}

/** A fresh run with the same structure every time (different initial values when `scramble`). */
function build(scramble = false, prefix = 'ckpt'): Run {
  const lr = param('lr.base', { schedule: inverse('step') }).times(0.5, 'lr');
  const momentum = param('momentum', { controller: curvature }, { domain: 'unitInterval' });
  const session = createSession({ params: [lr, momentum], batchSize: X.length });
  const w = tf.variable(tf.tensor2d(scramble ? INIT_W.map((v) => -v) : INIT_W, [3, 2]), true, `${prefix}/w`);
  const b = tf.variable(tf.zeros([2]), true, `${prefix}/b`);
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y);
  const optimizer = hook(tf.train.momentum(0.1, 0.5), session, {
    apply: (o, s) => setTfOptimizerValues(o, { learningRate: s.param('lr').value, momentum: s.param('momentum').value }),
  });
  const loss = () => tf.tidy(() => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)).asScalar());
  return {
    session,
    optimizer,
    vars: [w, b],
    step: () => optimizer.minimize(loss, true)?.dispose(),
    dispose: () => {
      unhook(optimizer);
      optimizer.dispose();
      session.dispose();
      tf.dispose([w, b, x, y]);
    },
  };
}

const TOTAL = 10;

function finish(run: Run): { weights: number[][]; state: unknown; histories: unknown } {
  return {
    weights: run.vars.map((v) => Array.from(v.dataSync())),
    state: run.session.state(),
    histories: Object.fromEntries([...run.session.params].map(([n, p]) => [n, p.history])),
  };
}

describe('checkpoint and resume with tfjs', () => {
  test('property: stop at any step, save to JSON, rebuild, restore, continue = uninterrupted run (weights bit-exact)', async () => {
    const straight = build();
    for (let k = 0; k < TOTAL; k++) straight.step();
    const expected = finish(straight);
    straight.dispose();

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: TOTAL }), async (stop) => {
        const first = build();
        for (let k = 0; k < stop; k++) first.step();
        const text = JSON.stringify(await saveCheckpoint({ session: first.session, optimizer: first.optimizer, variables: first.vars }));
        first.dispose();
        const second = build(true);
        await restoreCheckpoint(JSON.parse(text), { session: second.session, optimizer: second.optimizer, variables: second.vars });
        for (let k = stop; k < TOTAL; k++) second.step();
        const got = finish(second);
        second.dispose();
        expect(got).toEqual(expected);
      }),
      { numRuns: 6 },
    );
  });

  test('without the hook state the curvature controller would diverge (the test above can fail)', async () => {
    const straight = build();
    for (let k = 0; k < TOTAL; k++) straight.step();
    const expected = finish(straight);
    straight.dispose();
    const first = build();
    for (let k = 0; k < 4; k++) first.step();
    const checkpoint = await saveCheckpoint({ session: first.session, optimizer: first.optimizer, variables: first.vars });
    first.dispose();
    const second = build(true);
    const { hook: _dropped, ...withoutHook } = checkpoint;
    await restoreCheckpoint(withoutHook, { session: second.session, optimizer: second.optimizer, variables: second.vars });
    for (let k = 4; k < TOTAL; k++) second.step();
    expect(finish(second).histories).not.toEqual(expected.histories);
    second.dispose();
  });

  test('carried gradients follow the variables by name stem when a rebuilt model has renumbered names', async () => {
    const first = build(false, 'run1');
    for (let k = 0; k < 3; k++) first.step();
    const checkpoint = JSON.parse(JSON.stringify(await saveCheckpoint({ session: first.session, optimizer: first.optimizer, variables: first.vars })));
    const second = build(true, 'run2');
    await restoreCheckpoint(checkpoint, { session: second.session, optimizer: second.optimizer, variables: second.vars });
    const seen: UpdateSignal[] = [];
    second.session.signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).subscribe((u) => seen.push(u));
    first.session.signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).subscribe((u) => seen.push(u));
    second.step();
    first.step();
    expect(seen[0]!.gradDeltaNorms).toEqual({ 'run2/w': expect.any(Number), 'run2/b': expect.any(Number) });
    expect(seen[0]!.gradDeltaNorm).toBe(seen[1]!.gradDeltaNorm);
    expect(seen[0]!.paramDeltaNorm).toBe(seen[1]!.paramDeltaNorm);
    first.dispose();
    second.dispose();
  });

  test('variables renamed to unrelated names are refused (not loaded by position), and nothing changes', async () => {
    const first = build(false, 'old');
    for (let k = 0; k < 3; k++) first.step();
    const checkpoint = JSON.parse(JSON.stringify(await saveCheckpoint({ session: first.session, optimizer: first.optimizer, variables: first.vars })));
    first.dispose();
    const second = build(true, 'new');
    const before = finish(second);
    await expect(restoreCheckpoint(checkpoint, { session: second.session, optimizer: second.optimizer, variables: second.vars })).rejects.toThrow(
      /checkpoint\.variables: .*expected variables matching targets\.variables by name: .*named like "new\/w"/,
    );
    expect(finish(second)).toEqual(before);
    second.dispose();
  });

  test('a parameter only the optimizer holds is saved and restored with the session, even before hooking', async () => {
    const make = () => {
      const lr = param('lr', { schedule: inverse('step') }, { domain: 'positive' });
      return { lr, session: createSession(), optimizer: new AdamW({ learningRate: lr }) };
    };
    const w = tf.variable(tf.tensor1d([1, -1]));
    const a = make();
    hook(a.optimizer, a.session);
    for (let k = 0; k < 3; k++) a.optimizer.minimize(() => tf.sum(tf.square(w)).asScalar());
    const text = JSON.stringify(await saveCheckpoint({ session: a.session, optimizer: a.optimizer }));
    const b = make();
    await restoreCheckpoint(JSON.parse(text), { session: b.session, optimizer: b.optimizer });
    expect(b.lr.value).toBe(a.lr.value);
    expect(b.session.clock.step).toBe(3);
    unhook(a.optimizer);
    tf.dispose(w);
  });

  test('a bad hook state is refused with the field named', async () => {
    const run = build();
    run.step();
    const checkpoint = await saveCheckpoint({ session: run.session, optimizer: run.optimizer });
    const bad = { ...checkpoint, hook: { previousGradients: null, pendingParamDelta: { names: ['a', 'b'], squares: [1] } } };
    await expect(restoreCheckpoint(bad, { session: run.session, optimizer: run.optimizer })).rejects.toThrow(/checkpoint\.hook\.pendingParamDelta\.squares/);
    const typo = { ...checkpoint, hook: { previousGradient: null, pendingParamDelta: null } as never };
    await expect(restoreCheckpoint(typo, { session: run.session, optimizer: run.optimizer })).rejects.toThrow(/checkpoint\.hook\.previousGradient: .*accepted/);
    run.dispose();
  });

  test('restore refuses mismatched checkpoints', async () => {
    const run = build();
    const checkpoint = await saveCheckpoint({ session: run.session, variables: run.vars });
    await expect(restoreCheckpoint({ ...checkpoint, version: 2 as 1 }, { session: run.session })).rejects.toThrow(/checkpoint.version/);
    await expect(restoreCheckpoint(checkpoint, { session: run.session, variables: run.vars.slice(0, 1) })).rejects.toThrow(/checkpoint.variables/);
    await expect(restoreCheckpoint(checkpoint, { session: run.session, optimizer: run.optimizer })).rejects.toThrow(/checkpoint.optimizer/);
    run.dispose();
  });
});
