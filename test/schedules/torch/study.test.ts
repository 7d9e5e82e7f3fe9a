/**
 * The reference study's own schedulers (../shared/DESIGN.md §4): every LR the study logged
 * (column `lr-AdamW` of ../shared/reference/seed-runs/*.csv, one row per epoch, schedulers stepped
 * once per epoch) must be reproduced by fromTorch. The CSVs are read in place; without
 * ../shared (a clone outside this workspace) the suite is skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromTorch, type TorchSchedulerSpec } from '../../../src/index.js';

const REFERENCE = fileURLToPath(new URL('../../../../shared/reference', import.meta.url));
const available = existsSync(join(REFERENCE, 'seed-results.csv'));

/** Rows of a simple CSV (no quoted fields) as records. */
function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const keys = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i]!, v])));
}

/** warmup = LinearLR(0.1 -> 1 over 6 epochs), then the schedule (SequentialLR, milestone 6). */
const warmup = (base: number, then: TorchSchedulerSpec): TorchSchedulerSpec => ({
  type: 'SequentialLR', base, milestones: ['6ep'],
  schedulers: [{ type: 'LinearLR', startFactor: 0.1, endFactor: 1, totalIters: 6 }, then],
});

/**
 * The study's configurations, recovered from the logged LRs: a constant LR (ConstantLR with
 * factor 1), CosineAnnealingLR(T_max = 100 epochs, eta_min = 1e-6), StepLR(5, 0.9),
 * CosineAnnealingWarmRestarts(T_0 from seed-results.csv, T_mult 1, eta_min 0) and OneCycleLR over
 * 100 epochs with PyTorch's defaults (AdamW, so it also cycles beta1).
 */
function studySpec(scheduler: string, lr: number, t0: number): TorchSchedulerSpec {
  switch (scheduler) {
    case 'ConstantLR': return { type: 'ConstantLR', base: lr, factor: 1, totalIters: '1dur' };
    case 'ConstantLRWarmup': return warmup(lr, { type: 'ConstantLR', factor: 1, totalIters: '1dur' });
    case 'CosineAnnealingLR': return { type: 'CosineAnnealingLR', base: lr, tMax: '100ep', etaMin: 1e-6 };
    case 'CosineAnnealingLRWarmup': return warmup(lr, { type: 'CosineAnnealingLR', tMax: '100ep', etaMin: 1e-6 });
    case 'StepLR': return { type: 'StepLR', base: lr, stepSize: 5, gamma: 0.9 };
    case 'CosineAnnealingWarmRestarts': return { type: 'CosineAnnealingWarmRestarts', base: lr, t0 };
    case 'OneCycleLR': return { type: 'OneCycleLR', base: 1e-3, beta1: 0.9, maxLr: lr, totalSteps: '100ep' };
    default: throw new Error(`unknown study scheduler ${scheduler}`);
  }
}

describe.skipIf(!available)(`fromTorch reproduces the study's logged LRs${available ? '' : ' (skipped: ../shared/reference not found next to the repo)'}`, () => {
  const results = available ? readCsv(join(REFERENCE, 'seed-results.csv')) : [];
  const runs = available ? readdirSync(join(REFERENCE, 'seed-runs')).filter((f) => f.endsWith('.csv')).sort() : [];
  const errors: number[] = [];

  it('finds every run of seed-results.csv', () => {
    expect(runs.length).toBe(results.length);
    expect(runs.length).toBeGreaterThan(60);
  });

  for (const file of runs) {
    it(file, () => {
      const [scheduler, version] = file.replace(/\.csv$/, '').split('-') as [string, string];
      const row = results.find((r) => r.scheduler === scheduler && r.run_dir!.endsWith(`/${version}`));
      expect(row, `seed-results.csv row for ${file}`).toBeDefined();
      const logged = readCsv(join(REFERENCE, 'seed-runs', file)).filter((r) => r['lr-AdamW']).map((r) => Number(r['lr-AdamW']));
      // One LR per epoch started: a run stopped early (CosineAnnealingLRWarmup version_18, 34
      // epochs) logged the LR of the epoch it did not finish too.
      expect(logged.length - Number(row!.epochs_logged)).toBeOneOf([0, 1]);

      const epochs = Number(row!.epochs_logged);
      const spec = studySpec(scheduler, Number(row!.base_lr_or_max_lr), Number(row!.T_0));
      const { lr, momentum } = fromTorch(spec, { unit: 'epoch', run: { epochs: Math.max(epochs, 100), stepsPerEpoch: 87 } });
      let worst = 0;
      logged.forEach((want, epoch) => {
        worst = Math.max(worst, Math.abs(lr.at(epoch) - want) / want);
        // Stepped per epoch: the LR holds through the epoch.
        expect(lr.at(epoch + 0.5)).toBe(lr.at(epoch));
      });
      errors.push(worst);
      // The logs print full doubles; the only error above 1e-15 comes from OneCycle runs whose
      // max_lr seed-results.csv prints with 16 digits (e.g. 0.0002154434690031).
      expect(worst, `max relative error over ${logged.length} epochs`).toBeLessThan(scheduler === 'OneCycleLR' ? 1e-12 : 1e-14);
      if (scheduler === 'OneCycleLR') {
        // OneCycle also cycled AdamW's beta1: 0.95 at the start, 0.85 at the peak (epoch 29).
        expect(momentum!.at(0)).toBeCloseTo(0.95, 15);
        expect(momentum!.at(29)).toBeCloseTo(0.85, 12);
      }
    });
  }

  it('over all runs the largest relative error is below 1e-12 (the brief allows 1e-6)', () => {
    expect(errors.length).toBe(runs.length);
    expect(Math.max(...errors)).toBeLessThan(1e-12);
  });
});
