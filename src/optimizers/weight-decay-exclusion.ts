import { isBiasOrNorm } from '../values/grouped.js';

/**
 * Decides which variables get no weight decay: called with the variable's name (e.g.
 * `"dense_Dense1/bias"`) and shape; `true` means "exclude from weight decay".
 *
 * @example
 * ```ts
 * import type { WeightDecayExclusion } from 'hyperschedule';
 * const noDecayOnEmbeddings: WeightDecayExclusion = (name) => name.includes('embedding');
 * ```
 */
export type WeightDecayExclusion = (variableName: string, shape: readonly number[]) => boolean;


/**
 * The usual "no weight decay on biases and normalisation parameters" rule: excludes every
 * variable of rank <= 1 (biases, LayerNorm/BatchNorm gamma and beta, scalars — the timm/Hugging
 * Face convention) and any variable `isBiasOrNorm` accepts by name (`.../bias`, `.../gamma`,
 * `.../beta`, names containing `norm`). Serialises in optimizer configs as `"biasAndNorm"`.
 *
 * @example
 * ```ts
 * import { AdamW, excludeBiasAndNorm } from 'hyperschedule';
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.05, excludeFromWeightDecay: excludeBiasAndNorm });
 * excludeBiasAndNorm('dense_Dense1/kernel', [784, 10]); // false
 * excludeBiasAndNorm('dense_Dense1/bias', [10]);        // true
 * ```
 */
export const excludeBiasAndNorm: WeightDecayExclusion = (variableName, shape) =>
  shape.length <= 1 || isBiasOrNorm(variableName);

// Name the built-in exclusion takes in a saved config.
const EXCLUSION_CONFIG_NAME = 'biasAndNorm';

/**
 * The config string for a built-in exclusion, or `null` for none / a custom function (functions
 * cannot be saved; a custom exclusion must be passed again after loading).
 *
 * @example
 * ```ts
 * import { exclusionToConfig, excludeBiasAndNorm } from './weight-decay-exclusion.js';
 * exclusionToConfig(excludeBiasAndNorm); // 'biasAndNorm'
 * ```
 */
export function exclusionToConfig(exclusion: WeightDecayExclusion | undefined): string | null {
  return exclusion === excludeBiasAndNorm ? EXCLUSION_CONFIG_NAME : null;
}

/**
 * The exclusion a saved config names (`"biasAndNorm"`), or `undefined`.
 *
 * @example
 * ```ts
 * import { exclusionFromConfig } from './weight-decay-exclusion.js';
 * exclusionFromConfig('biasAndNorm'); // excludeBiasAndNorm
 * ```
 */
export function exclusionFromConfig(value: unknown): WeightDecayExclusion | undefined {
  return value === EXCLUSION_CONFIG_NAME ? excludeBiasAndNorm : undefined;
}
