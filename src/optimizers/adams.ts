import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { AdamCore, adamOptionsFromConfig, type AdamOptions } from './adam-core.js';
import { NON_NEGATIVE, UNIT_HALF_OPEN, fieldFor, readField } from './hyperparameter.js';
import type { GradientEntry, NamedTensor, VariableState } from './live-optimizer.js';

/** Name of the extra weight {@link AdamS.getWeights} saves: the sum of the raw second moments. */
const SUM_WEIGHT = 'AdamS/secondMomentSum';

/**
 * Options of {@link AdamS}: Adam's, with `weightDecay` meaning lambda of scheduled weight decay.
 * AMSGrad is not supported (the method is defined on Adam's second moment).
 *
 * @example
 * ```ts
 * import type { AdamSOptions } from 'hyperschedule';
 * const o: AdamSOptions = { learningRate: 1e-3, weightDecay: 5e-4 };
 * ```
 */
export type AdamSOptions = Omit<AdamOptions, 'amsgrad'>;

/**
 * AdamS: Adam with scheduled (stable) weight decay (Xie et al., NeurIPS 2023). Moments as Adam;
 * then `vbar_t` = mean over all parameters of the bias-corrected second moment, and every
 * non-excluded weight decays by `p <- p * (1 - lambda * lr_t / sqrt(vbar_t))` (no epsilon)
 * before its Adam step. The decay follows the learning rate, so any LR schedule works on top;
 * the gradient-norm term keeps the effective decay in step with Adam's adaptive step size.
 *
 * `vbar_t` is computed on the device from the global squared gradient norm
 * (`sum(v_t) = beta2 sum(v_{t-1}) + (1 - beta2) ||g_t||^2`, divided by N (1 - beta2^t)): no
 * read-back, one extra scalar of state (saved by `getWeights`). Assumes every variable gets a
 * gradient at every update and one beta2 for all (a per-variable beta2 source uses its default
 * `.value` here). A non-finite gradient norm leaves that sum unchanged.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamS } from 'hyperschedule';
 * const lr = { value: 1e-3 };
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * model.compile({ optimizer: new AdamS({ learningRate: lr, weightDecay: 5e-4 }), loss: 'meanSquaredError' });
 * ```
 */
export class AdamS extends AdamCore {
  /** Serialisation name. */
  static get className(): string {
    return 'HyperscheduleAdamS';
  }

  /** sum(v_t) over all parameters (device scalar), created on first use. */
  private secondMomentSum: tf.Variable | null = null;
  /** 1 / sqrt(vbar_t) of the update in progress (0 when vbar is 0). */
  private invSqrtMean: tf.Scalar | null = null;
  /** lambda * lr per variable of the update in progress (0: no decay). */
  private readonly decayScale = new Map<string, number>();

  constructor(options: AdamSOptions = {}) {
    if (typeof options === 'object' && options !== null && (options as AdamOptions).amsgrad === true) {
      throw new HyperscheduleError('AdamS.amsgrad', true, 'false (AdamS is defined on the second moment, not its running maximum)');
    }
    super({ ...options, amsgrad: false }, true, 1e-4, 'AdamS');
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    try {
      super.applyGradients(variableGradients);
    } finally {
      this.invSqrtMean?.dispose();
      this.invSqrtMean = null;
      this.decayScale.clear();
    }
  }

  protected override plan(entries: readonly GradientEntry[], steps: readonly number[]): ReturnType<AdamCore['plan']> {
    const lambda = this.weightDecay;
    const lr = readField(this.learningRate, 'AdamS.learningRate', NON_NEGATIVE);
    const wd = readField(lambda, 'AdamS.weightDecay', NON_NEGATIVE);
    const beta2Field = readField(this.beta2, 'AdamS.beta2', UNIT_HALF_OPEN);
    const beta2 = typeof beta2Field === 'number' ? beta2Field : typeof this.beta2 === 'number' ? this.beta2 : this.beta2.value;
    // The Adam part runs without its own decoupled decay: ours replaces it.
    this.weightDecay = 0;
    let plans: ReturnType<AdamCore['plan']>;
    try {
      plans = super.plan(entries, steps);
    } finally {
      this.weightDecay = lambda;
    }
    if (entries.length === 0) return plans;
    const exclude = this.excludeFromWeightDecay;
    let count = 0;
    entries.forEach((entry) => {
      count += entry.variable.size;
      const excluded = exclude?.(entry.name, entry.variable.shape) === true;
      this.decayScale.set(entry.name, excluded ? 0 : fieldFor(wd, entry.name) * fieldFor(lr, entry.name));
    });
    const step = Math.max(...steps);
    const sum = (this.secondMomentSum ??= scalarVariable(0));
    this.invSqrtMean = tf.tidy(() => {
      const squaredNorm = tf.addN(entries.map((e) => tf.sum(tf.square(e.gradient))));
      const candidate = tf.add(tf.mul(sum, beta2), tf.mul(squaredNorm, 1 - beta2));
      // A NaN/Inf gradient leaves the running sum (and so the decay) unchanged.
      const next = tf.where(tf.isFinite(candidate), candidate, sum);
      sum.assign(next);
      const vbar = tf.div(next, count * (1 - beta2 ** step));
      return tf.where(tf.greater(vbar, 0), tf.rsqrt(vbar), tf.zerosLike(vbar)) as tf.Scalar;
    });
    return plans;
  }

  protected override updateVariable(entry: GradientEntry, state: VariableState, plan: ReturnType<AdamCore['plan']>[number]): void {
    const scale = this.decayScale.get(entry.name) ?? 0;
    if (scale !== 0 && this.invSqrtMean !== null) {
      const p = entry.variable;
      p.assign(tf.mul(p, tf.sub(1, tf.mul(this.invSqrtMean, scale))));
    }
    super.updateVariable(entry, state, plan);
  }

  /** Adam's state plus `AdamS/secondMomentSum`, so a resumed run continues exactly. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = await super.getWeights();
    if (this.secondMomentSum !== null) weights.push({ name: SUM_WEIGHT, tensor: this.secondMomentSum });
    return weights;
  }

  /**
   * Restores {@link AdamS.getWeights} output. State saved by Adam/AdamW (no saved sum) also
   * works: the sum is rebuilt from the `v` slots (exact up to float rounding).
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const saved = weightValues.find((w) => w.name === SUM_WEIGHT);
    const rest = weightValues.filter((w) => w.name !== SUM_WEIGHT);
    let sum: number;
    if (saved !== undefined) {
      sum = (await saved.tensor.data())[0] ?? 0;
    } else {
      sum = 0;
      for (const w of rest) if (w.name.endsWith('/v')) sum += (await tf.sum(w.tensor).data())[0] ?? 0;
    }
    await super.setWeights(rest);
    if (this.secondMomentSum === null) this.secondMomentSum = scalarVariable(sum);
    else tf.tidy(() => this.secondMomentSum!.assign(tf.scalar(sum)));
  }

  override dispose(): void {
    this.secondMomentSum?.dispose();
    this.secondMomentSum = null;
    super.dispose();
  }

  /** Rebuilds an AdamS from {@link AdamCore.getConfig} output (`weightDecay` is lambda). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { amsgrad: _ignored, ...options } = adamOptionsFromConfig(config);
    return new cls(options);
  }
}

/** A non-trainable float32 scalar variable (its initial tensor freed). */
function scalarVariable(value: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.scalar(value, 'float32'), false));
}

tf.serialization.registerClass(AdamS);
