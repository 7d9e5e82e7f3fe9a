import * as tf from '@tensorflow/tfjs-core';
import { AdamCore, adamOptionsFromConfig, checkDecay, type AdamOptions } from './adam-core.js';
import { NON_NEGATIVE, currentValue } from './hyperparameter.js';

/**
 * AdamW (Loshchilov & Hutter) with PyTorch numerics: decoupled weight decay
 * `p <- p * (1 - lr*wd)` (refused when `lr*wd >= 1`, which would zero or flip every weight), then the Adam step with bias correction `1 - beta_t^t` using the
 * current betas. A `tf.Optimizer`: use it in `model.compile`, `model.fit`, `minimize` or
 * `applyGradients`. Every numeric field is a number or a live `ValueSource`, read once per update
 * (assign a new one to a field at any time); a source with `valueFor(variableName)` gives each
 * variable its own value. Registered for serialisation as `HyperscheduleAdamW`.
 *
 * Defaults follow `torch.optim.AdamW`: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamW, excludeBiasAndNorm } from 'hyperschedule';
 * const lr = { value: 1e-3 };                 // any ValueSource, e.g. a scheduled parameter
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * model.compile({
 *   optimizer: new AdamW({ learningRate: lr, weightDecay: 0.05, excludeFromWeightDecay: excludeBiasAndNorm }),
 *   loss: 'meanSquaredError',
 * });
 * lr.value = 5e-4;                            // the next update uses it
 * ```
 */
export class AdamW extends AdamCore {
  /** Serialisation name (distinct from tfjs's own `Adam`). */
  static get className(): string {
    return 'HyperscheduleAdamW';
  }

  constructor(options: AdamOptions = {}) {
    super(options, true, 1e-2, 'AdamW');
    // Refused here already when the values are known; every update checks its own values again.
    checkDecay('AdamW.weightDecay', currentValue(this.learningRate, 'AdamW.learningRate', NON_NEGATIVE), currentValue(this.weightDecay, 'AdamW.weightDecay', NON_NEGATIVE));
  }

  /** Rebuilds an AdamW from {@link AdamW.getConfig} output (numbers; sources are not saved). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(adamOptionsFromConfig(config));
  }
}

tf.serialization.registerClass(AdamW);
