/**
 * Anything that holds a current numeric value which may change between optimizer updates — a
 * `ScheduledParameter` satisfies it. Optimizers read `.value` once per update.
 *
 * @example
 * ```ts
 * import type { ValueSource } from 'hyperschedule';
 * const fixed: ValueSource = { value: 1e-3 };
 * ```
 */
export interface ValueSource {
  readonly value: number;
}

/**
 * A hyperparameter as optimizers accept it: a plain number or a live {@link ValueSource}.
 *
 * @example
 * ```ts
 * import type { NumberOrSource } from 'hyperschedule';
 * const lr: NumberOrSource = 3e-4;
 * ```
 */
export type NumberOrSource = number | ValueSource;

/**
 * The current value of a {@link NumberOrSource}.
 *
 * @example
 * ```ts
 * import { readValue } from 'hyperschedule';
 * readValue(0.1);            // 0.1
 * readValue({ value: 0.2 }); // 0.2
 * ```
 */
export function readValue(source: NumberOrSource): number {
  return typeof source === 'number' ? source : source.value;
}
