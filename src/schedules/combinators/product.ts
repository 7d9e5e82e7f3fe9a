import type { ScheduleCodec } from '../codec.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, checkSpecUnit, decodeChildren, sharedUnit } from './common.js';

/**
 * The pointwise product of schedules, e.g. a base LR times factor schedules (PyTorch
 * `ChainedScheduler`, whose children each multiply the LR by their factor).
 *
 * @example
 * ```ts
 * import { constant, linear, product } from 'hyperschedule';
 * const lr = product([constant({ value: 0.1 }), linear({ init: 1, end: 0, duration: 100 })]);
 * lr.at(50); // 0.05
 * ```
 */
export function product(schedules: readonly Schedule[]): Schedule {
  const { children, unit } = sharedUnit(schedules, 'product');
  const n = children.length;
  return Object.freeze({
    type: 'product',
    unit,
    at(t: number): number {
      let value = 1;
      for (let i = 0; i < n; i++) value *= children[i]!.at(t);
      return value;
    },
    toJSON(): ScheduleSpec {
      return { type: 'product', unit, schedules: children.map(childSpec) };
    },
  });
}

/**
 * Rebuilds a {@link product} from `{ type: 'product', schedules: [...] }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'product', schedules: [{ type: 'constant', value: 2 }, { type: 'constant', value: 3 }] }).at(0); // 6
 * ```
 */
export const productCodec: ScheduleCodec = {
  type: 'product',
  decode(spec, ctx) {
    checkFields(spec, ['schedules']);
    const result = product(decodeChildren(spec, 'schedules', ctx.fromJSON));
    checkSpecUnit(spec, result.unit);
    return result;
  },
};
