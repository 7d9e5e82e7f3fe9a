import { type Observable, map } from 'rxjs';
import { checkBoolean, checkNumber, checkObject, checkOptional, checkRecord } from '../check.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { PerVariable } from '../signals/types.js';
import { readValueFor } from '../values/grouped.js';
import { checkNumberOrSource, readValue, type NumberOrSource, type ValueSource } from '../values/value-source.js';
import { defineController, type Controller } from './controller.js';

/**
 * Options of {@link adaptiveMomentum}, the adaptive heavy-ball momentum of Sun et al. 2021
 * (arXiv 2110.09057).
 */
export interface AdaptiveMomentumOptions {
  /** The step size gamma: the optimizer's learning rate (a number or a live source, read per update; per variable when it has `valueFor`). */
  readonly lr: NumberOrSource;
  /** The momentum is projected onto [0, 1 - delta]. Default 1e-3 (the per-tensor variant's value). */
  readonly delta?: number;
  /** Momentum used until the first curvature estimate exists (the first two updates). In [0, 1 - delta]; default 0. */
  readonly initial?: number;
  /**
   * One momentum per variable, each from its own secant pair (`gradDeltaNorms`,
   * `paramDeltaNorms`). The parameter's `value` is then their mean and `valueFor(name)` each
   * variable's own; optimizers read `valueFor` per variable. Default false: one global momentum.
   */
  readonly perVariable?: boolean;
}

/**
 * The secant pair observed at update k (x_{k+1} = x_k - lr g_k + beta_k (x_k - x_{k-1})):
 * ||g_k - g_{k-1}|| and ||x_k - x_{k-1}||, the change made by the previous update — on a
 * quadratic g_k - g_{k-1} = A (x_k - x_{k-1}), so their ratio is the curvature along that step.
 * Both are `null` (or absent) at the first update. These are the signals `gradDeltaNorm` and
 * `paramDeltaNorm` of one applied update.
 */
export interface CurvatureObservation {
  /** The step size gamma (the learning rate of the update). */
  readonly lr: number;
  /** ||g_k - g_{k-1}||. */
  readonly gradDeltaNorm?: number | null;
  /** ||x_k - x_{k-1}||. */
  readonly paramDeltaNorm?: number | null;
}

/**
 * The JSON-serialisable state of the global adaptive momentum controller.
 *
 * @example
 * ```ts
 * import { adaptiveMomentum } from 'hyperschedule';
 * adaptiveMomentum({ lr: 0.05, initial: 0.9 }).initialState; // { value: 0.9, estimates: 0 }
 * ```
 */
export interface AdaptiveMomentumState {
  /** The current momentum beta (for the next update). */
  readonly value: number;
  /** Updates whose secant pair gave a momentum so far. */
  readonly estimates: number;
}

/**
 * The state of the per-variable controller: one momentum per variable that has had a secant
 * pair; `value` (the parameter's value, for plots and configs) is their mean.
 */
export interface PerVariableMomentumState {
  readonly value: number;
  readonly values: PerVariable;
  readonly estimates: number;
}

/**
 * The per-variable secant pairs of one update and the step size per variable.
 */
export interface PerVariableCurvature {
  /** One step size for all variables, or one per variable name. */
  readonly lr: number | PerVariable;
  readonly gradDeltaNorms?: PerVariable | null;
  readonly paramDeltaNorms?: PerVariable | null;
}

/**
 * The formula: Proj_[0, 1-delta]((1 - sqrt(lr * gradDeltaNorm / paramDeltaNorm))^2).
 * `gradDeltaNorm / paramDeltaNorm` is a local curvature estimate; on a quadratic with lr = 1/L
 * and the estimate at the smallest eigenvalue mu it gives (1 - 1/sqrt(kappa))^2, the critically
 * damped heavy-ball momentum. Returns `undefined` when the ratio is undefined (zero denominator)
 * or an input is non-finite or negative.
 *
 * @example
 * ```ts
 * import { heavyBallMomentum } from './adaptive-momentum.js';
 * heavyBallMomentum(0.01, 1, 1, 1e-3); // 0.81: (1 - sqrt(0.01))^2
 * ```
 */
export function heavyBallMomentum(lr: number, gradDeltaNorm: number, paramDeltaNorm: number, delta: number): number | undefined {
  if (!(paramDeltaNorm > 0) || !Number.isFinite(paramDeltaNorm)) return undefined;
  if (!(gradDeltaNorm >= 0) || !Number.isFinite(gradDeltaNorm) || !(lr >= 0) || !Number.isFinite(lr)) return undefined;
  const beta = (1 - Math.sqrt((lr * gradDeltaNorm) / paramDeltaNorm)) ** 2;
  if (!Number.isFinite(beta)) return undefined;
  return Math.min(Math.max(beta, 0), 1 - delta);
}

/**
 * The momentum from one secant pair, or `undefined` (keep the last one): no pair yet (the first
 * update), a zero previous step, or a negative input.
 */
function estimate(delta: number, lr: number | undefined, gradDeltaNorm: number | null | undefined, paramDeltaNorm: number | null | undefined): number | undefined {
  if (lr === undefined || gradDeltaNorm === null || gradDeltaNorm === undefined || paramDeltaNorm === null || paramDeltaNorm === undefined) return undefined;
  return heavyBallMomentum(lr, gradDeltaNorm, paramDeltaNorm, delta);
}

/** The global step: the momentum for the next update from this update's secant pair. */
function globalStep(delta: number, state: AdaptiveMomentumState, o: CurvatureObservation): AdaptiveMomentumState {
  const beta = estimate(delta, o.lr, o.gradDeltaNorm, o.paramDeltaNorm);
  return beta === undefined ? state : { value: beta, estimates: state.estimates + 1 };
}

/**
 * The per-variable step ("a later variant applies it per tensor"): each variable present in
 * both maps gets its own momentum from its own secant pair; the others keep theirs.
 */
function perVariableStep(delta: number, state: PerVariableMomentumState, o: PerVariableCurvature): PerVariableMomentumState {
  const grads = o.gradDeltaNorms ?? {};
  const steps = o.paramDeltaNorms ?? {};
  const values: Record<string, number> = { ...state.values };
  let changed = false;
  for (const name of Object.keys(grads)) {
    const beta = estimate(delta, typeof o.lr === 'number' ? o.lr : o.lr[name], grads[name], steps[name]);
    if (beta !== undefined) {
      values[name] = beta;
      changed = true;
    }
  }
  if (!changed) return state;
  const all = Object.values(values);
  return { value: all.reduce((a, b) => a + b, 0) / all.length, values, estimates: state.estimates + 1 };
}

const momentumValue = checkNumber({ ge: 0, lt: 1 });
const count = checkNumber({ ge: 0, integer: true });
const readGlobalState = checkObject({ value: momentumValue, estimates: count });
const readPerVariableState = checkObject({ value: momentumValue, values: checkRecord(momentumValue), estimates: count });
const readDelta = checkOptional(checkNumber({ gt: 0, le: 1 }));
const readInitial = checkOptional(checkNumber());
const readOptions = checkObject({
  lr: checkNumberOrSource({ ge: 0 }),
  delta: readDelta,
  initial: readInitial,
  perVariable: checkOptional(checkBoolean()),
});

/** Reads `delta` (default 1e-3) and `initial` (default 0, in [0, 1 - delta]). */
function readRange(delta: number | undefined, initial: number | undefined): { delta: number; initial: number } {
  const d = delta ?? 1e-3;
  return { delta: d, initial: checkNumber({ ge: 0, le: 1 - d })(initial ?? 0, 'adaptiveMomentum.initial') };
}

/**
 * `delta` and `initial` of {@link AdaptiveMomentumOptions} with their defaults, validated (internal:
 * for `enableAdaptiveMomentum`, which projects the optimizer's momentum into [0, 1 - delta]
 * before building the controller; not exported from the package root).
 *
 * @example
 * ```ts
 * import { resolveAdaptiveMomentumOptions } from './adaptive-momentum.js';
 * resolveAdaptiveMomentumOptions().delta; // 0.001
 * ```
 */
export function resolveAdaptiveMomentumOptions(options: { readonly delta?: number; readonly initial?: number } = {}): { delta: number; initial: number } {
  const o = checkObject({ delta: readDelta, initial: readInitial })(options, 'adaptiveMomentum');
  return readRange(o.delta, o.initial);
}

/**
 * Adaptive heavy-ball momentum (Sun et al. 2021) as a {@link Controller}: after each applied
 * update it sets the momentum for the next one from the measured curvature,
 * β = Proj_[0, 1-δ]((1 − √(lr·‖Δg‖/‖Δx‖))²). Its input is each update's `gradDeltaNorm` and
 * `paramDeltaNorm` (subscribing makes the hook keep a device copy of the previous gradient and
 * parameters and compute both in its one batched read). Drive `SGD.momentum` or the `beta1` of
 * Adam/AdamW with it (or call `enableAdaptiveMomentum`, which does the wiring).
 *
 * With `perVariable: true` every variable gets its own momentum from its own secant pair
 * (`gradDeltaNorms`, `paramDeltaNorms`): the parameter's `value` is then the **mean** over the
 * variables (for plots and logs), `valueFor(variableName)` is each variable's own momentum, and
 * hyperschedule's optimizers read `valueFor` per variable when you pass the parameter itself.
 * A variable without an estimate yet gets the mean.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { SGD, adaptiveMomentum, createSession, hook, param } from 'hyperschedule';
 * const lr = 0.05;
 * const momentum = param('momentum', { controller: adaptiveMomentum({ lr, perVariable: true }) }, { domain: 'unitInterval' });
 * const optimizer = hook(new SGD({ learningRate: lr, momentum }), createSession({ params: [momentum] }));
 * const a = tf.variable(tf.scalar(3), true, 'a');
 * const b = tf.variable(tf.scalar(-2), true, 'b');
 * for (let i = 0; i < 10; i++) optimizer.minimize(() => tf.add(tf.square(a), tf.mul(10, tf.square(b))) as tf.Scalar);
 * momentum.value;          // the mean of the two momenta
 * momentum.valueFor?.('a'); // a's own momentum (what SGD used for a)
 * ```
 */
export function adaptiveMomentum(options: AdaptiveMomentumOptions & { readonly perVariable: true }): Controller<PerVariableMomentumState, PerVariableCurvature>;
export function adaptiveMomentum(options: AdaptiveMomentumOptions & { readonly perVariable?: false }): Controller<AdaptiveMomentumState, CurvatureObservation>;
export function adaptiveMomentum(options: AdaptiveMomentumOptions): Controller<AdaptiveMomentumState, CurvatureObservation> | Controller<PerVariableMomentumState, PerVariableCurvature>;
export function adaptiveMomentum(options: AdaptiveMomentumOptions): Controller<AdaptiveMomentumState, CurvatureObservation> | Controller<PerVariableMomentumState, PerVariableCurvature> {
  const o = readOptions(options, 'adaptiveMomentum');
  const { delta, initial } = readRange(o.delta, o.initial);
  const lr = o.lr;
  if (!o.perVariable) {
    return defineController({
      name: 'adaptiveMomentum',
      initialState: { value: initial, estimates: 0 } as AdaptiveMomentumState,
      input: (signals: TrainingSignals): Observable<CurvatureObservation> =>
        signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).pipe(
          map((u) => ({ lr: readValue(lr), gradDeltaNorm: u.gradDeltaNorm ?? null, paramDeltaNorm: u.paramDeltaNorm ?? null })),
        ),
      step: (state: AdaptiveMomentumState, input: CurvatureObservation) => globalStep(delta, state, input),
      value: (state: AdaptiveMomentumState) => state.value,
      parseState: (json: unknown, field = 'adaptiveMomentum.state') => readGlobalState(json, field),
    });
  }
  return defineController({
    name: 'adaptiveMomentumPerVariable',
    initialState: { value: initial, values: {}, estimates: 0 } as PerVariableMomentumState,
    input: (signals: TrainingSignals): Observable<PerVariableCurvature> =>
      signals.updates(['gradDeltaNorms', 'paramDeltaNorms']).pipe(
        map((u) => {
          const grads = u.gradDeltaNorms ?? {};
          const rates: Record<string, number> = {};
          for (const name of Object.keys(grads)) rates[name] = readValueFor(lr, name);
          return { lr: rates, gradDeltaNorms: grads, paramDeltaNorms: u.paramDeltaNorms ?? {} };
        }),
      ),
    step: (state: PerVariableMomentumState, input: PerVariableCurvature) => perVariableStep(delta, state, input),
    value: (state: PerVariableMomentumState) => state.value,
    valueFor: (state: PerVariableMomentumState, variableName: string) => state.values[variableName],
    parseState: (json: unknown, field = 'adaptiveMomentum.state') => readPerVariableState(json, field),
  });
}
