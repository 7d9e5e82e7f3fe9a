import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerOption } from '../../../src/node/cli/integer-option.js';

describe('integerOption', () => {
  const parse = integerOption(1, 1000);

  it('reads decimal digits and exponent notation that names an integer', () => {
    expect(['7', '1000', '1e3', '1E3', '1e+2', '2.5e2', '10.0'].map(parse)).toEqual([7, 1000, 1000, 1000, 100, 250, 10]);
  });

  it('refuses other bases, separators, signs, spaces, trailing text, fractions and out-of-range values', () => {
    for (const text of ['0x10', '0o7', '0b11', '1_000', '+5', '-5', ' 5', '5 ', '5abc', '', '1.5', '1e-1', 'Infinity', 'NaN', '0', '1001', '1e400', '٣']) {
      expect(() => parse(text), text).toThrowError(new InvalidArgumentError('expected a decimal integer in [1, 1000] (e.g. 5000 or 5e3)'));
    }
  });
});
