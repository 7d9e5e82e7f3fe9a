/**
 * What a comparison writes beside its table: `results.json` records the backend each worker
 * actually ran (the quick comparison recorded the preference, "tensorflow", although wasm ran),
 * and the report says so when the reference study's figures are left out because
 * `../shared/reference` is absent (it dropped them silently).
 */
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from 'hyperschedule/node';
import { renderReport } from '../../../examples/vit/report/html.js';
import { writeStudyOutputs } from '../../../examples/vit/study.js';
import type { RunResult } from '../../../examples/vit/train.js';

function record(variant: string, backend: string, backendDescription: string): TrialRecord<RunResult> {
  const result = {
    config: { variant, peakLr: 0.01, seed: 0, epochs: 1, preferBackend: 'tensorflow' },
    variant: { name: variant, label: variant, group: 'lr' },
    data: { name: 'mnist', description: 'MNIST', train: 90, val: 10, test: 20 },
    backend,
    backendDescription,
    testAcc: 0.5, testLoss: 1, bestValAcc: 0.5, bestEpoch: 0, updates: 3, wallMs: 1000,
    epochs: [{ epoch: 0, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5 }],
    trajectory: [{ step: 0, epoch: 0, values: { lr: 0.01 } }],
  } as unknown as RunResult;
  return {
    id: `${variant}-0`, params: { variant, peakLr: 0.01, seed: 0, preferBackend: 'tensorflow' }, status: 'ok', result,
    exitCode: 0, signal: null, attempt: 1, startedAt: '', finishedAt: '', durationMs: 1000, log: '',
  };
}

describe('writeStudyOutputs', () => {
  it('results.json gives each trial the backend its worker ran, and the report lists it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hs-outputs-'));
    const wasm = 'backend: wasm (@tensorflow/tfjs-backend-wasm, SIMD, one thread) — tfjs-node not installed';
    await writeStudyOutputs(out, [record('constant', 'wasm', wasm), record('one-cycle', 'wasm', wasm)], { title: 't', referenceDir: null });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { trials: { backend: string; backendDescription: string; params: Record<string, unknown> }[] };
    for (const t of results.trials) {
      expect(t.backend).toBe('wasm');
      expect(t.backendDescription).toBe(wasm);
      expect(t.params.backend).toBeUndefined(); // the preference is not called "backend"
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`<dt>backend</dt><dd>${wasm}</dd>`);
  });

  it('the reference study absent: the report says where it looked and how to get it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hs-outputs-'));
    const missing = join(out, 'no-such', 'reference');
    await writeStudyOutputs(out, [record('constant', 'cpu', 'backend: cpu')], { title: 't', referenceDir: missing });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>The reference study</h2>');
    expect(html).toContain(`not shown: no seed-results.csv in ${missing}`);
    expect(html).toContain('check out the shared folder beside the repository');
    // A folder that exists but holds no results is the same case.
    const empty = join(out, 'empty-reference');
    mkdirSync(empty);
    await writeStudyOutputs(out, [record('constant', 'cpu', 'backend: cpu')], { title: 't', referenceDir: empty });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`not shown: no seed-results.csv in ${empty}`);
  });

  it('referenceDir: null (asked for no reference) adds no note', async () => {
    const { html } = await renderReport({ title: 't', runs: [] });
    expect(html).not.toContain('The reference study');
  });
});

describe('renderReport', () => {
  it('renders the note for a missing reference folder, escaped', async () => {
    const { html } = await renderReport({ title: 't', runs: [], referenceMissing: '/a/<b>/reference' });
    expect(html).toContain('not shown: no seed-results.csv in /a/&lt;b&gt;/reference');
  });
});
