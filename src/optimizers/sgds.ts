import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { NON_NEGATIVE, UNIT_CLOSED, fieldFor, readField, type FieldValue } from './hyperparameter.js';
import type { GradientEntry, VariableState } from './live-optimizer.js';
import { SGD, type SGDOptions } from './sgd.js';

/**
 * SGD with scheduled (stable) weight decay (Xie et al.): `weightDecay` is lambda, applied
 * decoupled before each step as `p <- p * (1 - lr * lambda * (1 - dampening) / (1 - momentum))`
 * (matched to heavy ball's effective step size lr (1 - dampening) / (1 - momentum)); then the
 * usual `torch.optim.SGD` step without an L2 term. Learning rate, momentum and dampening are read
 * every update, so scheduled values change the decay with them. Momentum must stay below 1, and
 * the decay rate below 1 (an update that would zero or flip the weights is refused).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { SGDS } from 'hyperschedule';
 * const opt = new SGDS({ learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * opt.minimize(() => w.square().sum() as tf.Scalar);
 * ```
 */
export class SGDS extends SGD {
  /** Serialisation name. */
  static override get className(): string {
    return 'HyperscheduleSGDS';
  }

  /** 1 - decay rate per variable of the update in progress (absent: no decay). */
  private readonly keep = new Map<string, number>();

  constructor(options: SGDOptions = {}) {
    super(options);
  }

  override applyGradients(variableGradients: Parameters<SGD['applyGradients']>[0]): void {
    try {
      super.applyGradients(variableGradients);
    } finally {
      this.keep.clear();
    }
  }

  protected override plan(entries: readonly GradientEntry[]): ReturnType<SGD['plan']> {
    const lambda = this.weightDecay;
    const lr = readField(this.learningRate, 'SGDS.learningRate', NON_NEGATIVE);
    const wd = readField(lambda, 'SGDS.weightDecay', NON_NEGATIVE);
    const momentum = readField(this.momentum, 'SGDS.momentum', NON_NEGATIVE);
    const dampening = readField(this.dampening, 'SGDS.dampening', UNIT_CLOSED);
    const exclude = this.excludeFromWeightDecay;
    const rates = entries.map((entry) => {
      if (exclude?.(entry.name, entry.variable.shape) === true) return 0;
      const at = (f: FieldValue) => fieldFor(f, entry.name);
      return sgdsDecayRate(at(wd), at(lr), at(momentum), at(dampening), entry.name);
    });
    // The SGD part runs without its L2 term: the decoupled decay replaces it.
    this.weightDecay = 0;
    let plans: ReturnType<SGD['plan']>;
    try {
      plans = super.plan(entries);
    } finally {
      this.weightDecay = lambda;
    }
    entries.forEach((entry, i) => {
      const rate = rates[i]!;
      if (rate !== 0) this.keep.set(entry.name, 1 - rate);
    });
    return plans;
  }

  protected override updateVariable(entry: GradientEntry, state: VariableState, plan: ReturnType<SGD['plan']>[number]): void {
    const factor = this.keep.get(entry.name);
    if (factor !== undefined) entry.variable.assign(tf.mul(entry.variable, this.scalars.get(factor)));
    super.updateVariable(entry, state, plan);
  }
}

tf.serialization.registerClass(SGDS);

/**
 * The fraction SGD with scheduled weight decay removes from every weight before its step:
 * `p <- p * (1 - lr * lambda * (1 - dampening) / (1 - momentum))`, the decoupled decay matched to
 * the effective step size of heavy-ball momentum. Throws for a momentum outside [0, 1) and for a
 * rate >= 1, which would zero or flip every weight (errors name `variable` when given).
 *
 * @example
 * ```ts
 * import { sgdsDecayRate } from './sgds.js';
 * sgdsDecayRate(5e-4, 0.1, 0.9, 0); // 5e-4 (approx.): 0.1 * 5e-4 / 0.1
 * ```
 */
export function sgdsDecayRate(lambda: number, lr: number, momentum: number, dampening: number, variable?: string): number {
  const at = variable === undefined ? '' : `[${variable}]`;
  if (!(momentum >= 0 && momentum < 1)) throw new HyperscheduleError(`SGDS.momentum${at}`, momentum, 'a number in [0, 1) (the decay is divided by 1 - momentum)');
  const rate = (lr * lambda * (1 - dampening)) / (1 - momentum);
  if (rate >= 1) throw new HyperscheduleError(`SGDS.weightDecay${at}`, lambda, `a decay rate lr * lambda * (1 - dampening) / (1 - momentum) < 1, not ${rate}`);
  return rate;
}
