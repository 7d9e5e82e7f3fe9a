import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError, type RunLength, type TimeUnit } from '../../src/index.js';
import { parseTimeString, resolveDuration } from '../../src/schedules/duration.js';

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

describe('parseTimeString', () => {
  it('reads every Composer suffix, decimals, exponents, case and spaces', () => {
    expect(parseTimeString('6ep')).toEqual({ amount: 6, unit: 'epoch' });
    expect(parseTimeString('500ba')).toEqual({ amount: 500, unit: 'step' });
    expect(parseTimeString('1e6sp')).toEqual({ amount: 1e6, unit: 'sample' });
    expect(parseTimeString('0.1dur')).toEqual({ amount: 0.1, unit: 'progress' });
    expect(parseTimeString('.5dur')).toEqual({ amount: 0.5, unit: 'progress' });
    expect(parseTimeString(' 2.5 EP ')).toEqual({ amount: 2.5, unit: 'epoch' });
    expect(parseTimeString('+3ba')).toEqual({ amount: 3, unit: 'step' });
    expect(parseTimeString('2.5e-1dur')).toEqual({ amount: 0.25, unit: 'progress' });
  });

  it('parses any non-negative amount written with any suffix', () => {
    const suffixes: Record<string, TimeUnit> = { ep: 'epoch', ba: 'step', sp: 'sample', dur: 'progress' };
    fc.assert(fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom(...Object.keys(suffixes)), (x, suffix) => {
      expect(parseTimeString(`${x}${suffix}`)).toEqual({ amount: x, unit: suffixes[suffix] });
    }));
  });

  it('rejects malformed strings naming the field', () => {
    for (const bad of ['6', 'ep', '6 epochs', '-1ep', '1e999ep', '6ep6', '', 'NaNep', 'Infinityba']) {
      const e = errorOf(() => parseTimeString(bad, 'warmup.duration'));
      expect(e.field).toBe('warmup.duration');
      expect(e.message).toContain(`warmup.duration: got ${JSON.stringify(bad)}, expected`);
    }
  });
});

describe('resolveDuration', () => {
  // 100 epochs of 88 steps of 512 samples.
  const run: RunLength = { epochs: 100, stepsPerEpoch: 88, samplesPerEpoch: 45056 };

  it('converts every unit into every other', () => {
    const cases: [string, TimeUnit, number][] = [
      ['6ep', 'epoch', 6], ['6ep', 'step', 528], ['6ep', 'sample', 270336], ['6ep', 'progress', 0.06],
      ['176ba', 'epoch', 2], ['176ba', 'step', 176], ['176ba', 'sample', 90112], ['880ba', 'progress', 0.1],
      ['90112sp', 'epoch', 2], ['90112sp', 'step', 176], ['90112sp', 'sample', 90112], ['450560sp', 'progress', 0.1],
      ['0.5dur', 'epoch', 50], ['0.5dur', 'step', 4400], ['0.5dur', 'sample', 2252800], ['0.5dur', 'progress', 0.5],
    ];
    for (const [text, unit, expected] of cases) expect(resolveDuration(text, unit, run)).toBeCloseTo(expected, 9);
  });

  it('conversions are consistent: going A -> B equals going A -> epochs -> B', () => {
    const units: TimeUnit[] = ['epoch', 'step', 'sample', 'progress'];
    const suffix: Record<TimeUnit, string> = { epoch: 'ep', step: 'ba', sample: 'sp', progress: 'dur' };
    fc.assert(fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.constantFrom(...units), fc.constantFrom(...units), (x, a, b) => {
      const epochs = resolveDuration(`${x}${suffix[a]}`, 'epoch', run);
      const direct = resolveDuration(`${x}${suffix[a]}`, b, run);
      const viaEpochs = resolveDuration(`${epochs}ep`, b, run);
      expect(Math.abs(direct - viaEpochs)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(direct)));
    }));
  });

  it('passes numbers through (in the target unit) and validates them', () => {
    expect(resolveDuration(250, 'step')).toBe(250);
    expect(resolveDuration(0, 'epoch')).toBe(0);
    expect(resolveDuration('250ba', 'step')).toBe(250);
    expect(errorOf(() => resolveDuration(-1, 'step', undefined, 'x.d')).field).toBe('x.d');
    expect(errorOf(() => resolveDuration(Number.NaN, 'step', undefined, 'x.d')).message).toContain('x.d: got NaN');
    expect(errorOf(() => resolveDuration(Number.POSITIVE_INFINITY, 'step')).field).toBe('duration');
    expect(errorOf(() => resolveDuration(null as unknown as number, 'step', undefined, 'x.d')).field).toBe('x.d');
  });

  it('names the run field a conversion needs when it is missing', () => {
    const missing = (text: string, unit: TimeUnit, r: RunLength | undefined): string => errorOf(() => resolveDuration(text, unit, r, 'warmup.duration')).field;
    expect(missing('6ep', 'step', undefined)).toBe('warmup.duration (run.stepsPerEpoch)');
    expect(missing('6ep', 'step', { epochs: 10 })).toBe('warmup.duration (run.stepsPerEpoch)');
    expect(missing('6ep', 'sample', { stepsPerEpoch: 10 })).toBe('warmup.duration (run.samplesPerEpoch)');
    expect(missing('6ep', 'progress', { stepsPerEpoch: 10 })).toBe('warmup.duration (run.epochs)');
    expect(missing('0.1dur', 'step', { epochs: 10 })).toBe('warmup.duration (run.totalSteps)');
    expect(missing('0.1dur', 'epoch', { stepsPerEpoch: 10 })).toBe('warmup.duration (run.epochs)');
    expect(missing('100sp', 'step', { stepsPerEpoch: 10 })).toBe('warmup.duration (run.samplesPerEpoch)');
    expect(missing('6ep', 'step', { stepsPerEpoch: 0 })).toBe('warmup.duration (run.stepsPerEpoch)');
    const e = errorOf(() => resolveDuration('6ep', 'step', {}, 'warmup.duration'));
    expect(e.message).toBe('warmup.duration (run.stepsPerEpoch): got "6ep", expected a run length with stepsPerEpoch > 0 to resolve this time string');
  });

  it('derives a missing run field from the other two', () => {
    expect(resolveDuration('0.1dur', 'step', { epochs: 10, stepsPerEpoch: 50 })).toBe(50);
    expect(resolveDuration('2ep', 'step', { epochs: 10, totalSteps: 500 })).toBe(100);
    expect(resolveDuration('0.5dur', 'epoch', { totalSteps: 500, stepsPerEpoch: 50 })).toBe(5);
    expect(resolveDuration('100ba', 'progress', { totalSteps: 1000 })).toBe(0.1);
  });

  it('gives whole counts for steps and samples despite float noise', () => {
    // 0.1 * 3 * 1000 = 300.00000000000006 and 0.57 * 100 = 56.99999999999999 in floating point.
    expect(resolveDuration(`${0.1 * 3}dur`, 'step', { totalSteps: 1000 })).toBe(300);
    expect(resolveDuration('0.57dur', 'step', { totalSteps: 100 })).toBe(57);
    // Genuinely fractional results are kept.
    expect(resolveDuration('0.5ep', 'step', { stepsPerEpoch: 3 })).toBe(1.5);
  });
});
