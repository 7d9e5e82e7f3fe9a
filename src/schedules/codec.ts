import type { RunLength } from './duration.js';
import type { Schedule, ScheduleSpec } from './schedule.js';

/**
 * What a codec gets besides its spec: the run length (for time strings) and `fromJSON` itself, so
 * combinators can rebuild their children.
 *
 * @example
 * ```ts
 * import type { DecodeContext } from 'hyperschedule';
 * ```
 */
export interface DecodeContext {
  readonly run?: RunLength;
  readonly fromJSON: (spec: ScheduleSpec, key?: string) => Schedule;
}

/**
 * Rebuilds one schedule `type` from its JSON spec. Every family and combinator exports one; the
 * registry in `json.ts` maps `type` to its codec.
 *
 * @example
 * ```ts
 * import type { ScheduleCodec } from 'hyperschedule';
 * ```
 */
export interface ScheduleCodec {
  readonly type: string;
  readonly decode: (spec: ScheduleSpec, context: DecodeContext) => Schedule;
}
