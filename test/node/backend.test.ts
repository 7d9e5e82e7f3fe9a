import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/node/backend.js';
import { HyperscheduleError } from '../../src/errors.js';

const notInstalled = (pkg: string) =>
  Object.assign(new Error(`Cannot find package '${pkg}' imported from /x/backend.ts`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('selectBackend', () => {
  afterEach(() => {
    if (tf.engine().registryFactory.tensorflow) tf.removeBackend('tensorflow');
  });

  it('here (no native TensorFlow installed) picks wasm and says why the native ones were skipped, in one line', async () => {
    const lines: string[] = [];
    const s = await selectBackend({ log: (l) => lines.push(l) });
    expect(s.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/\n/);
    expect(lines[0]).toMatch(/^backend: wasm/);
    expect(lines[0]).toMatch(/tfjs-node-gpu not installed \(npm run install:gpu\)/);
    expect(s.skipped.map((x) => x.package)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('uses native TensorFlow when its package loads (simulated: the loader registers a "tensorflow" backend)', async () => {
    const imported: string[] = [];
    const s = await selectBackend({
      quiet: true,
      importModule: async (spec) => {
        imported.push(spec);
        if (spec === '@tensorflow/tfjs-node-gpu') throw notInstalled(spec);
        // What importing tfjs-node does: register the 'tensorflow' backend.
        tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
        return {};
      },
    });
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(s).toMatchObject({ backend: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(s.summary).toMatch(/tfjs-node-gpu not installed/);
  });

  it('reports a broken native install (e.g. a missing libtensorflow binding) as a load failure, not "not installed"', async () => {
    const s = await selectBackend({
      quiet: true,
      importModule: async (spec) => {
        if (spec.includes('tfjs-node')) {
          throw new Error(`Cannot find module '/x/node_modules/${spec}/lib/napi-v8/tfjs_binding.node'`);
        }
        return import(spec);
      },
    });
    expect(s.backend).toBe('wasm');
    expect(s.skipped[0]!.reason).toMatch(/^failed to load \(Cannot find module .*tfjs_binding\.node/);
  });

  it('prefer: wasm skips native backends without trying them; prefer: cpu uses the JS backend', async () => {
    const imported: string[] = [];
    const load = async (spec: string) => {
      imported.push(spec);
      return import(spec);
    };
    const w = await selectBackend({ prefer: 'wasm', quiet: true, importModule: load });
    expect(w.backend).toBe('wasm');
    expect(imported).toEqual(['@tensorflow/tfjs-backend-wasm']);
    expect(w.summary).toMatch(/skipped \(prefer: wasm\)/);
    const c = await selectBackend({ prefer: 'cpu', quiet: true });
    expect(c.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('falls back to cpu when wasm cannot load', async () => {
    const s = await selectBackend({
      quiet: true,
      importModule: async (spec) => {
        if (spec !== '@tensorflow/tfjs-backend-cpu') throw notInstalled(spec);
        return import(spec);
      },
    });
    expect(s.backend).toBe('cpu');
    expect(s.skipped.map((x) => x.reason.split(' (')[0])).toEqual(['not installed', 'not installed', 'not installed']);
  });

  it('rejects an unknown preference', async () => {
    await expect(selectBackend({ prefer: 'webgpu' as 'cpu' })).rejects.toThrowError(HyperscheduleError);
  });
});
