import { HyperscheduleError } from '../errors.js';
import type { ScheduleCodec } from './codec.js';
import { BATCH_CODECS } from './batch/index.js';
import { COMBINATOR_CODECS } from './combinators/index.js';
import type { RunLength } from './duration.js';
import { FAMILY_CODECS } from './families/index.js';
import type { Schedule, ScheduleSpec } from './schedule.js';

const CODECS: ReadonlyMap<string, ScheduleCodec> = new Map(
  [...FAMILY_CODECS, ...COMBINATOR_CODECS, ...BATCH_CODECS].map((codec) => [codec.type, codec]),
);

/**
 * Every schedule `type` that {@link fromJSON} understands, sorted.
 *
 * @example
 * ```ts
 * import { scheduleTypes } from 'hyperschedule';
 * scheduleTypes().includes('cosine'); // true
 * ```
 */
export function scheduleTypes(): string[] {
  return [...CODECS.keys()].sort();
}

/**
 * Rebuilds a schedule from its JSON spec (the output of `schedule.toJSON()`, or a hand-written
 * config). Time strings in durations are resolved with `run`.
 *
 * @example
 * ```ts
 * import { cosine, fromJSON } from 'hyperschedule';
 * const s = fromJSON(cosine({ init: 0.1, duration: 100 }).toJSON());
 * s.at(50); // 0.05
 * fromJSON({ type: 'cosine', init: 0.1, duration: '0.5dur' }, { run: { totalSteps: 200 } }).at(50); // 0.05
 * ```
 */
export function fromJSON(spec: unknown, options: { run?: RunLength } = {}): Schedule {
  const decode = (child: unknown, path: string): Schedule => {
    if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      throw new HyperscheduleError(path, child, 'a schedule spec object with a "type" field');
    }
    const type = (child as { type?: unknown }).type;
    const codec = typeof type === 'string' ? CODECS.get(type) : undefined;
    if (!codec) throw new HyperscheduleError(`${path}.type`, type, `one of ${scheduleTypes().join(', ')}`);
    return codec.decode(child as ScheduleSpec, {
      ...(options.run ? { run: options.run } : {}),
      // The optional key ("schedules[1]") lets combinators name where a bad child sits.
      fromJSON: (grandchild: ScheduleSpec, key?: string) => decode(grandchild, `${path}.${String(type)}${key === undefined ? '' : `.${key}`}`),
    });
  };
  return decode(spec, 'spec');
}
