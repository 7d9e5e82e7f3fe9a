import { InvalidArgumentError } from 'commander';

/** Decimal digits with an optional fraction and exponent: `5000`, `5e3`, `2.5e2`. No sign, no spaces, no `0x`. */
const DECIMAL = /^[0-9]+(?:\.[0-9]+)?(?:[eE]\+?[0-9]+)?$/;

/**
 * A commander argument parser for an integer option in `[min, max]`, written in decimal (`5000`,
 * or exponent notation naming an integer: `5e3`). Hex, octal and binary prefixes, separators
 * (`1_000`), signs, spaces and trailing text are refused — `Number()` alone would read `0x10` as
 * 16 and `' 5'` as 5. Commander prefixes the error with the option and the argument.
 *
 * @example
 * ```ts
 * import { integerOption } from './integer-option.js';
 * const steps = integerOption(1, 1e9);
 * steps('5e3'); // 5000
 * // steps('0x10') throws: expected a decimal integer in [1, 1000000000] (e.g. 5000 or 5e3)
 * ```
 */
export function integerOption(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a decimal integer in [${min}, ${max}] (e.g. 5000 or 5e3)`);
    }
    return value;
  };
}
