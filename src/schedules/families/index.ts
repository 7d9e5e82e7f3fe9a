import type { ScheduleCodec } from '../codec.js';
/** Codecs of every schedule family, for `fromJSON`. */
export const FAMILY_CODECS: readonly ScheduleCodec[] = [];
