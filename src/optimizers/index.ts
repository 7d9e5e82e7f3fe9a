/**
 * tfjs optimizers with live hyperparameters (AdamW, Adam, SGD with PyTorch numerics) and an
 * adapter that drives tfjs's own `tf.train.*` optimizers from value sources.
 *
 * @example
 * ```ts
 * import { AdamW } from 'hyperschedule';
 * const opt = new AdamW({ learningRate: { value: 1e-3 }, weightDecay: 0.05 });
 * ```
 * @packageDocumentation
 */
export { AdamW } from './adamw.js';
export { Adam } from './adam.js';
export { AdamCore, type AdamOptions } from './adam-core.js';
export { SGD, type SGDOptions } from './sgd.js';
export { LiveOptimizer } from './live-optimizer.js';
export type { OptimizerValue } from './hyperparameter.js';
export { excludeBiasAndNorm, type WeightDecayExclusion } from './weight-decay-exclusion.js';
export { driveTfOptimizer, stopDrivingTfOptimizer, type TfOptimizerDrive } from './tf-adapter.js';
export { AdamS, type AdamSOptions } from './adams.js';
export { SGDS } from './sgds.js';
