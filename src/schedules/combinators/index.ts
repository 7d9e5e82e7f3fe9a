export { warmup, type WarmupOptions, type WarmupShape } from './warmup.js';
export { sequence } from './sequence.js';
export { product } from './product.js';
export { scale } from './scale.js';
export { clamp, type ClampOptions } from './clamp.js';
export { shift } from './shift.js';
export { repeat } from './repeat.js';
export { quantize } from './quantize.js';
