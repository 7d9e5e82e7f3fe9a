import type { ScheduleCodec } from '../codec.js';
import { clampCodec } from './clamp.js';
import { productCodec } from './product.js';
import { quantizeCodec } from './quantize.js';
import { repeatCodec } from './repeat.js';
import { scaleCodec } from './scale.js';
import { sequenceCodec } from './sequence.js';
import { shiftCodec } from './shift.js';
import { warmupCodec } from './warmup.js';

export type { ResolveOptions } from './common.js';
export { warmup, warmupCodec, WARMUP_SHAPES, type WarmupOptions, type WarmupShape } from './warmup.js';
export { sequence, sequenceCodec } from './sequence.js';
export { product, productCodec } from './product.js';
export { scale, scaleCodec } from './scale.js';
export { clamp, clampCodec, type ClampOptions } from './clamp.js';
export { shift, shiftCodec } from './shift.js';
export { repeat, repeatCodec } from './repeat.js';
export { quantize, quantizeCodec } from './quantize.js';

/**
 * Codecs of every combinator, for `fromJSON`.
 *
 * @example
 * ```ts
 * import { COMBINATOR_CODECS } from 'hyperschedule';
 * COMBINATOR_CODECS.map((c) => c.type); // ['warmup', 'sequence', 'product', ...]
 * ```
 */
export const COMBINATOR_CODECS: readonly ScheduleCodec[] = [
  warmupCodec, sequenceCodec, productCodec, scaleCodec, clampCodec, shiftCodec, repeatCodec, quantizeCodec,
];
