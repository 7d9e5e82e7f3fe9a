import { checkNumber, type NumberRange } from '../check.js';
import { isGroupedValueSource, type GroupedValueSource } from '../values/grouped.js';
import { checkNumberOrSource, type NumberOrSource } from '../values/value-source.js';

/**
 * What an optimizer field accepts: a number, a live `ValueSource`, or a `GroupedValueSource`
 * (per-variable values via `valueFor(variableName)`; listed so object literals with `valueFor`
 * type-check).
 *
 * @example
 * ```ts
 * import type { OptimizerValue } from 'hyperschedule';
 * const wd: OptimizerValue = { value: 0.05, valueFor: (n) => (n.endsWith('/bias') ? 0 : 0.05) };
 * ```
 */
export type OptimizerValue = NumberOrSource | GroupedValueSource;

/** Finite and >= 0 (learning rate, weight decay, momentum). */
export const NON_NEGATIVE: NumberRange = { ge: 0 };

/** Finite and > 0 (Adam's epsilon: with 0, a zero gradient gives 0 / 0 = NaN weights). */
export const POSITIVE: NumberRange = { gt: 0 };

/** In [0, 1) (Adam's betas). */
export const UNIT_HALF_OPEN: NumberRange = { ge: 0, lt: 1 };

/** In [0, 1] (SGD's dampening). */
export const UNIT_CLOSED: NumberRange = { ge: 0, le: 1 };

/**
 * A hyperparameter as read for one update: a number for every variable, or a per-variable lookup
 * (already validating) for a `GroupedValueSource`.
 *
 * @example
 * ```ts
 * import type { FieldValue } from './hyperparameter.js';
 * const lr: FieldValue = 1e-3;
 * ```
 */
export type FieldValue = number | ((variableName: string) => number);

/**
 * Throws a {@link HyperscheduleError} unless `value` is a number in `range`; returns it otherwise.
 *
 * @example
 * ```ts
 * import { checkValue, NON_NEGATIVE } from './hyperparameter.js';
 * checkValue('AdamW.learningRate', 1e-3, NON_NEGATIVE); // 1e-3
 * ```
 */
export function checkValue(field: string, value: unknown, range: NumberRange): number {
  return checkNumber(range)(value, field);
}

/**
 * Reads a hyperparameter once for an update: the source's current value (validated), or for a
 * `GroupedValueSource` a function that reads and validates `valueFor(name)`.
 *
 * @example
 * ```ts
 * import { readField, NON_NEGATIVE } from './hyperparameter.js';
 * readField({ value: 0.01 }, 'SGD.learningRate', NON_NEGATIVE); // 0.01
 * ```
 */
export function readField(source: NumberOrSource, field: string, range: NumberRange): FieldValue {
  if (isGroupedValueSource(source)) {
    return (name: string) => checkValue(`${field}[${name}]`, source.valueFor(name), range);
  }
  return currentValue(source, field, range);
}

/**
 * The value of a {@link FieldValue} for one variable.
 *
 * @example
 * ```ts
 * import { fieldFor } from './hyperparameter.js';
 * fieldFor(0.1, 'dense/kernel');                  // 0.1
 * fieldFor((n) => (n.endsWith('bias') ? 0 : 0.1), 'dense/bias'); // 0
 * ```
 */
export function fieldFor(value: FieldValue, variableName: string): number {
  return typeof value === 'number' ? value : value(variableName);
}

/**
 * The default (`.value`) of a source, for configs; validated like an update would.
 *
 * @example
 * ```ts
 * import { currentValue, NON_NEGATIVE } from './hyperparameter.js';
 * currentValue({ value: 3e-4 }, 'AdamW.learningRate', NON_NEGATIVE); // 3e-4
 * ```
 */
export function currentValue(source: NumberOrSource, field: string, range: NumberRange): number {
  return checkValue(field, typeof source === 'number' ? source : source?.value, range);
}

/**
 * Checks a constructor argument: a number in `range`, or an object with a numeric `value` (a
 * {@link ValueSource}; its value is checked too, so a bad default fails at construction).
 *
 * @example
 * ```ts
 * import { checkSource, NON_NEGATIVE } from './hyperparameter.js';
 * checkSource('SGD.learningRate', { value: 0.1 }, NON_NEGATIVE);
 * ```
 */
export function checkSource(field: string, source: unknown, range: NumberRange): NumberOrSource {
  return checkNumberOrSource(range)(source, field);
}
