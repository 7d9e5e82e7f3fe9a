import { type Observable, filter, map } from 'rxjs';
import { checkNumber, checkObject, checkOptional } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { TrainingSignals } from '../signals/hub.js';
import { checkNumberOrSource, readValue, type NumberOrSource } from '../values/value-source.js';
import { defineController, type Controller } from './controller.js';

/**
 * vbar_t of scheduled weight decay (Xie et al., AdamS): the mean over all N parameters of Adam's
 * bias-corrected second moment, from the sum of the raw second moments `sum(v_t)`:
 * `vbar_t = sum(v_t) / (N (1 - beta2^t))`. `sum(v_t)` itself follows from the global squared
 * gradient norm: `sum(v_t) = beta2 sum(v_{t-1}) + (1 - beta2) ||g_t||^2` (see
 * {@link nextSecondMomentSum}).
 *
 * @example
 * ```ts
 * import { meanSecondMoment } from './scheduled-weight-decay.js';
 * meanSecondMoment(0.004, 4, 0.999, 1); // 1: (0.004 / 4) / (1 - 0.999)
 * ```
 */
export function meanSecondMoment(secondMomentSum: number, parameterCount: number, beta2: number, step: number): number {
  return secondMomentSum / (parameterCount * (1 - beta2 ** step));
}

/**
 * One update of `sum(v)` from the global squared gradient norm: `beta2 * sum + (1 - beta2) * ||g||^2`.
 * A non-finite `squaredGradNorm` leaves the sum unchanged (a NaN gradient never reaches the decay).
 *
 * @example
 * ```ts
 * import { nextSecondMomentSum } from './scheduled-weight-decay.js';
 * nextSecondMomentSum(0, 4, 0.9); // 0.4 (approx.)
 * ```
 */
export function nextSecondMomentSum(secondMomentSum: number, squaredGradNorm: number, beta2: number): number {
  if (!Number.isFinite(squaredGradNorm) || squaredGradNorm < 0) return secondMomentSum;
  return beta2 * secondMomentSum + (1 - beta2) * squaredGradNorm;
}

/**
 * The fraction AdamS removes from every (non-excluded) weight before its Adam step:
 * `p <- p * (1 - lambda * lr_t / sqrt(vbar_t))` (no epsilon). 0 when vbar is 0 (no gradient yet)
 * or not finite. For tfjs-style `AdamW` (which applies `p * (1 - lr * wd)`) the equivalent weight
 * decay is `lambda / sqrt(vbar_t)`.
 *
 * @example
 * ```ts
 * import { adamsDecayRate } from './scheduled-weight-decay.js';
 * adamsDecayRate(5e-4, 1e-3, 1e-6); // 5e-4 (approx.): 5e-4 * 1e-3 / 1e-3
 * ```
 */
export function adamsDecayRate(lambda: number, lr: number, vbar: number): number {
  return vbar > 0 && Number.isFinite(vbar) ? (lambda * lr) / Math.sqrt(vbar) : 0;
}

/**
 * The fraction SGD with scheduled weight decay removes from every weight before its step:
 * `p <- p * (1 - lr * lambda * (1 - dampening) / (1 - momentum))`, the decoupled decay matched to
 * the effective step size of heavy-ball momentum.
 *
 * @example
 * ```ts
 * import { sgdsDecayRate } from './scheduled-weight-decay.js';
 * sgdsDecayRate(5e-4, 0.1, 0.9, 0); // 5e-4 (approx.): 0.1 * 5e-4 / 0.1
 * ```
 */
export function sgdsDecayRate(lambda: number, lr: number, momentum: number, dampening: number): number {
  if (!(momentum >= 0 && momentum < 1)) {
    throw new HyperscheduleError('SGDS.momentum', momentum, 'a number in [0, 1) (the decay is divided by 1 - momentum)');
  }
  return (lr * lambda * (1 - dampening)) / (1 - momentum);
}

/**
 * State of {@link scheduledWeightDecay}: the running sum of Adam's raw second moments, the
 * updates seen, and the current AdamW weight decay lambda / sqrt(vbar).
 */
export interface ScheduledWeightDecayState {
  readonly secondMomentSum: number;
  readonly updates: number;
  readonly value: number;
}

/**
 * One update seen by the SWD controller: the global squared gradient norm, the number of scalar
 * parameters and the optimizer's beta2 for that update.
 */
export interface SecondMomentObservation {
  readonly squaredGradNorm: number;
  readonly paramCount: number;
  readonly beta2: number;
}

/**
 * The SWD step: updates sum(v) with `||g||^2` and sets the AdamW weight decay to
 * `lambda / sqrt(vbar)` (so AdamW's `p * (1 - lr * wd)` decays by `lambda * lr / sqrt(vbar)`).
 * Non-positive or out-of-range inputs leave the state unchanged.
 */
function swdStep(lambda: number, state: ScheduledWeightDecayState, input: SecondMomentObservation): ScheduledWeightDecayState {
  const { squaredGradNorm, paramCount, beta2 } = input;
  if (!(squaredGradNorm >= 0) || !Number.isFinite(squaredGradNorm) || !(paramCount > 0) || !(beta2 >= 0 && beta2 < 1)) return state;
  const secondMomentSum = nextSecondMomentSum(state.secondMomentSum, squaredGradNorm, beta2);
  const updates = state.updates + 1;
  const vbar = meanSecondMoment(secondMomentSum, paramCount, beta2, updates);
  const value = vbar > 0 && Number.isFinite(vbar) ? lambda / Math.sqrt(vbar) : state.value;
  return Number.isFinite(value) ? { secondMomentSum, updates, value } : state;
}

/**
 * Options of {@link scheduledWeightDecay}.
 */
export interface ScheduledWeightDecayOptions {
  /** lambda of SWD (>= 0). */
  readonly lambda: number;
  /** The optimizer's beta2 (number or live source), in [0, 1). Default 0.999. */
  readonly beta2?: NumberOrSource;
}

const nonNegative = checkNumber({ ge: 0 });
const readOptions = checkObject({ lambda: nonNegative, beta2: checkOptional(checkNumberOrSource({ ge: 0, lt: 1 })) });
const readState = checkObject({ secondMomentSum: nonNegative, updates: checkNumber({ ge: 0, integer: true }), value: nonNegative });

/**
 * Scheduled weight decay (Xie et al., AdamS) for an unmodified AdamW, as a {@link Controller} on
 * the global gradient norm signal: drives AdamW's `weightDecay` with `lambda / sqrt(vbar)`.
 * Signals arrive after an update is applied, so update t decays with vbar_{t-1} — one update
 * behind the paper's AdamS, and no decay on the very first update. For the exact method use the
 * `AdamS` optimizer.
 *
 * @example
 * ```ts
 * import { AdamW, param, scheduledWeightDecay } from 'hyperschedule';
 * const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: 5e-4 }) }, { domain: 'nonNegative' });
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: wd });
 * ```
 */
export function scheduledWeightDecay(options: ScheduledWeightDecayOptions): Controller<ScheduledWeightDecayState, SecondMomentObservation> {
  const { lambda, beta2 = 0.999 } = readOptions(options, 'scheduledWeightDecay');
  return defineController({
    name: 'scheduledWeightDecay',
    initialState: { secondMomentSum: 0, updates: 0, value: 0 } as ScheduledWeightDecayState,
    input: (signals: TrainingSignals): Observable<SecondMomentObservation> =>
      signals.updates(['gradNorm']).pipe(
        filter((u) => u.gradNorm !== undefined),
        map((u) => ({ squaredGradNorm: (u.gradNorm as number) ** 2, paramCount: u.paramCount ?? 0, beta2: readValue(beta2) })),
      ),
    step: (state: ScheduledWeightDecayState, input: SecondMomentObservation) => swdStep(lambda, state, input),
    value: (state: ScheduledWeightDecayState) => state.value,
    parseState: (json: unknown, field = 'scheduledWeightDecay.state') => readState(json, field),
  });
}
