import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../../src/optimizers/index.js';
import { fixture, runScenario } from './parity-runner.js';

// The same torch parity on the wasm backend (the one the ViT study trains on).
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

const summary: string[] = [];
afterAll(() => {
  console.log(`wasm parity vs torch float32 (max relative error):\n${summary.join('\n')}`);
});

describe('wasm backend', () => {
  it('runs on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const name of ['adamw_scheduled', 'adamw_amsgrad_scheduled', 'adam_l2_scheduled', 'sgd_scheduled', 'sgd_nesterov_scheduled', 'sgd_groups']) {
    it(`${name} matches torch float32 to 1e-5 relative`, async () => {
      const { errors } = await runScenario(fixture.scenarios.find((s) => s.name === name)!);
      summary.push(`  ${name.padEnd(26)} ${errors.f32.toExponential(2)}`);
      expect(errors.f32).toBeLessThan(1e-5);
    });
  }

  it('numTensors is flat over 100 AdamW updates with a changing learning rate', () => {
    const w = tf.tidy(() => tf.variable(tf.ones([64, 32]), true, 'wasm-mem/w'));
    const lr = { value: 1e-3 };
    const opt = new AdamW({ learningRate: lr, amsgrad: true });
    const scalars = () => (opt as unknown as { scalars: { size: number } }).scalars.size;
    const counts: number[] = [];
    for (let t = 0; t < 100; t++) {
      lr.value = 1e-3 * (1 + t);
      opt.minimize(() => w.square().mean() as tf.Scalar);
      counts.push(tf.memory().numTensors - scalars());
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    opt.dispose();
    w.dispose();
  });
});
