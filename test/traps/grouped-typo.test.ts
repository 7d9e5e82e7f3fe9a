/**
 * Trap (issue 10, one validation vocabulary): a `grouped` group with a misspelled key
 * (`{ match: 'bias', vale: 0 }` or `{ match, scal: 0.1 }`) and a group giving both `value` and
 * `scale` used to be read without a word (the typo ignored, `scale` silently winning). Groups are
 * read like every other options object now: unknown keys refused with the closest accepted one.
 */
import { describe, expect, it } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import { grouped } from '../../src/values/grouped.js';

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

describe('grouped groups are read like every options object', () => {
  it('a misspelled key is refused, naming it and the closest accepted one', () => {
    const e = errorOf(() => grouped(0.05, [{ match: 'bias', value: 0, scal: 0.1 } as never]));
    expect(e.field).toBe('grouped.groups.0.scal');
    expect(e.allowed).toContain('did you mean "scale"?');
  });

  it('value and scale together are refused (one of them would be ignored)', () => {
    expect(errorOf(() => grouped(0.05, [{ match: 'bias', value: 0, scale: 0.1 } as never])).field).toBe('grouped.groups.0');
  });

  it('a group that is not an object is refused naming its index', () => {
    expect(errorOf(() => grouped(0.05, [null as never])).field).toBe('grouped.groups.0');
  });

  it('well-formed groups still work', () => {
    const wd = grouped(0.05, [{ match: 'bias', value: 0 }, { match: 'embedding', scale: 0.5 }]);
    expect(wd.valueFor('dense/bias')).toBe(0);
    expect(wd.valueFor('embedding/embeddings')).toBe(0.025);
    expect(wd.valueFor('dense/kernel')).toBe(0.05);
  });
});
