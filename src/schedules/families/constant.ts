import { defineFamily, type UnitArg } from '../define.js';

/** Arguments of {@link constant}. */
export interface ConstantArgs extends UnitArg {
  /** The value at every time (optax `value`). */
  readonly value: number;
}

/**
 * The same value at every time (PyTorch with no scheduler, optax `constant_schedule`).
 *
 * @example
 * ```ts
 * import { constant } from 'hyperschedule';
 * constant({ value: 0.1 }).at(1000); // 0.1
 * ```
 */
export const constant = defineFamily<ConstantArgs>('constant', ['value'], (r) => {
  const value = r.number('value');
  return { spec: { value }, end: 0, at: () => value };
});
