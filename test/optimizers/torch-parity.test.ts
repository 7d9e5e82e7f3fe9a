import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runScenario } from './parity-runner.js';

// Our optimizers (cpu backend, float32) fed the gradient sequences torch.optim saw, with the same
// per-step hyperparameter changes; parameters compared after every step.
const REL_TOL = 1e-5;
const summary: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  console.log(`torch.optim ${fixture.torch} parity (max relative error over all steps and elements):\n${summary.join('\n')}`);
});

describe('torch.optim parity (fixtures from scripts/gen_torch_optimizers.py)', () => {
  it('the fixture covers AdamW, Adam, SGD with changing hyperparameters and groups', () => {
    const kinds = new Set(fixture.scenarios.map((s) => s.optimizer));
    expect([...kinds].sort()).toEqual(['Adam', 'AdamW', 'SGD']);
    const changing = fixture.scenarios.filter((s) => s.groups.some((g) => Object.values(g.hp).some((seq) => new Set(seq).size > 1)));
    expect(changing.length).toBeGreaterThanOrEqual(6);
  });

  for (const scenario of fixture.scenarios) {
    it(`${scenario.name} matches torch float32 to ${REL_TOL} relative at every step`, async () => {
      const { errors, steps } = await runScenario(scenario);
      summary.push(`  ${scenario.name.padEnd(26)} vs float32 ${errors.f32.toExponential(2)}  vs float64 ${errors.f64.toExponential(2)}`);
      expect(errors.f32).toBeLessThan(REL_TOL);
      expect(errors.f64).toBeLessThan(REL_TOL);
      // Variables that missed gradients have their own (smaller) step counts, as torch's state['step'].
      const missed = (n: string) => fixture.grads.filter((g) => g[n] === null).length;
      for (const [n, s] of Object.entries(steps)) expect(s).toBe(fixture.steps - missed(n));
    });
  }

  it('the comparison is sensitive: beta1 applied one step late fails it', async () => {
    const scenario = fixture.scenarios.find((s) => s.name === 'adamw_scheduled')!;
    const { errors } = await runScenario(scenario, { lagField: 'beta1' });
    expect(errors.f32).toBeGreaterThan(100 * REL_TOL);
  });

  for (const name of ['adamw_groups', 'sgd_groups']) {
    it(`${name} also matches with excludeFromWeightDecay instead of a per-variable weight decay`, async () => {
      const scenario = fixture.scenarios.find((s) => s.name === name)!;
      const { errors } = await runScenario(scenario, { viaExclusion: true });
      summary.push(`  ${`${name} (exclusion)`.padEnd(26)} vs float32 ${errors.f32.toExponential(2)}  vs float64 ${errors.f64.toExponential(2)}`);
      expect(errors.f32).toBeLessThan(REL_TOL);
    });
  }
});
