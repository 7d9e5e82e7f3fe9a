/**
 * The variants as data: every one builds for both steppings, round-trips through JSON, and — run
 * with the study's own settings (100 epochs, per-epoch stepping) — replays the exact LR the
 * reference study logged (../shared/reference/seed-runs/*.csv).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, DEFAULT_VARIANTS, VARIANTS, type VariantContext } from '../../../examples/vit/variants.js';
import { fromJSON } from '../../../src/index.js';
import { REFERENCE_DIR, needReference } from '../helpers.js';

const HAVE_REFERENCE = needReference();

const ctx = (over: Partial<VariantContext> = {}): VariantContext => ({
  peakLr: 5e-3, epochs: 10, stepping: 'step', stepsPerEpoch: 40, samplesPerEpoch: 2700, baseBatch: 64, ...over,
});

function scheduleOf(spec: ReturnType<typeof buildVariant>, name: 'lr' | 'beta1' | 'beta2' | 'weightDecay' | 'batchSize') {
  const h = spec.hparams[name];
  if (h.kind !== 'schedule') throw new Error(`${name} is ${h.kind}`);
  return fromJSON(JSON.parse(JSON.stringify(h.spec)));
}

describe('variants', () => {
  it('include every kind the study compares, and the defaults exist', () => {
    for (const n of DEFAULT_VARIANTS) expect(VARIANTS[n]).toBeDefined();
    expect(Object.values(VARIANTS).filter((v) => v.group === 'beyond-lr').map((v) => v.name).sort()).toEqual(['adaptive-beta1', 'batch-growth', 'scheduled-wd', 'sgd-adaptive-hb']);
  });

  it('every beyond-LR variant has twins that differ from it in that one hyperparameter only (same optimizer, same everything else)', () => {
    // Batch growth replaces the LR decay by batch growth: the LR and the batch size move together by design.
    const moves: Record<string, readonly string[]> = {
      'batch-growth': ['batchSize', 'lr'], 'adaptive-beta1': ['beta1'], 'sgd-adaptive-hb': ['beta1'], 'scheduled-wd': ['weightDecay'],
    };
    const c = ctx();
    for (const v of Object.values(VARIANTS).filter((d) => d.group === 'beyond-lr')) {
      expect(v.twins?.length, v.name).toBeGreaterThan(0);
      const spec = buildVariant(v.name, c);
      for (const twinName of v.twins!) {
        const twin = buildVariant(twinName, c);
        expect(twin.optimizer, `${v.name} vs ${twinName}`).toBe(spec.optimizer);
        const differ = Object.keys(spec.hparams).filter((h) => JSON.stringify(spec.hparams[h as 'lr']) !== JSON.stringify(twin.hparams[h as 'lr'])).sort();
        expect(differ, `${v.name} vs ${twinName}`).toEqual(moves[v.name]);
      }
    }
  });

  it('the SGD variants run SGD with momentum as beta1 (fixed 0.5 / 0.9 / 0.95, or adaptive); AdamW elsewhere', () => {
    const c = ctx();
    for (const v of Object.values(VARIANTS)) expect(buildVariant(v.name, c).optimizer, v.name).toBe(v.name.startsWith('sgd-') ? 'sgd' : 'adamw');
    for (const m of [0.5, 0.9, 0.95]) expect(scheduleOf(buildVariant(`sgd-momentum-${m}`, c), 'beta1').at(7)).toBe(m);
    expect(buildVariant('sgd-adaptive-hb', c).hparams.beta1).toEqual({ kind: 'adaptiveMomentum', delta: 1e-3, initial: 0.9 });
  });

  it('the weight-decay twins of scheduled-wd: a constant from the run config, and lambda / peak LR', () => {
    expect(scheduleOf(buildVariant('adamw-matched-wd', ctx({ weightDecay: 0.17 })), 'weightDecay').at(3)).toBe(0.17);
    expect(scheduleOf(buildVariant('adamw-wd-lambda-over-lr', ctx({ peakLr: 1e-3 })), 'weightDecay').at(3)).toBeCloseTo(0.5, 12);
  });

  it('build, survive JSON, and stay within their hyperparameter ranges (property over run shapes)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...Object.keys(VARIANTS)),
      fc.constantFrom<'epoch' | 'step'>('epoch', 'step'),
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 1, max: 200 }),
      fc.double({ min: 1e-5, max: 1e-1, noNaN: true }),
      (name, stepping, epochs, stepsPerEpoch, peakLr) => {
        const c = ctx({ stepping, epochs, stepsPerEpoch, peakLr, samplesPerEpoch: stepsPerEpoch * 64 });
        const spec = buildVariant(name, c);
        const lr = scheduleOf(spec, 'lr');
        const horizon = stepping === 'epoch' || lr.unit === 'epoch' ? epochs : epochs * stepsPerEpoch;
        let peak = 0;
        for (let i = 0; i <= 50; i++) {
          const t = (horizon * i) / 50;
          const v = lr.at(t);
          expect(v).toBeGreaterThanOrEqual(0);
          // batch-growth scales the LR with the rounded batch: a hair above the peak.
          expect(v).toBeLessThanOrEqual(peakLr * (name === 'batch-growth' ? 1.05 : 1 + 1e-12));
          peak = Math.max(peak, v);
        }
        const b = spec.hparams.batchSize.kind === 'schedule' ? scheduleOf(spec, 'batchSize') : undefined;
        for (let i = 0; i <= 20; i++) {
          const v = b!.at((horizon * i) / 20);
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(64);
          expect(v).toBeLessThanOrEqual(Math.max(64, Math.floor(c.samplesPerEpoch / 10)));
        }
        if (name === 'one-cycle') {
          const m = scheduleOf(spec, 'beta1');
          for (let i = 0; i <= 20; i++) {
            expect(m.at((horizon * i) / 20)).toBeGreaterThanOrEqual(0.85 - 1e-12);
            expect(m.at((horizon * i) / 20)).toBeLessThanOrEqual(0.95 + 1e-12);
          }
        }
      },
    ), { numRuns: 150 });
  });

  it('per-epoch stepping holds every value through an epoch', () => {
    for (const name of Object.keys(VARIANTS)) {
      const spec = buildVariant(name, ctx({ stepping: 'epoch' }));
      for (const h of ['lr', 'beta1', 'batchSize'] as const) {
        if (spec.hparams[h].kind !== 'schedule') continue;
        const s = scheduleOf(spec, h);
        if (h === 'lr') expect(s.unit).toBe('epoch');
        for (let e = 0; e < 10; e++) expect(s.at(e + 0.37)).toBe(s.at(e));
      }
    }
  });

  it('batch growth keeps AdamW\'s SDE noise scale of its cosine + warmup twin (square-root rule): lr/sqrt(B) = lr_twin/sqrt(B0) until B hits N/10', () => {
    const c = ctx({ stepping: 'epoch', epochs: 20, samplesPerEpoch: 6400 });
    const grown = buildVariant('batch-growth', c);
    const twin = scheduleOf(buildVariant('cosine-warmup', c), 'lr');
    const lr = scheduleOf(grown, 'lr');
    const b = scheduleOf(grown, 'batchSize');
    for (let e = 0; e < 20; e++) {
      // lr / sqrt(B) is the same as the twin's (up to the integer rounding of B).
      expect((lr.at(e) / Math.sqrt(b.at(e))) / (twin.at(e) / 8)).toBeCloseTo(1, 1);
    }
    expect(b.at(0)).toBe(64);
    expect(b.at(19)).toBe(640);
  });

  it('refuse a bad run shape naming the field', () => {
    expect(() => buildVariant('constant', ctx({ epochs: 0 }))).toThrow(/variant\.epochs/);
    expect(() => buildVariant('nope', ctx())).toThrow(/variant: got "nope"/);
  });
});

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const keys = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i]!, v])));
}

describe.skipIf(!HAVE_REFERENCE)('with the study\'s settings the variants replay its logged LRs', () => {
  const map: Record<string, string> = {
    ConstantLR: 'constant', ConstantLRWarmup: 'constant-warmup', CosineAnnealingLR: 'cosine', CosineAnnealingLRWarmup: 'cosine-warmup',
    StepLR: 'step', OneCycleLR: 'one-cycle', CosineAnnealingWarmRestarts: 'warm-restarts',
  };
  const results = HAVE_REFERENCE ? readCsv(join(REFERENCE_DIR, 'seed-results.csv')) : [];
  const files = HAVE_REFERENCE ? readdirSync(join(REFERENCE_DIR, 'seed-runs')).filter((f) => f.endsWith('.csv')) : [];
  it('every 100-epoch run, every epoch, to 1e-12 relative', () => {
    let checked = 0;
    for (const file of files) {
      const [scheduler, version] = file.replace(/\.csv$/, '').split('-') as [string, string];
      const row = results.find((r) => r.scheduler === scheduler && r.run_dir!.endsWith(`/${version}`))!;
      if (Number(row.epochs_logged) !== 100) continue; // the study's 200-epoch and stopped runs had other lengths
      const t0 = row.T_0 ? Number(row.T_0) : undefined;
      const spec = buildVariant(map[scheduler]!, {
        peakLr: Number(row.base_lr_or_max_lr), epochs: 100, stepping: 'epoch', stepsPerEpoch: 87, samplesPerEpoch: 45000, baseBatch: 512,
        ...(t0 !== undefined ? { t0 } : {}),
      });
      const lr = scheduleOf(spec, 'lr');
      const logged = readCsv(join(REFERENCE_DIR, 'seed-runs', file)).filter((r) => r['lr-AdamW']).map((r) => Number(r['lr-AdamW']));
      logged.forEach((want, epoch) => expect(Math.abs(lr.at(epoch) - want) / want, `${file} epoch ${epoch}`).toBeLessThan(1e-12));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(60);
  });
});
