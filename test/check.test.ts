import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkKnownKeys, checkNumber, checkObject, checkOptions, closestName } from '../src/check.js';
import { HyperscheduleError } from '../src/errors.js';

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

describe('closestName', () => {
  it('finds typos, case and snake_case spellings of an accepted name', () => {
    expect(closestName('unti', ['unit', 'run'])).toBe('unit');
    expect(closestName('rn', ['run', 'lambdas'])).toBe('run');
    expect(closestName('T_max', ['tMax', 'etaMin'])).toBe('tMax');
    expect(closestName('step_size', ['stepSize', 'gamma'])).toBe('stepSize');
    expect(closestName('stepsPerEpochs', ['epochs', 'stepsPerEpoch', 'totalSteps'])).toBe('stepsPerEpoch');
    expect(closestName('learningrate', ['learningRate', 'momentum'])).toBe('learningRate');
  });

  it('suggests nothing for a name unlike every accepted one', () => {
    expect(closestName('xyz', ['unit', 'run'])).toBeUndefined();
    expect(closestName('', ['unit'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });

  it('is fast on a 10 MB name', () => {
    const start = performance.now();
    expect(closestName('u'.repeat(10 * 1024 * 1024), ['unit', 'run'])).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('only ever suggests one of the candidates (property)', () => {
    fc.assert(fc.property(fc.string(), fc.array(fc.string({ minLength: 1 }), { maxLength: 6 }), (name, candidates) => {
      const found = closestName(name, candidates);
      if (found !== undefined) expect(candidates).toContain(found);
    }));
  });
});

describe('unknown keys: one refusal for every reader', () => {
  it('checkKnownKeys names the key, lists the accepted ones and suggests the closest', () => {
    const e = errorOf(() => checkKnownKeys({ unit: 'step', unti: 'epoch' }, 'fromTorch.options', ['unit', 'run']));
    expect(e.field).toBe('fromTorch.options.unti');
    expect(e.message).toBe('fromTorch.options.unti: got "epoch", expected no such field; accepted: unit, run (did you mean "unit"?)');
    expect(() => checkKnownKeys({ unit: 'step' }, 'x', ['unit', 'run'])).not.toThrow();
  });

  it('checkObject refuses them the same way', () => {
    const read = checkObject({ step: checkNumber({ ge: 0 }), value: checkNumber() });
    const e = errorOf(() => read({ step: 1, value: 2, vaule: 3 }, 'history[0]'));
    expect(e.field).toBe('history[0].vaule');
    expect(e.allowed).toBe('no such field; accepted: step, value (did you mean "value"?)');
  });

  it('checkOptions refuses a non-object naming the accepted fields, and unknown keys the same way', () => {
    expect(errorOf(() => checkOptions(7, 'fromJSON.options', ['run', 'lambdas'])).message).toBe('fromJSON.options: got 7, expected an object { run, lambdas }');
    expect(errorOf(() => checkOptions([], 'o', ['run'])).field).toBe('o');
    expect(errorOf(() => checkOptions({ rn: 1 }, 'o', ['run'])).allowed).toBe('no such field; accepted: run (did you mean "run"?)');
    const options = { run: 1 };
    expect(checkOptions(options, 'o', ['run'])).toBe(options);
  });
});
