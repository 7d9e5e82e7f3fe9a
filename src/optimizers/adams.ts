import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, isRecord } from '../check.js';
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
export type AdamSOptions = Omit<AdamOptions, 'amsgrad'> & {
  /**
   * The largest fraction of a weight one update's decay may remove, in (0, 1); default 0.1, as
   * `scheduledWeightDecay`'s `maxDecay`. `lambda * lr / sqrt(vbar)` is capped there, so a tiny
   * `vbar` (a near-zero first gradient) never wipes out or flips the weights.
   */
  readonly maxDecay?: number;
};

/** Default of {@link AdamSOptions.maxDecay}. */
const DEFAULT_MAX_DECAY = 0.1;

/**
 * AdamS: Adam with scheduled (stable) weight decay (Xie et al., NeurIPS 2023). Moments as Adam;
 * then `vbar_t` = mean over all parameters of the bias-corrected second moment, and every
 * non-excluded weight decays by `p <- p * (1 - lambda * lr_t / sqrt(vbar_t))` (no epsilon)
 * before its Adam step. The decay follows the learning rate, so any LR schedule works on top;
 * the gradient-norm term keeps the effective decay in step with Adam's adaptive step size.
 *
 * `vbar_t` is computed on the device from the global squared gradient norm
 * (`sum(v_t) = beta2 sum(v_{t-1}) + (1 - beta2) ||g_t||^2`, divided by N (1 - beta2^t)): no
 * read-back, one extra scalar of state (saved by `getWeights`). The decay fraction is capped at
 * `maxDecay` (default 0.1); the first capped update warns on the console and
 * {@link AdamS.cappedUpdates} counts them. Assumes every variable gets a
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
  private readonly maxDecay: number;
  /** Updates whose decay was capped (device scalar, created on first use; not checkpointed). */
  private cappedCount: tf.Variable | null = null;
  /** True while the count is read back to warn of the first cap, and once it has warned. */
  private capWatched = false;

  constructor(options: AdamSOptions = {}) {
    const record = isRecord(options as unknown);
    const { maxDecay = DEFAULT_MAX_DECAY, ...adam } = (record ? options : {}) as AdamSOptions & { amsgrad?: unknown };
    if (adam.amsgrad === true) throw new HyperscheduleError('AdamS.amsgrad', true, 'false (AdamS is defined on the second moment)');
    // Not an object: AdamCore refuses it.
    super(record ? { ...adam, amsgrad: false } : options, true, 1e-4, 'AdamS');
    this.maxDecay = checkNumber({ gt: 0, lt: 1 })(maxDecay, 'AdamS.maxDecay');
  }

  /** How many updates had their decay capped at `maxDecay` (reads the device). */
  async cappedUpdates(): Promise<number> {
    return this.cappedCount === null ? 0 : ((await this.cappedCount.data())[0] ?? 0);
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
    this.countCapped();
    return plans;
  }

  protected override updateVariable(entry: GradientEntry, state: VariableState, plan: ReturnType<AdamCore['plan']>[number]): void {
    const scale = this.decayScale.get(entry.name) ?? 0;
    if (scale !== 0 && this.invSqrtMean !== null) {
      const p = entry.variable;
      p.assign(tf.mul(p, tf.sub(1, tf.minimum(tf.mul(this.invSqrtMean, scale), this.maxDecay))));
    }
    super.updateVariable(entry, state, plan);
  }

  /**
   * Counts this update when its largest decay exceeds `maxDecay`, on the device; until the first
   * one, reads the count back without blocking (one read at a time) so the cap is announced once.
   */
  private countCapped(): void {
    const largest = Math.max(0, ...this.decayScale.values());
    const invSqrtMean = this.invSqrtMean;
    if (largest === 0 || invSqrtMean === null) return;
    const counter = (this.cappedCount ??= scalarVariable(0));
    tf.tidy(() => counter.assign(tf.add(counter, tf.cast(tf.greater(tf.mul(invSqrtMean, largest), this.maxDecay), 'float32'))));
    if (this.capWatched) return;
    this.capWatched = true;
    const unwatch = (): void => {
      this.capWatched = false;
    };
    // Reading the variable creates no tensor.
    void counter.data().then((count) => {
      if (!((count[0] ?? 0) > 0)) return unwatch();
      console.warn(`hyperschedule: AdamS capped lambda * lr / sqrt(vbar) at maxDecay (${this.maxDecay}); cappedUpdates() counts such updates`);
    }, unwatch);
  }

  /** `AdamS/secondMomentSum`, the one optimizer-wide weight besides `iter`. */
  protected override get extraWeights(): readonly string[] {
    return [SUM_WEIGHT];
  }

  /** Adam's state plus `AdamS/secondMomentSum`, so a resumed run continues exactly. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = await super.getWeights();
    if (this.secondMomentSum !== null) weights.push({ name: SUM_WEIGHT, tensor: this.secondMomentSum });
    return weights;
  }

  /**
   * Restores {@link AdamS.getWeights} output. State saved by Adam/AdamW (no saved sum) also
   * works: the sum is rebuilt from the `v` slots (exact up to float rounding). A sum that is not
   * a finite number >= 0 is refused before anything changes.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const saved = weightValues.find((w) => w.name === SUM_WEIGHT);
    const rest = weightValues.filter((w) => w.name !== SUM_WEIGHT);
    let total = 0;
    for (const w of rest) {
      if (saved !== undefined || !w.name.endsWith('/v')) continue;
      const part = tf.sum(w.tensor);
      total += (await part.data())[0] ?? 0;
      part.dispose();
    }
    const given = saved && (saved.tensor.size === 1 ? (await saved.tensor.data())[0] : saved.tensor.shape);
    const sum = checkNumber({ ge: 0 })(saved ? given : total, `AdamS.setWeights.${SUM_WEIGHT}`);
    await super.setWeights(rest);
    if (this.secondMomentSum === null) this.secondMomentSum = scalarVariable(sum);
    else tf.tidy(() => this.secondMomentSum!.assign(tf.scalar(sum)));
  }

  override dispose(): void {
    this.secondMomentSum?.dispose();
    this.secondMomentSum = null;
    this.cappedCount?.dispose();
    this.cappedCount = null;
    super.dispose();
  }

  /** Adam's config plus `maxDecay`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxDecay: this.maxDecay };
  }

  /** Rebuilds an AdamS from {@link AdamCore.getConfig} output (`weightDecay` is lambda). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { amsgrad: _ignored, ...options } = adamOptionsFromConfig(config);
    const maxDecay = config['maxDecay'];
    return new cls(typeof maxDecay === 'number' ? { ...options, maxDecay } : options);
  }
}

/** A non-trainable float32 scalar variable (its initial tensor freed). */
function scalarVariable(value: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.scalar(value, 'float32'), false));
}

tf.serialization.registerClass(AdamS);
