import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import {
  NON_NEGATIVE,
  POSITIVE,
  UNIT_HALF_OPEN,
  checkSource,
  currentValue,
  fieldFor,
  readField,
  type FieldValue,
  type OptimizerValue,
} from './hyperparameter.js';
import { LiveOptimizer, writeSlot, type GradientEntry, type VariableState } from './live-optimizer.js';
import {
  exclusionFromConfig,
  exclusionToConfig,
  type WeightDecayExclusion,
} from './weight-decay-exclusion.js';

/**
 * Options of {@link Adam} and {@link AdamW}. Every numeric field is a number or a live
 * `ValueSource` (read once per update); a source with `valueFor(variableName)` gives each
 * variable its own value.
 *
 * @example
 * ```ts
 * import type { AdamOptions } from 'hyperschedule';
 * const options: AdamOptions = { learningRate: 3e-4, beta1: 0.9, weightDecay: 0.05 };
 * ```
 */
export interface AdamOptions {
  /** Step size, >= 0. Default 1e-3. */
  learningRate?: OptimizerValue;
  /** First-moment decay in [0, 1). Default 0.9. Changing it mid-run is fine (PyTorch's rule). */
  beta1?: OptimizerValue;
  /** Second-moment decay in [0, 1). Default 0.999. */
  beta2?: OptimizerValue;
  /** Added to the denominator, > 0 (0 turns a zero gradient into NaN weights). Default 1e-8. */
  epsilon?: OptimizerValue;
  /**
   * >= 0. Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay (default
   * 1e-2), with `learningRate * weightDecay < 1` (the decay multiplies each weight by
   * `1 - lr * wd`: at 1 or more it zeroes or flips every weight, so such an update is refused).
   */
  weightDecay?: OptimizerValue;
  /** Keep the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
  /** Variables for which weight decay is 0, e.g. {@link excludeBiasAndNorm}. */
  excludeFromWeightDecay?: WeightDecayExclusion;
}

/** Host-computed scalars for one variable's Adam update. */
interface AdamPlan {
  /** AdamW: 1 - lr * wd (null when it is exactly 1). */
  readonly decay: tf.Scalar | null;
  /** Adam: the L2 coefficient (null when 0). */
  readonly l2: tf.Scalar | null;
  readonly beta1: tf.Scalar;
  readonly oneMinusBeta1: tf.Scalar;
  readonly beta2: tf.Scalar;
  readonly oneMinusBeta2: tf.Scalar;
  /** eps * sqrt(1 - beta2^t). */
  readonly scaledEpsilon: tf.Scalar;
  /** -lr * sqrt(1 - beta2^t) / (1 - beta1^t). */
  readonly scaledNegStepSize: tf.Scalar;
}

/**
 * Shared implementation of {@link Adam} and {@link AdamW}, following `torch.optim.Adam/AdamW`
 * (`foreach=False`, torch 1.13):
 *
 * ```
 * t <- t + 1                                   (per variable)
 * AdamW: p <- p * (1 - lr*wd)      Adam: g <- g + wd*p
 * m <- beta1*m + (1-beta1)*g
 * v <- beta2*v + (1-beta2)*g^2     (AMSGrad: vmax <- max(vmax, v), used below instead of v)
 * p <- p - lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
 * ```
 *
 * The last line is evaluated as `p + (m * c) / (sqrt(v) + eps*sqrt(1-beta2^t))` with
 * `c = -lr*sqrt(1-beta2^t)/(1-beta1^t)` computed on the host: the same value (PyTorch's
 * `capturable` path uses this form) with one fewer full-size tensor operation, so AdamW runs 13
 * elementwise ops per variable where tf.train.adam runs 14 plus six scalar uploads.
 *
 * Bias correction uses the step count t and the CURRENT beta1/beta2 (`1 - beta1_t^t`), as
 * PyTorch does; tf.train.adam instead accumulates the product of past betas.
 *
 * @example
 * ```ts
 * import { AdamW } from 'hyperschedule';
 * const opt = new AdamW({ learningRate: 1e-3 }); // an AdamCore
 * ```
 */
export abstract class AdamCore extends LiveOptimizer<AdamPlan> {
  /** Step size (number or live source). */
  learningRate: OptimizerValue;
  /** First-moment decay ({@link AdamOptions.beta1}); assign a new value or source at any time. */
  beta1: OptimizerValue;
  /** Second-moment decay ({@link AdamOptions.beta2}). */
  beta2: OptimizerValue;
  /** Added to the denominator ({@link AdamOptions.epsilon}). */
  epsilon: OptimizerValue;
  /** Decoupled decay (AdamW) or L2 penalty (Adam) ({@link AdamOptions.weightDecay}). */
  weightDecay: OptimizerValue;
  /** Variables for which weight decay is 0 (not saved in configs unless it is excludeBiasAndNorm). */
  excludeFromWeightDecay: WeightDecayExclusion | undefined;
  /** AMSGrad ({@link AdamOptions.amsgrad}); fixed at construction. */
  readonly amsgrad: boolean;
  protected readonly slotNames: readonly string[];
  /** true: AdamW's decoupled decay; false: Adam's L2 penalty. */
  private readonly decoupled: boolean;

  protected constructor(options: AdamOptions, decoupled: boolean, defaultWeightDecay: number, label: string) {
    super(label);
    this.decoupled = decoupled;
    if (typeof options !== 'object' || options === null) {
      throw new HyperscheduleError(`${this.label}.options`, options, 'an options object');
    }
    const f = (key: string) => `${this.label}.${key}`;
    this.learningRate = checkSource(f('learningRate'), options.learningRate ?? 1e-3, NON_NEGATIVE);
    this.beta1 = checkSource(f('beta1'), options.beta1 ?? 0.9, UNIT_HALF_OPEN);
    this.beta2 = checkSource(f('beta2'), options.beta2 ?? 0.999, UNIT_HALF_OPEN);
    this.epsilon = checkSource(f('epsilon'), options.epsilon ?? 1e-8, POSITIVE);
    this.weightDecay = checkSource(f('weightDecay'), options.weightDecay ?? defaultWeightDecay, NON_NEGATIVE);
    if (options.amsgrad !== undefined && typeof options.amsgrad !== 'boolean') {
      throw new HyperscheduleError(f('amsgrad'), options.amsgrad, 'a boolean');
    }
    this.amsgrad = options.amsgrad ?? false;
    if (options.excludeFromWeightDecay !== undefined && typeof options.excludeFromWeightDecay !== 'function') {
      throw new HyperscheduleError(f('excludeFromWeightDecay'), options.excludeFromWeightDecay, 'a function (name, shape) => boolean');
    }
    this.excludeFromWeightDecay = options.excludeFromWeightDecay;
    this.slotNames = this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'];
  }

  protected plan(entries: readonly GradientEntry[], steps: readonly number[]): AdamPlan[] {
    const f = (key: string) => `${this.label}.${key}`;
    const lr = readField(this.learningRate, f('learningRate'), NON_NEGATIVE);
    const beta1 = readField(this.beta1, f('beta1'), UNIT_HALF_OPEN);
    const beta2 = readField(this.beta2, f('beta2'), UNIT_HALF_OPEN);
    const eps = readField(this.epsilon, f('epsilon'), POSITIVE);
    const wd = readField(this.weightDecay, f('weightDecay'), NON_NEGATIVE);
    const exclude = this.excludeFromWeightDecay;
    const s = (v: number) => this.scalars.get(v);
    // Values first (may throw), scalars after, so a bad value leaves no half-built plan behind.
    const values = entries.map((entry, i) => {
      const name = entry.name;
      const b1 = fieldFor(beta1, name);
      const b2 = fieldFor(beta2, name);
      const t = steps[i] as number;
      return {
        lr: fieldFor(lr, name),
        b1,
        b2,
        eps: fieldFor(eps, name),
        wd: exclude?.(name, entry.variable.shape) === true ? 0 : fieldFor(wd, name),
        bc1: 1 - b1 ** t,
        bc2: 1 - b2 ** t,
      };
    });
    if (this.decoupled) values.forEach((v, i) => checkDecay(fieldName(f('weightDecay'), wd, entries[i]!.name), v.lr, v.wd));
    return values.map((v) => {
      const decay = 1 - v.lr * v.wd;
      return {
        decay: this.decoupled && decay !== 1 ? s(decay) : null,
        l2: !this.decoupled && v.wd !== 0 ? s(v.wd) : null,
        beta1: s(v.b1),
        oneMinusBeta1: s(1 - v.b1),
        beta2: s(v.b2),
        oneMinusBeta2: s(1 - v.b2),
        scaledEpsilon: s(v.eps * Math.sqrt(v.bc2)),
        scaledNegStepSize: s((-v.lr * Math.sqrt(v.bc2)) / v.bc1),
      };
    });
  }

  protected updateVariable(entry: GradientEntry, state: VariableState, plan: AdamPlan): void {
    const p = entry.variable;
    const param = plan.decay === null ? p : tf.mul(p, plan.decay);
    const g = plan.l2 === null ? entry.gradient : tf.add(entry.gradient, tf.mul(p, plan.l2));
    const mOld = state.slots.get('m');
    const vOld = state.slots.get('v');
    // First update: the moments start at 0, so beta*0 + x is exactly x; skip the zero buffers.
    const gScaled = tf.mul(g, plan.oneMinusBeta1);
    const m = mOld === undefined ? gScaled : tf.add(tf.mul(mOld, plan.beta1), gScaled);
    const g2Scaled = tf.mul(tf.square(g), plan.oneMinusBeta2);
    const v = vOld === undefined ? g2Scaled : tf.add(tf.mul(vOld, plan.beta2), g2Scaled);
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      const vhatOld = state.slots.get('vhat');
      second = vhatOld === undefined ? v : tf.maximum(vhatOld, v);
      writeSlot(state, 'vhat', second);
    }
    const denom = tf.add(tf.sqrt(second), plan.scaledEpsilon);
    const next = tf.add(param, tf.div(tf.mul(m, plan.scaledNegStepSize), denom));
    writeSlot(state, 'm', m);
    writeSlot(state, 'v', v);
    p.assign(next);
  }

  /**
   * The current hyperparameters as plain numbers (a source's current `.value`), plus `amsgrad`
   * and `excludeFromWeightDecay: "biasAndNorm"` when that built-in exclusion is used. A custom
   * exclusion function cannot be saved and appears as `null`.
   */
  override getConfig(): tf.serialization.ConfigDict {
    const f = (key: string) => `${this.label}.${key}`;
    return {
      learningRate: currentValue(this.learningRate, f('learningRate'), NON_NEGATIVE),
      beta1: currentValue(this.beta1, f('beta1'), UNIT_HALF_OPEN),
      beta2: currentValue(this.beta2, f('beta2'), UNIT_HALF_OPEN),
      epsilon: currentValue(this.epsilon, f('epsilon'), POSITIVE),
      weightDecay: currentValue(this.weightDecay, f('weightDecay'), NON_NEGATIVE),
      amsgrad: this.amsgrad,
      excludeFromWeightDecay: exclusionToConfig(this.excludeFromWeightDecay),
    };
  }
}

/**
 * Refuses a decoupled decay `p * (1 - lr * wd)` that is not a shrink: with `lr * wd >= 1` every
 * weight is zeroed or flips sign (PyTorch applies it as given). Called with the values of one
 * update, before anything is written.
 *
 * @example
 * ```ts
 * import { checkDecay } from './adam-core.js';
 * checkDecay('AdamW.weightDecay', 1e-3, 0.05); // fine: lr * wd = 5e-5
 * ```
 */
export function checkDecay(field: string, lr: number, wd: number): void {
  if (lr * wd >= 1) {
    throw new HyperscheduleError(field, wd, `a value with learningRate * weightDecay < 1 (learningRate is ${lr})`);
  }
}

/** The field name of a per-variable value in errors (`AdamW.weightDecay[dense/kernel]`) or the plain one. */
function fieldName(field: string, value: FieldValue, variableName: string): string {
  return typeof value === 'number' ? field : `${field}[${variableName}]`;
}

/**
 * {@link AdamOptions} from a saved config (ignores keys it does not know, such as the
 * `customObjects` tfjs-layers adds; values are validated by the constructor).
 *
 * @example
 * ```ts
 * import { adamOptionsFromConfig } from './adam-core.js';
 * adamOptionsFromConfig({ learningRate: 1e-3, amsgrad: true }); // { learningRate: 0.001, amsgrad: true }
 * ```
 */
export function adamOptionsFromConfig(config: tf.serialization.ConfigDict): AdamOptions {
  const options: AdamOptions = {};
  for (const key of ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'] as const) {
    const value = config[key];
    if (value !== undefined && value !== null) options[key] = value as number;
  }
  if (config['amsgrad'] !== undefined && config['amsgrad'] !== null) options.amsgrad = config['amsgrad'] as boolean;
  const exclusion = exclusionFromConfig(config['excludeFromWeightDecay']);
  if (exclusion !== undefined) options.excludeFromWeightDecay = exclusion;
  return options;
}
