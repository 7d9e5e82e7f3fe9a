/**
 * The one line a failed trial's summary shows: the error, never Node's version footer, a stack
 * frame or an error's printed properties.
 */
import { describe, expect, it } from 'vitest';
import { errorLine, isErrorLine } from '../../../src/node/sweep/error-line.js';

describe('errorLine', () => {
  it('picks the error out of what Node prints for an uncaught error', () => {
    const stderr = [
      'file:///work/examples/vit/trial.ts:41',
      '  const config = parseRunConfig(JSON.parse(json));',
      '                 ^',
      '',
      'HyperscheduleError: run.peakLr: got -1, expected a number > 0',
      '    at fail (file:///work/src/check.ts:12:9)',
      '    at main (file:///work/examples/vit/trial.ts:41:18) {',
      "  field: 'run.peakLr',",
      '  value: -1,',
      "  allowed: 'a number > 0'",
      '}',
      '',
      'Node.js v20.20.2',
    ];
    expect(errorLine(stderr)).toBe('HyperscheduleError: run.peakLr: got -1, expected a number > 0');
  });

  it('knows the usual shapes of an error line, and what is not one', () => {
    for (const line of ['Error: boom', 'TypeError: x is not a function', 'Error [ERR_MODULE_NOT_FOUND]: Cannot find package', 'ValueError: bad shape', 'error: unknown option', 'Uncaught RangeError: Maximum call stack size exceeded']) {
      expect(isErrorLine(line), line).toBe(true);
    }
    for (const line of ['Node.js v20.20.2', '    at main (x.ts:1:1)', 'epoch 3: train loss 0.2', "  field: 'lr',", 'no errors so far: good']) {
      expect(isErrorLine(line), line).toBe(false);
    }
  });

  it('falls back to the last line that says something, and shortens long lines', () => {
    expect(errorLine(['Killed: out of memory', '', 'Node.js v20.20.2'])).toBe('Killed: out of memory');
    expect(errorLine(['', '    at x (y.js:1:1)', 'Node.js v20.20.2'])).toBeUndefined();
    expect(errorLine([`Error: ${'x'.repeat(10_000)}`])).toHaveLength(300);
  });
});
