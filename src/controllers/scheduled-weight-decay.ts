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
 * State of {@link scheduledWeightDecay}: the running sum of Adam's raw second moments, the
 * updates seen, the current AdamW weight decay lambda / sqrt(vbar), and how many updates had it
 * capped (absent until the cap first applies, so states saved before the cap existed still load).
 */
export interface ScheduledWeightDecayState {
  readonly secondMomentSum: number;
  readonly updates: number;
  readonly value: number;
  /** Updates whose weight decay was capped at `maxDecay / lr` (absent: none). */
  readonly capped?: number;
}

/**
 * One update seen by the SWD controller: the global squared gradient norm, the number of scalar
 * parameters, the optimizer's beta2 for that update and, when the controller was given one, its
 * learning rate.
 */
export interface SecondMomentObservation {
  readonly squaredGradNorm: number;
  readonly paramCount: number;
  readonly beta2: number;
  /** The optimizer's learning rate (present when the controller has its `lr` option). */
  readonly lr?: number;
}

/** Default of {@link ScheduledWeightDecayOptions.maxDecay}. */
const DEFAULT_MAX_DECAY = 0.1;

/** What the step reports when the cap applies (the controller warns once). */
type OnCap = (raw: number, cap: number) => void;

/**
 * The SWD step: updates sum(v) with `||g||^2` and sets the AdamW weight decay to
 * `lambda / sqrt(vbar)` (so AdamW's `p * (1 - lr * wd)` decays by `lambda * lr / sqrt(vbar)`),
 * capped at `maxDecay / lr` when the learning rate is known. Non-positive or out-of-range inputs
 * leave the state unchanged.
 */
function swdStep(lambda: number, maxDecay: number, state: ScheduledWeightDecayState, input: SecondMomentObservation, onCap: OnCap): ScheduledWeightDecayState {
  const { squaredGradNorm, paramCount, beta2, lr } = input;
  if (!(squaredGradNorm >= 0) || !Number.isFinite(squaredGradNorm) || !(paramCount > 0) || !(beta2 >= 0 && beta2 < 1)) return state;
  const secondMomentSum = nextSecondMomentSum(state.secondMomentSum, squaredGradNorm, beta2);
  const updates = state.updates + 1;
  const vbar = meanSecondMoment(secondMomentSum, paramCount, beta2, updates);
  const raw = vbar > 0 && Number.isFinite(vbar) ? lambda / Math.sqrt(vbar) : state.value;
  const cap = lr !== undefined && lr > 0 ? maxDecay / lr : Number.POSITIVE_INFINITY;
  const value = Math.min(raw, cap);
  if (!Number.isFinite(value)) return state;
  if (raw <= cap) return { ...state, secondMomentSum, updates, value };
  onCap(raw, cap);
  return { secondMomentSum, updates, value, capped: (state.capped ?? 0) + 1 };
}

/**
 * Options of {@link scheduledWeightDecay}.
 */
export interface ScheduledWeightDecayOptions {
  /** lambda of SWD (>= 0). */
  readonly lambda: number;
  /** The optimizer's beta2 (number or live source), in [0, 1). Default 0.999. */
  readonly beta2?: NumberOrSource;
  /**
   * The optimizer's learning rate (number or live source, e.g. the `lr` parameter), >= 0. Given,
   * the weight decay is capped at `maxDecay / lr`, so one AdamW update (`p * (1 - lr * wd)`)
   * removes at most `maxDecay` of any weight and never flips its sign. Without it there is no
   * cap here, and AdamW itself refuses an update with `lr * wd >= 1`.
   */
  readonly lr?: NumberOrSource;
  /**
   * The largest fraction of a weight one update may remove, `lr * wd`, in (0, 1); default 0.1
   * (a thousand times what AdamW recipes use, lr 1e-3 with wd 0.1, so the cap binds only when
   * sqrt(vbar) is tiny, e.g. after a near-zero first gradient). Needs `lr`.
   */
  readonly maxDecay?: number;
}

const nonNegative = checkNumber({ ge: 0 });
const readOptions = checkObject({
  lambda: nonNegative,
  beta2: checkOptional(checkNumberOrSource({ ge: 0, lt: 1 })),
  lr: checkOptional(checkNumberOrSource({ ge: 0 })),
  maxDecay: checkOptional(checkNumber({ gt: 0, lt: 1 })),
});
const readState = checkObject({
  secondMomentSum: nonNegative,
  updates: checkNumber({ ge: 0, integer: true }),
  value: nonNegative,
  capped: checkOptional(checkNumber({ ge: 0, integer: true })),
});

/**
 * Scheduled weight decay (Xie et al., AdamS) for an unmodified AdamW, as a {@link Controller} on
 * the global gradient norm signal: drives AdamW's `weightDecay` with `lambda / sqrt(vbar)`.
 * Signals arrive after an update is applied, so update t decays with vbar_{t-1} — one update
 * behind the paper's AdamS, and no decay on the very first update. For the exact method use the
 * `AdamS` optimizer.
 *
 * The formula has no bound of its own: a first gradient of norm 1e-8 over 1e4 parameters gives
 * vbar = 1e-20 and lambda / sqrt(vbar) = 5e6 for lambda = 5e-4, and AdamW at lr 1e-3 would then
 * multiply every weight by 1 - 5000. Given the optimizer's learning rate (`lr`), the value is
 * capped at `maxDecay / lr` (one update removes at most `maxDecay`, default 10%, of a weight).
 * When the cap applies the controller warns once on the console, and its state counts the capped
 * updates (`capped`, in the parameter's controller state and in checkpoints).
 *
 * @example
 * ```ts
 * import { AdamW, param, scheduledWeightDecay } from 'hyperschedule';
 * const wd = param('weightDecay', { controller: scheduledWeightDecay({ lambda: 5e-4, lr: 1e-3 }) }, { domain: 'nonNegative' });
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: wd });
 * ```
 */
export function scheduledWeightDecay(options: ScheduledWeightDecayOptions): Controller<ScheduledWeightDecayState, SecondMomentObservation> {
  const { lambda, beta2 = 0.999, lr, maxDecay } = readOptions(options, 'scheduledWeightDecay');
  if (maxDecay !== undefined && lr === undefined) throw new HyperscheduleError('scheduledWeightDecay.maxDecay', maxDecay, 'nothing without lr (the cap is maxDecay / lr)');
  const fraction = maxDecay ?? DEFAULT_MAX_DECAY;
  // The one side effect: a cap that applies is said once (nobody may be watching the state).
  let warned = false;
  const onCap: OnCap = (raw, cap) => {
    if (!warned) console.warn(`hyperschedule: scheduledWeightDecay capped lambda/sqrt(vbar) = ${raw.toPrecision(3)} at maxDecay / lr = ${cap.toPrecision(3)}; state.capped counts such updates`);
    warned = true;
  };
  return defineController({
    name: 'scheduledWeightDecay',
    initialState: { secondMomentSum: 0, updates: 0, value: 0 } as ScheduledWeightDecayState,
    input: (signals: TrainingSignals): Observable<SecondMomentObservation> =>
      signals.updates(['gradNorm']).pipe(
        filter((u) => u.gradNorm !== undefined),
        map((u) => ({
          squaredGradNorm: (u.gradNorm as number) ** 2,
          paramCount: u.paramCount ?? 0,
          beta2: readValue(beta2),
          ...(lr !== undefined ? { lr: readValue(lr) } : {}),
        })),
      ),
    step: (state: ScheduledWeightDecayState, input: SecondMomentObservation) => swdStep(lambda, fraction, state, input, onCap),
    value: (state: ScheduledWeightDecayState) => state.value,
    parseState: (json: unknown, field = 'scheduledWeightDecay.state') => readState(json, field) as ScheduledWeightDecayState,
  });
}
