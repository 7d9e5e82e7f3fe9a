import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { heavyBallMomentum, type PerVariableMomentumState } from '../../src/controllers/adaptive-momentum.js';
import { restoreCheckpoint, saveCheckpoint } from '../../src/integrations/checkpoint.js';
import { createSession } from '../../src/integrations/session.js';
import { AdamW } from '../../src/optimizers/adamw.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { enableAdaptiveMomentum } from '../../src/training/adaptive-momentum.js';

let counter = 0;
/** f(w) = 1/2 sum(d_i w_i^2) + 1/2 sum(e_j u_j^2): two variables, condition number 100. */
function problem() {
  const id = counter++;
  const w = tf.variable(tf.tensor1d([1, -2, 0.5, 3]), true, `am${id}/kernel`);
  const u = tf.variable(tf.tensor1d([2, -1]), true, `am${id}/bias`);
  const d = tf.tensor1d([1, 5, 20, 100]);
  const e = tf.tensor1d([2, 50]);
  const loss = () => tf.tidy(() => tf.add(tf.sum(tf.mul(d, tf.square(w))), tf.sum(tf.mul(e, tf.square(u)))).mul(0.5) as tf.Scalar);
  return { w, u, loss, vars: [w, u], dispose: () => tf.dispose([w, u, d, e]) };
}

const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const sub = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (x, i) => x - b[i]!);

describe('enableAdaptiveMomentum on a tfjs loop', () => {
  it('SGD: each momentum is the formula on the update\'s secant pair, and SGD uses it', () => {
    const p = problem();
    const session = createSession();
    const lr = 0.01;
    const opt = new SGD({ learningRate: lr, momentum: 0.5 });
    const beta = enableAdaptiveMomentum(opt, session);
    expect(opt.momentum).toBe(beta);
    expect(beta.value).toBe(0.5); // keeps the optimizer's value until the first estimate
    let prevG: number[] | null = null;
    let prevX: number[] | null = null;
    let buf: number[] | null = null;
    for (let k = 0; k < 30; k++) {
      const x = [...p.w.dataSync(), ...p.u.dataSync()];
      const { grads, value } = tf.variableGrads(p.loss, p.vars);
      const g = [...grads[p.w.name]!.dataSync(), ...grads[p.u.name]!.dataSync()];
      const used = beta.value;
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
      // torch SGD: buf = g (first) / used*buf + g; x -= lr*buf
      buf = buf === null ? g : buf.map((b, i) => used * b + g[i]!);
      const after = [...p.w.dataSync(), ...p.u.dataSync()];
      after.forEach((v, i) => expect(v).toBeCloseTo(x[i]! - lr * buf![i]!, 5));
      if (prevG && prevX) {
        const expected = heavyBallMomentum(lr, norm(sub(g, prevG)), norm(sub(x, prevX)), 1e-3)!;
        expect(Math.abs(beta.value - expected)).toBeLessThan(1e-5);
      } else {
        expect(beta.value).toBe(0.5);
      }
      prevG = g;
      prevX = x;
    }
    expect(beta.history.length).toBeGreaterThan(10);
    session.dispose();
    opt.dispose();
    p.dispose();
  });

  it('accelerates SGD on an ill-conditioned quadratic compared with no momentum at the same lr', () => {
    const run = (adaptive: boolean) => {
      const p = problem();
      const session = createSession();
      const opt = new SGD({ learningRate: 0.01, momentum: 0 });
      if (adaptive) enableAdaptiveMomentum(opt, session);
      for (let k = 0; k < 150; k++) opt.minimize(p.loss);
      const final = p.loss().dataSync()[0]!;
      session.dispose();
      opt.dispose();
      p.dispose();
      return final;
    };
    const plain = run(false);
    const adaptive = run(true);
    expect(adaptive).toBeLessThan(plain / 100);
  });

  it('AdamW: drives beta1', () => {
    const p = problem();
    const session = createSession();
    const opt = new AdamW({ learningRate: 0.01, weightDecay: 0 });
    const beta1 = enableAdaptiveMomentum(opt, session);
    expect(beta1.name).toBe('beta1');
    expect(opt.beta1).toBe(beta1);
    expect(beta1.value).toBe(0.9);
    for (let k = 0; k < 5; k++) opt.minimize(p.loss);
    expect(beta1.value).not.toBe(0.9);
    expect(beta1.value).toBeGreaterThanOrEqual(0);
    expect(beta1.value).toBeLessThan(1);
    session.dispose();
    opt.dispose();
    p.dispose();
  });

  it('per variable: each variable gets the formula on its own norms', () => {
    const p = problem();
    const session = createSession();
    const lr = 0.01;
    const opt = new SGD({ learningRate: lr, momentum: 0.3 });
    const beta = enableAdaptiveMomentum(opt, session, { perVariable: true });
    const hist: { g: Record<string, number[]>; x: Record<string, number[]> }[] = [];
    for (let k = 0; k < 6; k++) {
      const x = { [p.w.name]: Array.from(p.w.dataSync()), [p.u.name]: Array.from(p.u.dataSync()) };
      const { grads, value } = tf.variableGrads(p.loss, p.vars);
      hist.push({ x, g: Object.fromEntries(Object.entries(grads).map(([n, t]) => [n, Array.from(t.dataSync())])) });
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
    const state = beta.controllerStateValue as PerVariableMomentumState;
    const [a, b] = hist.slice(-2) as [(typeof hist)[number], (typeof hist)[number]];
    for (const name of [p.w.name, p.u.name]) {
      const expected = heavyBallMomentum(lr, norm(sub(b.g[name]!, a.g[name]!)), norm(sub(b.x[name]!, a.x[name]!)), 1e-3)!;
      expect(Math.abs(state.values[name]! - expected)).toBeLessThan(1e-5);
    }
    expect(state.values[p.w.name]).not.toBeCloseTo(state.values[p.u.name]!, 3);
    expect(beta.value).toBeCloseTo((state.values[p.w.name]! + state.values[p.u.name]!) / 2, 12);
    session.dispose();
    opt.dispose();
    p.dispose();
  });

  it('a NaN gradient skips the update and leaves the momentum unchanged (reported)', () => {
    const p = problem();
    const session = createSession();
    const opt = new SGD({ learningRate: 0.01, momentum: 0.5 });
    const beta = enableAdaptiveMomentum(opt, session);
    const reports: string[] = [];
    session.signals.nonFinite$.subscribe((r) => reports.push(`${r.source}:${r.action}`));
    for (let k = 0; k < 4; k++) opt.minimize(p.loss);
    const before = beta.value;
    const w = Array.from(p.w.dataSync());
    opt.minimize(() => tf.mul(p.loss(), tf.scalar(Number.NaN)) as tf.Scalar);
    expect(beta.value).toBe(before);
    expect(Array.from(p.w.dataSync())).toEqual(w);
    expect(reports.some((r) => r.endsWith('skipped-update'))).toBe(true);
    session.dispose();
    opt.dispose();
    p.dispose();
  });

  it('checkpoint/resume (session + hook + optimizer + variables) continues exactly; tensors stay flat', async () => {
    const N = 12;
    const M = 10;
    const a = problem();
    const sa = createSession();
    const oa = new SGD({ learningRate: 0.01, momentum: 0.5 });
    const ba = enableAdaptiveMomentum(oa, sa);
    for (let k = 0; k < N + M; k++) oa.minimize(a.loss);

    const b = problem();
    const sb = createSession();
    const ob = new SGD({ learningRate: 0.01, momentum: 0.5 });
    enableAdaptiveMomentum(ob, sb);
    for (let k = 0; k < N; k++) ob.minimize(b.loss);
    const checkpoint = JSON.parse(JSON.stringify(await saveCheckpoint({ session: sb, optimizer: ob, variables: b.vars })));
    sb.dispose();
    ob.dispose();

    // A fresh process would rebuild the same objects: new session, optimizer, parameter, hook.
    const sc = createSession();
    const oc = new SGD({ learningRate: 0.01, momentum: 0.5 });
    const bc = enableAdaptiveMomentum(oc, sc);
    await restoreCheckpoint(checkpoint, { session: sc, optimizer: oc, variables: b.vars });
    oc.minimize(b.loss);
    const tensors = tf.memory().numTensors;
    for (let k = 1; k < M; k++) oc.minimize(b.loss);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(bc.value).toBe(ba.value);
    expect(bc.history).toEqual(ba.history);
    expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
    expect(Array.from(b.u.dataSync())).toEqual(Array.from(a.u.dataSync()));
    for (const x of [sa, sc]) x.dispose();
    for (const o of [oa, oc]) o.dispose();
    a.dispose();
    b.dispose();
  });

  it('refuses optimizers it cannot drive', () => {
    const session = createSession();
    expect(() => enableAdaptiveMomentum(tf.train.momentum(0.1, 0.9) as unknown as SGD, session)).toThrow(/enableAdaptiveMomentum\.optimizer/);
    session.dispose();
  });
});
