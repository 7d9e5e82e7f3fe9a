import { checkNumber, isRecord, type Check, type NumberRange } from '../check.js';
import { HyperscheduleError } from '../errors.js';

/**
 * Anything that holds a current numeric value which may change between optimizer updates — a
 * parameter from `param()` is one. Optimizers read `.value` once per update.
 */
export interface ValueSource {
  readonly value: number;
  /**
   * The sources a derived value reads (e.g. `grouped`'s base and group values), so `hook` can
   * find parameters wrapped inside it and register them with its session.
   */
  readonly sources?: readonly NumberOrSource[];
}

/**
 * A hyperparameter as optimizers and controllers accept it: a plain number or a live
 * {@link ValueSource}.
 */
export type NumberOrSource = number | ValueSource;

/**
 * The current value of a {@link NumberOrSource}.
 *
 * @example
 * ```ts
 * import { readValue } from './value-source.js';
 * readValue(0.1);            // 0.1
 * readValue({ value: 0.2 }); // 0.2
 * ```
 */
export function readValue(source: NumberOrSource): number {
  return typeof source === 'number' ? source : source.value;
}

/**
 * Reads a {@link NumberOrSource} argument: a number inside `range`, or an object with a numeric
 * `value` (checked against `range` now, read live later).
 *
 * @example
 * ```ts
 * import { checkNumberOrSource } from './value-source.js';
 * checkNumberOrSource({ ge: 0 })(0.05, 'adaptiveMomentum.lr'); // 0.05
 * ```
 */
export function checkNumberOrSource(range: NumberRange = {}): Check<NumberOrSource> {
  const number = checkNumber(range);
  return (value, field) => {
    if (typeof value === 'number') return number(value, field);
    if (isRecord(value) && typeof value.value === 'number') {
      number(value.value, `${field}.value`);
      return value as unknown as ValueSource;
    }
    throw new HyperscheduleError(field, value, 'a number or a ValueSource ({ value })');
  };
}
