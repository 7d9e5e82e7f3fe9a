import { HyperscheduleError } from '../../errors.js';
import type { ScheduleCodec } from '../codec.js';
import { resolveDuration, type Duration } from '../duration.js';
import type { Schedule, ScheduleSpec } from '../schedule.js';
import { checkFields, childSpec, checkSpecUnit, decodeChildren, sharedUnit, type ResolveOptions } from './common.js';

/**
 * Joins schedules in sequence: child `i` runs on `[b[i-1], b[i])` in local time `t - b[i-1]`
 * (optax `join_schedules`, PyTorch `SequentialLR`: each child restarts at its own time 0 at its
 * boundary). `boundaries` are strictly increasing, non-negative and one fewer than `schedules`.
 *
 * @example
 * ```ts
 * import { constant, linear, sequence } from 'hyperschedule';
 * const lr = sequence([linear({ init: 0, end: 1, duration: 10 }), constant({ value: 0.5 })], [10]);
 * lr.at(5);  // 0.5  (first child at local time 5)
 * lr.at(10); // 0.5  (second child at local time 0)
 * ```
 */
export function sequence(schedules: readonly Schedule[], boundaries: readonly Duration[], resolve?: ResolveOptions): Schedule {
  const { children, unit } = sharedUnit(schedules, 'sequence');
  if (!Array.isArray(boundaries) || boundaries.length !== children.length - 1) {
    throw new HyperscheduleError('sequence.boundaries', boundaries, `an array of ${children.length - 1} boundaries (one fewer than schedules)`);
  }
  const ends = new Float64Array(boundaries.length);
  boundaries.forEach((b, i) => {
    const value = resolveDuration(b, unit, resolve?.run, `sequence.boundaries[${i}]`);
    if (i > 0 && !(value > ends[i - 1]!)) {
      throw new HyperscheduleError(`sequence.boundaries[${i}]`, b, `a boundary > boundaries[${i - 1}] = ${ends[i - 1]!} (strictly increasing)`);
    }
    ends[i] = value;
  });
  const last = children.length - 1;
  const lastStart = last > 0 ? ends[last - 1]! : 0;

  return Object.freeze({
    type: 'sequence',
    unit,
    at(time: number): number {
      const t = time > 0 ? time : 0; // negative and NaN time count as 0
      // Few children in practice: a linear scan beats a binary search and allocates nothing.
      for (let i = 0; i < last; i++) {
        if (t < ends[i]!) return children[i]!.at(i === 0 ? t : t - ends[i - 1]!);
      }
      return children[last]!.at(t - lastStart);
    },
    toJSON(): ScheduleSpec {
      return { type: 'sequence', unit, schedules: children.map(childSpec), boundaries: Array.from(ends) };
    },
  });
}

/**
 * Rebuilds a {@link sequence} from `{ type: 'sequence', schedules: [...], boundaries: [...] }`.
 *
 * @example
 * ```ts
 * import { fromJSON } from 'hyperschedule';
 * fromJSON({ type: 'sequence', schedules: [{ type: 'constant', value: 1 }, { type: 'constant', value: 2 }], boundaries: [3] }).at(3); // 2
 * ```
 */
export const sequenceCodec: ScheduleCodec = {
  type: 'sequence',
  decode(spec, ctx) {
    checkFields(spec, ['schedules', 'boundaries']);
    const children = decodeChildren(spec, 'schedules', ctx.fromJSON);
    const boundaries = spec.boundaries;
    if (!Array.isArray(boundaries) || !boundaries.every((b) => typeof b === 'number' || typeof b === 'string')) {
      throw new HyperscheduleError('sequence.boundaries', boundaries, 'an array of numbers or time strings');
    }
    const result = sequence(children, boundaries as Duration[], ctx.run ? { run: ctx.run } : undefined);
    checkSpecUnit(spec, result.unit);
    return result;
  },
};
