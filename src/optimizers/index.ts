/**
 * tfjs optimizers with live hyperparameters (AdamW, Adam, SGD with PyTorch numerics; AdamS and
 * SGDS with scheduled weight decay), and the setter a hook's `apply` uses to drive tfjs's own
 * `tf.train.*` optimizers.
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
export type { AdamOptions } from './adam-core.js';
export { SGD, type SGDOptions } from './sgd.js';
export { AdamS, type AdamSOptions } from './adams.js';
export { SGDS } from './sgds.js';
export type { OptimizerValue } from './hyperparameter.js';
export { excludeBiasAndNorm, type WeightDecayExclusion } from './weight-decay-exclusion.js';
export { setTfOptimizerValues, type TfOptimizerValues } from './tf-train-values.js';
