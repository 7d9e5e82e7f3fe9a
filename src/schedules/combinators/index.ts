import type { ScheduleCodec } from '../codec.js';
/** Codecs of every combinator, for `fromJSON`. */
export const COMBINATOR_CODECS: readonly ScheduleCodec[] = [];
