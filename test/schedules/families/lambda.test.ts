import { afterEach, describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import { lambda, registerLambda, registeredLambdas, unregisterLambda } from '../../../src/schedules/families/index.js';
import { fromJSON } from '../../../src/schedules/json.js';

afterEach(() => {
  for (const name of registeredLambdas()) unregisterLambda(name);
});

describe('lambda', () => {
  it('evaluates the user function and stores only its name', () => {
    const s = lambda({ name: 'halving', fn: (t) => 0.1 / 2 ** Math.floor(t / 10), unit: 'epoch' });
    expect(s.at(25)).toBe(0.025);
    expect(s.at(-3)).toBe(0.1);
    expect(s.toJSON()).toEqual({ type: 'lambda', unit: 'epoch', name: 'halving' });
    expect(fromJSON(s.toJSON()).at(25)).toBe(0.025);
  });

  it('rebuilds from a registered name and reports an unregistered one clearly', () => {
    registerLambda('warm', (t) => Math.min(1, t / 10));
    expect(fromJSON({ type: 'lambda', name: 'warm' }).at(5)).toBe(0.5);
    let caught: unknown;
    try {
      fromJSON({ type: 'lambda', name: 'missing' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HyperscheduleError);
    expect((caught as Error).message).toMatch(/^lambda\.name: got "missing", expected a name registered with registerLambda.*warm/);
  });

  it('refuses a non-finite result instead of passing NaN on', () => {
    const s = lambda({ name: 'bad', fn: (t) => (t > 5 ? Number.NaN : 1) });
    expect(s.at(1)).toBe(1);
    expect(() => s.at(6)).toThrow(HyperscheduleError);
  });

  it('validates the name and the function', () => {
    expect(() => registerLambda('', () => 1)).toThrow(/registerLambda\.name/);
    expect(() => registerLambda('x', 3 as never)).toThrow(/registerLambda\.fn/);
    expect(() => lambda({ name: 5 as never })).toThrow(/lambda\.name/);
  });
});
