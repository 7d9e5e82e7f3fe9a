/**
 * The study's training loop on wasm: a two-epoch tiny run on real images (the shared CIFAR-10
 * subset when present, else the bundled MNIST digits) whose loss falls, with a flat tensor count
 * and a JSONL log; and Ctrl-C semantics: a run stopped mid-epoch and resumed from its checkpoint
 * ends exactly where the uninterrupted run ends, and a corrupted checkpoint is never loaded.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HyperscheduleError } from 'hyperschedule';
import { parseRunConfig, type RunConfigInput } from '../../../examples/vit/config.js';
import { loadRunData, type RunData } from '../../../examples/vit/data.js';
import { trainRun, type RunResult, type TrainEvent } from '../../../examples/vit/train.js';
import { CIFAR_SUBSET, cifarSubsetPresent } from '../helpers.js';

const HAVE_CIFAR_SUBSET = cifarSubsetPresent();

const dataset: Partial<RunConfigInput> = HAVE_CIFAR_SUBSET ? { dataset: 'cifar10', dataDir: CIFAR_SUBSET } : { dataset: 'mnist' };

beforeAll(async () => {
  await tf.setBackend('wasm');
  if (!HAVE_CIFAR_SUBSET) console.warn(`CIFAR-10 subset not found at ${CIFAR_SUBSET}: training on the bundled MNIST digits`);
});

async function completed(p: ReturnType<typeof trainRun>): Promise<RunResult> {
  const o = await p;
  if (o.status !== 'completed') throw new Error(`run ${o.status}`);
  return o.result;
}

describe('trainRun', () => {
  it('two epochs of the tiny ViT: loss falls, the log has every epoch and hyperparameter, tensors stay flat', async () => {
    const config = parseRunConfig({ ...dataset, variant: 'cosine-warmup', peakLr: 2e-3, epochs: 2, trainSize: 1100, testSize: 300, batchSize: 40 });
    const dir = mkdtempSync(join(tmpdir(), 'hs-train-'));
    const events: TrainEvent['type'][] = [];
    const r = await completed(trainRun({ config, dir, onEvent: (e) => events.push(e.type) }));
    expect(r.data).toMatchObject({ train: 990, val: 110, test: 300 });
    // The backend that ran, not the preference (the default, 'tensorflow', is not installed here).
    expect(r.config.preferBackend).toBe('tensorflow');
    expect([r.backend, r.backendDescription]).toEqual(['wasm', 'wasm']);
    expect(r.updates).toBe(2 * Math.floor(990 / 40));
    expect(r.samples).toBe(r.updates * 40);
    const [e0, e1] = r.epochs;
    expect(e0!.trainLoss!).toBeLessThan(Math.log(10) + 0.2); // starts near chance
    expect(e1!.trainLoss!).toBeLessThan(e0!.trainLoss! - 0.03);
    expect(r.testAcc).toBeGreaterThan(0.1); // better than chance on held-out images
    // The warmup then the cosine: the LR the first update used is a tenth of the peak.
    expect(e0!.hparams.lr).toBeCloseTo(2e-4, 12);
    expect(e1!.hparamsEnd.lr).toBeLessThan(2e-3);
    expect(Object.keys(e0!.hparams).sort()).toEqual(['batchSize', 'beta1', 'beta2', 'lr', 'weightDecay']);
    expect(r.bestEpoch).toBe(r.epochs.reduce((b, e, i) => (e.valAcc! > r.epochs[b]!.valAcc! ? i : b), 0));
    expect(r.bestValAcc).toBe(Math.max(...r.epochs.map((e) => e.valAcc!)));
    expect(r.tensors.min).toBe(r.tensors.max);
    const log = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log).toEqual(JSON.parse(JSON.stringify(r.epochs)));
    expect(events[0]).toBe('start');
    expect(events.filter((e) => e === 'epoch')).toHaveLength(2);
    expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);
  });

  describe('stopped (Ctrl-C) and resumed = uninterrupted', () => {
    let data: RunData;
    beforeAll(async () => {
      data = await loadRunData(parseRunConfig({ ...dataset, variant: 'constant', peakLr: 1e-3, trainSize: 400, testSize: 100 }));
    });

    for (const variant of ['batch-growth', 'adaptive-beta1', 'scheduled-wd', 'sgd-adaptive-hb']) {
      it(variant, async () => {
        // Batch 16 on 360 images: batch growth reaches N/10 = 36; every variant carries controller or hook state.
        const config = parseRunConfig({ ...dataset, variant, peakLr: 3e-3, epochs: 2, trainSize: 400, testSize: 100, batchSize: 16 });
        const straight = await completed(trainRun({ config, data }));

        const dir = mkdtempSync(join(tmpdir(), 'hs-resume-'));
        const controller = new AbortController();
        const first = await trainRun({
          config, data, dir, signal: controller.signal,
          onEvent: (e) => { if (e.type === 'step' && e.epoch === 0 && e.stepInEpoch === 7) controller.abort(); },
        });
        expect(first.status).toBe('interrupted');
        expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
        const resumed = await completed(trainRun({ config, data, dir, resume: true }));
        expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);

        expect(resumed.updates).toBe(straight.updates);
        expect(resumed.epochs.map((e) => [e.trainLoss, e.valAcc, e.hparamsEnd])).toEqual(straight.epochs.map((e) => [e.trainLoss, e.valAcc, e.hparamsEnd]));
        expect(resumed.testAcc).toBe(straight.testAcc);
        expect(resumed.trajectory).toEqual(straight.trajectory);
        if (variant === 'batch-growth') {
          expect(new Set(straight.trajectory.map((p) => p.values.batchSize)).size).toBeGreaterThan(1);
          expect(straight.updates).toBeLessThan(2 * Math.floor(360 / 16));
        }
      });
    }

    it('a corrupted checkpoint.bin (4 KB of 0xFF) is never loaded: refused alone, else the run resumes from checkpoint.bin.prev, saying so', async () => {
      const config = parseRunConfig({ ...dataset, variant: 'constant', peakLr: 3e-3, epochs: 2, trainSize: 400, testSize: 100, batchSize: 16 });
      const straight = await completed(trainRun({ config, data }));
      const dir = mkdtempSync(join(tmpdir(), 'hs-corrupt-'));
      const checkpoint = join(dir, 'checkpoint.bin');
      const stopAt = async (epoch: number, step: number, resume: boolean) => {
        const controller = new AbortController();
        const o = await trainRun({
          config, data, dir, resume, signal: controller.signal,
          onEvent: (e) => { if (e.type === 'step' && e.epoch === epoch && e.stepInEpoch === step) controller.abort(); },
        });
        expect(o).toMatchObject({ status: 'interrupted', checkpoint });
      };
      const corrupt = () => {
        const bytes = readFileSync(checkpoint);
        bytes.fill(0xff, 2000, 2000 + 4096);
        writeFileSync(checkpoint, bytes);
      };
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        await stopAt(0, 7, false);
        const good = readFileSync(checkpoint);
        const log = readFileSync(join(dir, 'log.jsonl'));
        const runLog = readFileSync(join(dir, 'run.jsonl'));
        corrupt();
        // No previous checkpoint: refused, naming the checksum, and nothing on disk changes.
        const refused = trainRun({ config, data, dir, resume: true });
        await expect(refused).rejects.toThrow(HyperscheduleError);
        await expect(refused).rejects.toThrow(/^resume: got ".*checkpoint\.bin", expected .*checkpoint\.sha256: .*the file is corrupted.*checkpoint\.bin\.prev is missing; delete .*checkpoint\.bin\* to start this run over$/);
        expect(readdirSync(dir).sort()).toEqual(['checkpoint.bin', 'log.jsonl', 'run.csv', 'run.jsonl', 'tb']);
        expect(readFileSync(join(dir, 'log.jsonl'))).toEqual(log);
        expect(readFileSync(join(dir, 'run.jsonl'))).toEqual(runLog);

        // Put the good one back, stop again in the second epoch: the first checkpoint is kept as .prev.
        writeFileSync(checkpoint, good);
        await stopAt(1, 3, true);
        expect(readFileSync(`${checkpoint}.prev`)).toEqual(good);
        corrupt();
        warn.mockClear();
        const resumed = await completed(trainRun({ config, data, dir, resume: true }));
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]![0])).toMatch(/^resume: .*checkpoint\.bin is refused \(checkpoint\.sha256: .*\); resuming from .*checkpoint\.bin\.prev/);
        // Resumed from update 7, the run ends exactly where the uninterrupted one does.
        expect(resumed.updates).toBe(straight.updates);
        expect(resumed.epochs.map((e) => [e.trainLoss, e.valAcc, e.hparamsEnd])).toEqual(straight.epochs.map((e) => [e.trainLoss, e.valAcc, e.hparamsEnd]));
        expect(resumed.testAcc).toBe(straight.testAcc);
        expect(resumed.skippedUpdates).toBe(0);
        expect(readdirSync(dir).sort()).toEqual(['log.jsonl', 'run.csv', 'run.jsonl', 'tb']);
      } finally {
        warn.mockRestore();
      }
    });

    it('refuses to resume another run\'s checkpoint', async () => {
      const config = parseRunConfig({ ...dataset, variant: 'constant', peakLr: 1e-3, epochs: 1, trainSize: 400, testSize: 100, batchSize: 32 });
      const dir = mkdtempSync(join(tmpdir(), 'hs-resume-'));
      const controller = new AbortController();
      controller.abort();
      expect((await trainRun({ config, data, dir, signal: controller.signal })).status).toBe('interrupted');
      const other = parseRunConfig({ ...config, peakLr: 2e-3 });
      await expect(trainRun({ config: other, data, dir, resume: true })).rejects.toThrow(/resume: got .*checkpoint\.bin/);
    });
  });
});
