import * as tf from '@tensorflow/tfjs-core';
import { AdamCore, adamOptionsFromConfig, type AdamOptions } from './adam-core.js';

/**
 * Adam (Kingma & Ba) with PyTorch numerics: weight decay is an L2 penalty added to the gradient
 * (`g <- g + wd*p`, as `torch.optim.Adam`; for decoupled decay use {@link AdamW}); bias
 * correction `1 - beta_t^t` uses the current betas, so a scheduled beta1 behaves as in PyTorch.
 * A `tf.Optimizer`: use it in `model.compile`, `model.fit`, `minimize` or `applyGradients`.
 * Every numeric field is a number or a live `ValueSource`, read once per update (assign a new
 * one to a field at any time); a source with `valueFor(variableName)` gives each variable its
 * own value. Registered for serialisation as `HyperscheduleAdam`.
 *
 * Defaults follow `torch.optim.Adam`: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { Adam } from 'hyperschedule';
 * const lr = { value: 1e-3 };                 // any ValueSource, e.g. a scheduled parameter
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * model.compile({
 *   optimizer: new Adam({ learningRate: lr, beta1: { value: 0.9 } }),
 *   loss: 'meanSquaredError',
 * });
 * lr.value = 5e-4;                            // the next update uses it
 * ```
 */
export class Adam extends AdamCore {
  /** Serialisation name (distinct from tfjs's own `Adam`). */
  static get className(): string {
    return 'HyperscheduleAdam';
  }

  constructor(options: AdamOptions = {}) {
    super(options, false, 0, 'Adam');
  }

  /** Rebuilds an Adam from {@link Adam.getConfig} output (numbers; sources are not saved). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(adamOptionsFromConfig(config));
  }
}

tf.serialization.registerClass(Adam);
