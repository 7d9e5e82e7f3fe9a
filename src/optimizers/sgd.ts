import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import {
  NON_NEGATIVE,
  UNIT_CLOSED,
  checkSource,
  currentValue,
  fieldFor,
  readField,
  type OptimizerValue,
} from './hyperparameter.js';
import { LiveOptimizer, writeSlot, type GradientEntry, type VariableState } from './live-optimizer.js';
import {
  exclusionFromConfig,
  exclusionToConfig,
  type WeightDecayExclusion,
} from './weight-decay-exclusion.js';

/**
 * Options of {@link SGD}. Every numeric field is a number or a live `ValueSource` (read once per
 * update); a source with `valueFor(variableName)` gives each variable its own value.
 *
 * @example
 * ```ts
 * import type { SGDOptions } from 'hyperschedule';
 * const options: SGDOptions = { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
 * ```
 */
export interface SGDOptions {
  /** Step size, >= 0. Default 0.01. */
  learningRate?: OptimizerValue;
  /** Heavy-ball momentum, >= 0. Default 0 (plain SGD; no buffer is kept while it is 0). */
  momentum?: OptimizerValue;
  /** In [0, 1]: the new gradient enters the buffer scaled by (1 - dampening). Default 0. */
  dampening?: OptimizerValue;
  /** L2 penalty added to the gradient (`g + wd*p`), >= 0. Default 0. */
  weightDecay?: OptimizerValue;
  /** Nesterov momentum; needs momentum > 0 and dampening 0 at construction (as PyTorch). */
  nesterov?: boolean;
  /** Variables for which weight decay is 0, e.g. {@link excludeBiasAndNorm}. */
  excludeFromWeightDecay?: WeightDecayExclusion;
}

/** Host-computed scalars for one variable's SGD update. */
interface SGDPlan {
  readonly negLearningRate: tf.Scalar;
  /** null when weight decay is 0. */
  readonly weightDecay: tf.Scalar | null;
  /** null when momentum is 0 (plain step; the buffer is left untouched, as PyTorch does). */
  readonly momentum: tf.Scalar | null;
  /** 1 - dampening, null when it is exactly 1. */
  readonly oneMinusDampening: tf.Scalar | null;
}

/**
 * SGD with momentum, dampening, Nesterov and weight decay, exactly as `torch.optim.SGD`:
 *
 * ```
 * d <- g + wd*p
 * if momentum != 0:
 *   buf <- d                                   (first time: no dampening)
 *   buf <- momentum*buf + (1 - dampening)*d    (afterwards)
 *   d <- nesterov ? d + momentum*buf : buf
 * p <- p - lr*d
 * ```
 *
 * A `tf.Optimizer` for `model.compile`/`model.fit`/custom loops; every numeric field is a number
 * or a live `ValueSource` read once per update. The momentum buffer is saved as
 * `<variable>/momentum`, the slot name of `tf.train.momentum` (whose buffer has the same
 * meaning), so state moves between the two. Registered for serialisation as `HyperscheduleSGD`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { SGD } from 'hyperschedule';
 * const momentum = { value: 0.85 };
 * const opt = new SGD({ learningRate: 0.1, momentum, nesterov: true, weightDecay: 5e-4 });
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * opt.minimize(() => w.square().sum() as tf.Scalar);
 * momentum.value = 0.95; // used from the next update on
 * ```
 */
export class SGD extends LiveOptimizer<SGDPlan> {
  /** Serialisation name (distinct from tfjs's own `SGD`). */
  static get className(): string {
    return 'HyperscheduleSGD';
  }

  /** Step size ({@link SGDOptions.learningRate}); assign a new value or source at any time. */
  learningRate: OptimizerValue;
  /** Heavy-ball momentum ({@link SGDOptions.momentum}). */
  momentum: OptimizerValue;
  /** Dampening of the new gradient in the buffer ({@link SGDOptions.dampening}). */
  dampening: OptimizerValue;
  /** L2 penalty ({@link SGDOptions.weightDecay}). */
  weightDecay: OptimizerValue;
  /** Variables for which weight decay is 0 (not saved in configs unless it is excludeBiasAndNorm). */
  excludeFromWeightDecay: WeightDecayExclusion | undefined;
  /** Nesterov momentum ({@link SGDOptions.nesterov}); fixed at construction. */
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[] = ['momentum'];

  constructor(options: SGDOptions = {}) {
    super('SGD');
    if (typeof options !== 'object' || options === null) {
      throw new HyperscheduleError('SGD.options', options, 'an options object');
    }
    this.learningRate = checkSource('SGD.learningRate', options.learningRate ?? 0.01, NON_NEGATIVE);
    this.momentum = checkSource('SGD.momentum', options.momentum ?? 0, NON_NEGATIVE);
    this.dampening = checkSource('SGD.dampening', options.dampening ?? 0, UNIT_CLOSED);
    this.weightDecay = checkSource('SGD.weightDecay', options.weightDecay ?? 0, NON_NEGATIVE);
    if (options.nesterov !== undefined && typeof options.nesterov !== 'boolean') {
      throw new HyperscheduleError('SGD.nesterov', options.nesterov, 'a boolean');
    }
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov) {
      // PyTorch's construction-time rule; later (scheduled) values follow the formula as given.
      const m = currentValue(this.momentum, 'SGD.momentum', NON_NEGATIVE);
      const d = currentValue(this.dampening, 'SGD.dampening', UNIT_CLOSED);
      if (m <= 0) throw new HyperscheduleError('SGD.momentum', m, 'a number > 0 when nesterov is true');
      if (d !== 0) throw new HyperscheduleError('SGD.dampening', d, '0 when nesterov is true');
    }
    if (options.excludeFromWeightDecay !== undefined && typeof options.excludeFromWeightDecay !== 'function') {
      throw new HyperscheduleError('SGD.excludeFromWeightDecay', options.excludeFromWeightDecay, 'a function (name, shape) => boolean');
    }
    this.excludeFromWeightDecay = options.excludeFromWeightDecay;
  }

  protected plan(entries: readonly GradientEntry[]): SGDPlan[] {
    const lr = readField(this.learningRate, 'SGD.learningRate', NON_NEGATIVE);
    const momentum = readField(this.momentum, 'SGD.momentum', NON_NEGATIVE);
    const dampening = readField(this.dampening, 'SGD.dampening', UNIT_CLOSED);
    const wd = readField(this.weightDecay, 'SGD.weightDecay', NON_NEGATIVE);
    const exclude = this.excludeFromWeightDecay;
    const values = entries.map((entry) => ({
      lr: fieldFor(lr, entry.name),
      momentum: fieldFor(momentum, entry.name),
      dampening: fieldFor(dampening, entry.name),
      wd: exclude?.(entry.name, entry.variable.shape) === true ? 0 : fieldFor(wd, entry.name),
    }));
    const s = (v: number) => this.scalars.get(v);
    return values.map((v) => ({
      negLearningRate: s(-v.lr),
      weightDecay: v.wd === 0 ? null : s(v.wd),
      momentum: v.momentum === 0 ? null : s(v.momentum),
      oneMinusDampening: v.dampening === 0 ? null : s(1 - v.dampening),
    }));
  }

  protected updateVariable(entry: GradientEntry, state: VariableState, plan: SGDPlan): void {
    const p = entry.variable;
    let d = plan.weightDecay === null ? entry.gradient : tf.add(entry.gradient, tf.mul(p, plan.weightDecay));
    if (plan.momentum !== null) {
      const old = state.slots.get('momentum');
      let buf: tf.Tensor;
      if (old === undefined) {
        buf = d; // PyTorch: buf = clone(d) on first use, without dampening
      } else {
        const scaled = plan.oneMinusDampening === null ? d : tf.mul(d, plan.oneMinusDampening);
        buf = tf.add(tf.mul(old, plan.momentum), scaled);
      }
      writeSlot(state, 'momentum', buf);
      d = this.nesterov ? tf.add(d, tf.mul(buf, plan.momentum)) : buf;
    }
    p.assign(tf.add(p, tf.mul(d, plan.negLearningRate)));
  }

  /** Current values as numbers (a source's `.value`), `nesterov`, and the built-in exclusion name. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: currentValue(this.learningRate, 'SGD.learningRate', NON_NEGATIVE),
      momentum: currentValue(this.momentum, 'SGD.momentum', NON_NEGATIVE),
      dampening: currentValue(this.dampening, 'SGD.dampening', UNIT_CLOSED),
      weightDecay: currentValue(this.weightDecay, 'SGD.weightDecay', NON_NEGATIVE),
      nesterov: this.nesterov,
      excludeFromWeightDecay: exclusionToConfig(this.excludeFromWeightDecay),
    };
  }

  /** Rebuilds an SGD from {@link SGD.getConfig} output (numbers; sources are not saved). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const options: SGDOptions = {};
    for (const key of ['learningRate', 'momentum', 'dampening', 'weightDecay'] as const) {
      const value = config[key];
      if (value !== undefined && value !== null) options[key] = value as number;
    }
    if (config['nesterov'] !== undefined && config['nesterov'] !== null) options.nesterov = config['nesterov'] as boolean;
    const exclusion = exclusionFromConfig(config['excludeFromWeightDecay']);
    if (exclusion !== undefined) options.excludeFromWeightDecay = exclusion;
    return new cls(options);
  }
}

tf.serialization.registerClass(SGD);
