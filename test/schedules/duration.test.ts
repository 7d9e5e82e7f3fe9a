import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperscheduleError, type RunLength, type TimeUnit } from '../../src/index.js';
import { TIME_STRING_MAX_LENGTH, parseTimeString, resolveDuration, scanTimeString } from '../../src/schedules/duration.js';

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

describe('bad input never hangs', () => {
  /** The regex the parser used up to 0.2.0: quadratic on long digit runs (100k digits: 22 s). */
  const OLD_TIME_STRING = /^\s*([+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(ep|ba|sp|dur)\s*$/i;
  const SUFFIX: Record<string, TimeUnit> = { ep: 'epoch', ba: 'step', sp: 'sample', dur: 'progress' };

  const elapsed = (fn: () => unknown): number => {
    const start = performance.now();
    try { fn(); } catch { /* timing only */ }
    return performance.now() - start;
  };

  it('refuses a 100k-digit string and a 1 MB string at once, naming the length limit and quoting only a prefix', () => {
    for (const text of ['1'.repeat(100_000), `${'1'.repeat(100_000)}ep`, ' '.repeat(1 << 20), `${'9'.repeat(1 << 20)}x`]) {
      expect(elapsed(() => parseTimeString(text, 'cosine.duration'))).toBeLessThan(100);
      const e = errorOf(() => parseTimeString(text, 'cosine.duration'));
      expect(e.field).toBe('cosine.duration');
      expect(e.allowed).toContain(`at most ${TIME_STRING_MAX_LENGTH} characters`);
      expect(e.message.length).toBeLessThan(400);
      expect(e.message).toContain(`(${text.length} chars)`);
    }
  });

  it('scans in linear time, even past the length limit: 100k-character inputs take well under 100 ms (the regex took 22 s)', () => {
    const n = 100_000;
    for (const text of ['1'.repeat(n), `${'1'.repeat(n)}.`, `.${'1'.repeat(n)}e`, `1e${'1'.repeat(n)}x`, `1${' '.repeat(n)}x`, `${'1'.repeat(n)}e+`]) {
      expect(elapsed(() => scanTimeString(text))).toBeLessThan(100);
      expect(scanTimeString(text)).toBeUndefined();
    }
    expect(scanTimeString(`${'1'.repeat(n)}ep`)).toEqual({ amount: '1'.repeat(n), suffix: 'ep' });
  });

  it('accepts exactly what the old regex accepted, with the same amount (property over short strings)', () => {
    const piece = fc.constantFrom('0', '1', '7', '.', 'e', 'E', '+', '-', ' ', '\t', 'ep', 'EP', 'ba', 'sp', 'dur', 'Dur', 'x', 'd', 'u', 'r');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), (text) => {
      const match = OLD_TIME_STRING.exec(text);
      let parsed: ReturnType<typeof parseTimeString> | undefined;
      try { parsed = parseTimeString(text); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); }
      if (!match) {
        expect(parsed).toBeUndefined();
        return;
      }
      const amount = Number(match[1]);
      if (!Number.isFinite(amount)) expect(parsed).toBeUndefined();
      else expect(parsed).toEqual({ amount, unit: SUFFIX[match[2]!.toLowerCase()] });
    }), { numRuns: 3000 });
  });

  it('still reads every time string up to the limit', () => {
    const longest = `${' '.repeat(TIME_STRING_MAX_LENGTH - 5)}6ep  `;
    expect(longest.length).toBe(TIME_STRING_MAX_LENGTH);
    expect(parseTimeString(longest)).toEqual({ amount: 6, unit: 'epoch' });
    expect(errorOf(() => parseTimeString(` ${longest}`)).allowed).toContain(`at most ${TIME_STRING_MAX_LENGTH} characters`);
  });
});
