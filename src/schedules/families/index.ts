import type { ScheduleCodec } from '../codec.js';
import { constantCodec } from './constant.js';
import { cosineCodec } from './cosine.js';
import { cosineWarmRestartsCodec } from './cosine-warm-restarts.js';
import { cyclicCodec } from './cyclic.js';
import { exponentialDecayCodec } from './exponential-decay.js';
import { linearCodec } from './linear.js';
import { multiStepDecayCodec } from './multi-step-decay.js';
import { oneCycleCodec, oneCycleMomentumCodec } from './one-cycle.js';
import { polynomialCodec } from './polynomial.js';
import { stepDecayCodec } from './step-decay.js';
import { inverseTimeCodec } from './inverse-time.js';
import { inverseSqrtCodec } from './inverse-sqrt.js';
import { warmupStableDecayCodec } from './warmup-stable-decay.js';
import { tanhDecayCodec } from './tanh-decay.js';
import { withNoiseCodec } from './with-noise.js';
import { piecewiseConstantCodec } from './piecewise-constant.js';
import { piecewiseLinearCodec } from './piecewise-linear.js';
import { lambdaCodec } from './lambda.js';

export type { FamilyOptions, UnitArg } from './family.js';
export * from './constant.js';
export * from './step-decay.js';
export * from './multi-step-decay.js';
export * from './exponential-decay.js';
export * from './linear.js';
export * from './polynomial.js';
export * from './cosine.js';
export * from './cosine-warm-restarts.js';
export * from './cyclic.js';
export * from './one-cycle.js';
export * from './inverse-time.js';
export * from './inverse-sqrt.js';
export * from './warmup-stable-decay.js';
export * from './tanh-decay.js';
export * from './with-noise.js';
export * from './piecewise-constant.js';
export * from './piecewise-linear.js';
export * from './lambda.js';

/**
 * Codecs of every schedule family, for `fromJSON`.
 *
 * @example
 * ```ts
 * import { FAMILY_CODECS } from 'hyperschedule';
 * FAMILY_CODECS.map((c) => c.type).includes('cosine'); // true
 * ```
 */
export const FAMILY_CODECS: readonly ScheduleCodec[] = Object.freeze([
  constantCodec,
  stepDecayCodec,
  multiStepDecayCodec,
  exponentialDecayCodec,
  linearCodec,
  polynomialCodec,
  cosineCodec,
  cosineWarmRestartsCodec,
  cyclicCodec,
  oneCycleCodec,
  oneCycleMomentumCodec,
  inverseTimeCodec,
  inverseSqrtCodec,
  warmupStableDecayCodec,
  tanhDecayCodec,
  withNoiseCodec,
  piecewiseConstantCodec,
  piecewiseLinearCodec,
  lambdaCodec,
]);
