/**
 * Trap 6 of issue 9: with per-variable adaptive momentum, `momentum.value` is a mean and each
 * variable's own momentum was reachable only through the undocumented
 * `perVariableMomentum(m).valueFor(name)`; passing the parameter itself to an optimizer silently
 * gave every variable the mean. Now the parameter has `valueFor(name)` (the one way; the wrapper
 * is gone), and optimizers read it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adaptiveMomentum } from '../../src/controllers/adaptive-momentum.js';
import { hook } from '../../src/integrations/hook.js';
import { createSession } from '../../src/integrations/session.js';
import { SGD, type SGDOptions } from '../../src/optimizers/sgd.js';
import { param, type ScheduledParameter } from '../../src/params/parameter.js';
import { isGroupedValueSource } from '../../src/values/grouped.js';

let run = 0;

/** SGD with per-variable adaptive momentum on f = a² + 10 b²; `wrap` decides what SGD gets. */
function train(wrap: (m: ScheduledParameter) => NonNullable<SGDOptions['momentum']>) {
  const lr = 0.02;
  const momentum = param('momentum', { controller: adaptiveMomentum({ lr, perVariable: true }) }, { domain: 'unitInterval' });
  const session = createSession({ params: [momentum] });
  const optimizer = hook(new SGD({ learningRate: lr, momentum: wrap(momentum) }), session);
  const id = run++;
  const a = tf.variable(tf.tensor1d([3, -1]), true, `pv${id}/a`);
  const b = tf.variable(tf.tensor1d([-2, 1]), true, `pv${id}/b`);
  for (let i = 0; i < 12; i++) {
    optimizer.minimize(() => tf.add(tf.sum(tf.square(a)), tf.mul(10, tf.sum(tf.square(b)))) as tf.Scalar);
  }
  const result = { momentum, a: Array.from(a.dataSync()), b: Array.from(b.dataSync()), names: [a.name, b.name] as const };
  session.dispose();
  optimizer.dispose();
  tf.dispose([a, b]);
  return result;
}

describe('per-variable adaptive momentum', () => {
  it('the parameter has valueFor(name): each variable its own momentum, value their mean', () => {
    const { momentum, names } = train((m) => m);
    const [a, b] = names;
    const ma = momentum.valueFor?.(a);
    const mb = momentum.valueFor?.(b);
    expect(typeof ma).toBe('number');
    expect(ma).not.toBeCloseTo(mb!, 3); // different curvature, different momentum
    expect(momentum.value).toBeCloseTo((ma! + mb!) / 2, 12);
    expect(isGroupedValueSource(momentum)).toBe(true); // what optimizers test to read per variable
  });

  it('an optimizer given the parameter itself uses the per-variable values (same run as through an explicit valueFor)', () => {
    const direct = train((m) => m);
    const viaView = train((m) => ({ get value() { return m.value; }, valueFor: (name: string) => m.valueFor!(name) }));
    expect(direct.a).toEqual(viaView.a);
    expect(direct.b).toEqual(viaView.b);
    // ...and not the run where every variable gets the mean (what passing it used to do).
    const meanOnly = train((m) => ({ get value() { return m.value; } }));
    expect(meanOnly.b).not.toEqual(direct.b);
  });
});
