import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../../src/errors.js';
import { lambda } from '../../../src/schedules/families/index.js';
import { fromJSON } from '../../../src/schedules/json.js';

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

const halving = (t: number): number => 0.1 / 2 ** Math.floor(t / 10);

describe('lambda', () => {
  it('evaluates the user function and stores only its name', () => {
    const s = lambda({ name: 'halving', fn: halving, unit: 'epoch' });
    expect(s.at(25)).toBe(0.025);
    expect(s.at(-3)).toBe(0.1);
    expect(s.toJSON()).toEqual({ type: 'lambda', unit: 'epoch', name: 'halving' });
  });

  it('is rebuilt with the function passed to fromJSON, not from a global registry', () => {
    const spec = lambda({ name: 'halving', fn: halving }).toJSON();
    expect(fromJSON(spec, { lambdas: { halving } }).at(25)).toBe(0.025);
    // Building a lambda leaves nothing behind: without the option the name is unknown.
    expect(errorOf(() => fromJSON(spec)).field).toBe('lambda.name');
    // Two decodes of the same spec may use different functions.
    expect(fromJSON(spec, { lambdas: { halving: () => 7 } }).at(25)).toBe(7);
  });

  it('names the field and the names that were given when a spec names an unknown lambda', () => {
    const e = errorOf(() => fromJSON({ type: 'lambda', name: 'missing' }, { lambdas: { warm: (t) => t, cool: (t) => -t } }));
    expect(e.field).toBe('lambda.name');
    expect(e.message).toMatch(/^lambda\.name: got "missing", expected one of fromJSON's lambdas: cool, warm$/);
    expect(errorOf(() => fromJSON({ type: 'lambda', name: 'missing' })).message).toContain('none given');
    // Nested specs too.
    const nested = errorOf(() => fromJSON({ type: 'warmup', duration: 2, from: 0, schedule: { type: 'lambda', name: 'x' } }));
    expect(nested.field).toBe('lambda.name');
    // An inherited property is not a given function.
    expect(errorOf(() => fromJSON({ type: 'lambda', name: 'toString' }, { lambdas: {} })).field).toBe('lambda.name');
  });

  it('refuses a non-finite result instead of passing NaN on', () => {
    const s = lambda({ name: 'bad', fn: (t) => (t > 5 ? Number.NaN : 1) });
    expect(s.at(1)).toBe(1);
    expect(() => s.at(6)).toThrow(HyperscheduleError);
  });

  it('validates the name, the function and the lambdas option', () => {
    expect(errorOf(() => lambda({ name: '', fn: halving })).field).toBe('lambda.name');
    expect(errorOf(() => lambda({ name: 5 as never, fn: halving })).field).toBe('lambda.name');
    expect(errorOf(() => lambda({ name: 'x', fn: 3 as never })).field).toBe('lambda.fn');
    expect(errorOf(() => fromJSON({ type: 'lambda', name: 'x', fn: 'f' })).field).toBe('lambda.fn');
    expect(errorOf(() => fromJSON({ type: 'lambda', name: 'x' }, { lambdas: { x: 3 as never } })).field).toBe('fromJSON.options.lambdas.x');
  });
});
