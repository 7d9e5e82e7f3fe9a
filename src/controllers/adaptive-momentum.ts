import { type Observable, type OperatorFunction, map, scan } from 'rxjs';
import { HyperscheduleError } from '../errors.js';
import { readValueFor } from '../params/grouped.js';
import { readValue, type NumberOrSource } from '../params/value-source.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { PerVariable } from '../signals/types.js';
import { defineController, type Controller } from './controller.js';

/**
 * Options of the adaptive heavy-ball momentum controller (Sun et al. 2021, arXiv 2110.09057).
 *
 * @example
 * ```ts
 * import type { AdaptiveMomentumOptions } from 'hyperschedule';
 * const o: AdaptiveMomentumOptions = { delta: 1e-3, initial: 0.9 };
 * ```
 */
export interface AdaptiveMomentumOptions {
  /** The momentum is projected onto [0, 1 - delta]. Default 1e-3 (the per-tensor variant's value). */
  readonly delta?: number;
  /** Momentum used until the first curvature estimate exists (the first two updates). Default 0. */
  readonly initial?: number;
}

/** {@link AdaptiveMomentumOptions} with defaults filled in and validated. */
export type ResolvedAdaptiveMomentumOptions = Required<AdaptiveMomentumOptions>;

/**
 * The secant pair observed at update k (x_{k+1} = x_k - lr g_k + beta_k (x_k - x_{k-1})):
 * ||g_k - g_{k-1}|| and ||x_k - x_{k-1}||, the change made by the previous update — on a
 * quadratic g_k - g_{k-1} = A (x_k - x_{k-1}), so their ratio is the curvature along that step.
 * Both are `null` (or absent) at the first update. This is exactly what the signals
 * `gradDeltaNorm` and `paramDeltaNorm` of one applied update carry.
 *
 * @example
 * ```ts
 * import type { CurvatureObservation } from 'hyperschedule';
 * const o: CurvatureObservation = { lr: 0.01, gradDiffNorm: 0.3, paramDiffNorm: 0.002 };
 * ```
 */
export interface CurvatureObservation {
  /** The step size gamma (the learning rate of the update). */
  readonly lr: number;
  /** ||g_k - g_{k-1}||. */
  readonly gradDiffNorm?: number | null;
  /** ||x_k - x_{k-1}||. */
  readonly paramDiffNorm?: number | null;
}

/**
 * The JSON-serialisable state of the global adaptive momentum controller.
 *
 * @example
 * ```ts
 * import { adaptiveMomentumInit } from 'hyperschedule';
 * adaptiveMomentumInit({ initial: 0.9 }); // { value: 0.9, estimates: 0 }
 * ```
 */
export interface AdaptiveMomentumState {
  /** The current momentum beta (for the next update). */
  readonly value: number;
  /** Updates whose secant pair gave a momentum so far. */
  readonly estimates: number;
}

/**
 * Why a step left the momentum unchanged: `'warmup'` (no secant pair yet), `'no-step'` (the
 * previous update had zero norm: the curvature ratio is undefined), `'invalid'` (a NaN/±Inf or
 * negative input).
 */
export type AdaptiveMomentumSkip = 'warmup' | 'no-step' | 'invalid';

/**
 * Fills in defaults and validates (throws `HyperscheduleError`).
 *
 * @example
 * ```ts
 * import { resolveAdaptiveMomentumOptions } from 'hyperschedule';
 * resolveAdaptiveMomentumOptions().delta; // 0.001
 * ```
 */
export function resolveAdaptiveMomentumOptions(options: AdaptiveMomentumOptions = {}): ResolvedAdaptiveMomentumOptions {
  const delta = options.delta ?? 1e-3;
  const initial = options.initial ?? 0;
  if (typeof delta !== 'number' || !(delta > 0 && delta <= 1)) throw new HyperscheduleError('adaptiveMomentum.delta', delta, 'a number in (0, 1]');
  if (typeof initial !== 'number' || !(initial >= 0 && initial <= 1 - delta)) {
    throw new HyperscheduleError('adaptiveMomentum.initial', initial, `a number in [0, 1 - delta] = [0, ${1 - delta}]`);
  }
  return { delta, initial };
}

/**
 * The state before any update.
 *
 * @example
 * ```ts
 * import { adaptiveMomentumInit } from 'hyperschedule';
 * adaptiveMomentumInit().value; // 0
 * ```
 */
export function adaptiveMomentumInit(options: AdaptiveMomentumOptions = {}): AdaptiveMomentumState {
  return { value: resolveAdaptiveMomentumOptions(options).initial, estimates: 0 };
}

/**
 * The formula: Proj_[0, 1-delta]((1 - sqrt(lr * gradDiffNorm / paramDiffNorm))^2).
 * `gradDiffNorm / paramDiffNorm` is a local curvature estimate; on a quadratic with lr = 1/L and
 * the estimate at the smallest eigenvalue mu it gives (1 - 1/sqrt(kappa))^2, the critically
 * damped heavy-ball momentum. Returns `undefined` when the ratio is undefined (zero denominator)
 * or an input is non-finite or negative.
 *
 * @example
 * ```ts
 * import { heavyBallMomentum } from 'hyperschedule';
 * heavyBallMomentum(0.01, 1, 1, 1e-3); // 0.81: (1 - sqrt(0.01))^2
 * ```
 */
export function heavyBallMomentum(lr: number, gradDiffNorm: number, paramDiffNorm: number, delta: number): number | undefined {
  if (!(paramDiffNorm > 0) || !Number.isFinite(paramDiffNorm)) return undefined;
  if (!(gradDiffNorm >= 0) || !Number.isFinite(gradDiffNorm) || !(lr >= 0) || !Number.isFinite(lr)) return undefined;
  const beta = (1 - Math.sqrt((lr * gradDiffNorm) / paramDiffNorm)) ** 2;
  if (!Number.isFinite(beta)) return undefined;
  return Math.min(Math.max(beta, 0), 1 - delta);
}

/** Classifies one observation: the new momentum, or why there is none. */
function estimate(
  delta: number,
  lr: number,
  gradDiffNorm: number | null | undefined,
  paramDiffNorm: number | null | undefined,
): { beta: number } | { skipped: AdaptiveMomentumSkip } {
  const missing = (x: number | null | undefined) => x === null || x === undefined;
  const bad = (x: number | null | undefined) => !missing(x) && (typeof x !== 'number' || !Number.isFinite(x) || x < 0);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0 || bad(gradDiffNorm) || bad(paramDiffNorm)) return { skipped: 'invalid' };
  if (missing(gradDiffNorm) || missing(paramDiffNorm)) return { skipped: 'warmup' };
  const beta = heavyBallMomentum(lr, gradDiffNorm as number, paramDiffNorm as number, delta);
  return beta === undefined ? { skipped: 'no-step' } : { beta };
}

/**
 * One controller step after an applied update: the momentum for the next update from the secant
 * pair of this one. Pure; the tfjs integration and the quadratic evidence test both run this.
 * A missing pair, a zero previous step or a NaN/±Inf input leave the value unchanged (`skipped`).
 *
 * @example
 * ```ts
 * import { adaptiveMomentumInit, adaptiveMomentumStep, resolveAdaptiveMomentumOptions } from 'hyperschedule';
 * const o = resolveAdaptiveMomentumOptions();
 * const r = adaptiveMomentumStep(o, adaptiveMomentumInit(o), { lr: 0.01, gradDiffNorm: 1, paramDiffNorm: 1 });
 * r.state.value; // 0.81
 * ```
 */
export function adaptiveMomentumStep(
  options: ResolvedAdaptiveMomentumOptions,
  state: AdaptiveMomentumState,
  observation: CurvatureObservation,
): { readonly state: AdaptiveMomentumState; readonly skipped?: AdaptiveMomentumSkip } {
  const r = estimate(options.delta, observation.lr, observation.gradDiffNorm, observation.paramDiffNorm);
  if ('skipped' in r) return { state, skipped: r.skipped };
  return { state: { value: r.beta, estimates: state.estimates + 1 } };
}

function checkMomentum(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new HyperscheduleError(field, value, 'a number in [0, 1)');
  return value;
}

function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new HyperscheduleError(field, value, 'an integer >= 0');
  return value;
}

/**
 * Checks that `json` is an {@link AdaptiveMomentumState} (e.g. from a checkpoint) and returns it.
 *
 * @example
 * ```ts
 * import { adaptiveMomentumInit, parseAdaptiveMomentumState } from 'hyperschedule';
 * parseAdaptiveMomentumState(JSON.parse(JSON.stringify(adaptiveMomentumInit()))).estimates; // 0
 * ```
 */
export function parseAdaptiveMomentumState(json: unknown, field = 'adaptiveMomentum.state'): AdaptiveMomentumState {
  if (typeof json !== 'object' || json === null) throw new HyperscheduleError(field, json, 'an adaptive momentum state object');
  const o = json as Record<string, unknown>;
  return { value: checkMomentum(`${field}.value`, o.value), estimates: checkCount(`${field}.estimates`, o.estimates) };
}

/**
 * The state of the per-variable controller: one momentum per variable that has had a secant
 * pair; `value` (the parameter's value, for plots and configs) is their mean.
 *
 * @example
 * ```ts
 * import type { PerVariableMomentumState } from 'hyperschedule';
 * const s: PerVariableMomentumState = { value: 0.85, values: { 'dense/kernel': 0.8, 'dense/bias': 0.9 }, estimates: 1 };
 * ```
 */
export interface PerVariableMomentumState {
  readonly value: number;
  readonly values: PerVariable;
  readonly estimates: number;
}

/**
 * The per-variable secant pairs of one update and the step size per variable.
 *
 * @example
 * ```ts
 * import type { PerVariableCurvature } from 'hyperschedule';
 * const o: PerVariableCurvature = { lr: 0.1, gradDiffNorms: { w: 2 }, paramDiffNorms: { w: 1 } };
 * ```
 */
export interface PerVariableCurvature {
  /** One step size for all variables, or one per variable name. */
  readonly lr: number | PerVariable;
  readonly gradDiffNorms?: PerVariable | null;
  readonly paramDiffNorms?: PerVariable | null;
}

/**
 * The per-variable step ("a later variant applies it per tensor"): each variable present in
 * both maps gets its own momentum from its own secant pair; the others keep theirs.
 *
 * @example
 * ```ts
 * import { adaptiveMomentumStepPerVariable, resolveAdaptiveMomentumOptions } from 'hyperschedule';
 * const o = resolveAdaptiveMomentumOptions();
 * const s = adaptiveMomentumStepPerVariable(o, { value: 0, values: {}, estimates: 0 },
 *   { lr: 0.01, gradDiffNorms: { a: 1, b: 4 }, paramDiffNorms: { a: 1, b: 1 } });
 * s.values; // { a: 0.81, b: 0.64 }
 * ```
 */
export function adaptiveMomentumStepPerVariable(
  options: ResolvedAdaptiveMomentumOptions,
  state: PerVariableMomentumState,
  observation: PerVariableCurvature,
): PerVariableMomentumState {
  const grads = observation.gradDiffNorms ?? {};
  const steps = observation.paramDiffNorms ?? {};
  const values: Record<string, number> = { ...state.values };
  let changed = false;
  for (const name of Object.keys(grads)) {
    if (!(name in steps)) continue;
    const lr = typeof observation.lr === 'number' ? observation.lr : observation.lr[name];
    const r = estimate(options.delta, lr as number, grads[name], steps[name]);
    if ('beta' in r) {
      values[name] = r.beta;
      changed = true;
    }
  }
  if (!changed) return state;
  const all = Object.values(values);
  return { value: all.reduce((a, b) => a + b, 0) / all.length, values, estimates: state.estimates + 1 };
}

/**
 * Checks a restored {@link PerVariableMomentumState}.
 *
 * @example
 * ```ts
 * import { parsePerVariableMomentumState } from 'hyperschedule';
 * parsePerVariableMomentumState({ value: 0.5, values: { w: 0.5 }, estimates: 1 }).values.w; // 0.5
 * ```
 */
export function parsePerVariableMomentumState(json: unknown, field = 'adaptiveMomentum.state'): PerVariableMomentumState {
  if (typeof json !== 'object' || json === null) throw new HyperscheduleError(field, json, 'a per-variable momentum state object');
  const o = json as Record<string, unknown>;
  if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) {
    throw new HyperscheduleError(`${field}.values`, o.values, 'an object of variable name -> momentum');
  }
  const values: Record<string, number> = {};
  for (const [name, v] of Object.entries(o.values)) values[name] = checkMomentum(`${field}.values.${name}`, v);
  return { value: checkMomentum(`${field}.value`, o.value), values, estimates: checkCount(`${field}.estimates`, o.estimates) };
}

/**
 * Options of {@link adaptiveMomentumController}.
 *
 * @example
 * ```ts
 * import type { AdaptiveMomentumControllerOptions } from 'hyperschedule';
 * const lr = { value: 0.05 };
 * const o: AdaptiveMomentumControllerOptions = { lr, initial: 0.9 };
 * ```
 */
export interface AdaptiveMomentumControllerOptions extends AdaptiveMomentumOptions {
  /** The step size gamma: the optimizer's learning rate (a number or a live source, read per update). */
  readonly lr: NumberOrSource;
}

/**
 * Adaptive heavy-ball momentum as a {@link Controller}: input is each applied update's global
 * `gradDeltaNorm` and `paramDeltaNorm` (subscribing makes the hook keep a device copy of the
 * previous gradient and parameters, and compute both in its one batched read), output the
 * momentum for the next update. Drive `SGD.momentum` or the `beta1` of Adam/AdamW with it (or
 * call `enableAdaptiveMomentum`, which does the wiring).
 *
 * @example
 * ```ts
 * import { adaptiveMomentumController, param } from 'hyperschedule';
 * const lr = 0.05;
 * const momentum = param('momentum', { controller: adaptiveMomentumController({ lr }) }, { domain: 'unitInterval' });
 * ```
 */
export function adaptiveMomentumController(options: AdaptiveMomentumControllerOptions): Controller<AdaptiveMomentumState, CurvatureObservation> {
  const resolved = resolveAdaptiveMomentumOptions(options);
  const lr = options.lr;
  return defineController({
    name: 'adaptiveMomentum',
    initialState: adaptiveMomentumInit(resolved),
    input: (signals: TrainingSignals): Observable<CurvatureObservation> =>
      signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).pipe(
        map((u) => ({ lr: readValue(lr), gradDiffNorm: u.gradDeltaNorm ?? null, paramDiffNorm: u.paramDeltaNorm ?? null })),
      ),
    step: (state: AdaptiveMomentumState, input: CurvatureObservation) => adaptiveMomentumStep(resolved, state, input).state,
    value: (state: AdaptiveMomentumState) => state.value,
    parseState: (json: unknown) => parseAdaptiveMomentumState(json),
  });
}

/**
 * The per-variable adaptive momentum as a {@link Controller} on `gradDeltaNorms` and
 * `paramDeltaNorms`; the parameter's value is the mean momentum. Read each variable's own value
 * with `perVariableMomentum(parameter)`.
 *
 * @example
 * ```ts
 * import { adaptiveMomentumPerVariableController, param } from 'hyperschedule';
 * const beta = param('momentum', { controller: adaptiveMomentumPerVariableController({ lr: 0.05 }) }, { domain: 'unitInterval' });
 * ```
 */
export function adaptiveMomentumPerVariableController(
  options: AdaptiveMomentumControllerOptions,
): Controller<PerVariableMomentumState, PerVariableCurvature> {
  const resolved = resolveAdaptiveMomentumOptions(options);
  const lr = options.lr;
  return defineController({
    name: 'adaptiveMomentumPerVariable',
    initialState: { value: resolved.initial, values: {}, estimates: 0 } as PerVariableMomentumState,
    input: (signals: TrainingSignals): Observable<PerVariableCurvature> =>
      signals.updates(['gradDeltaNorms', 'paramDeltaNorms']).pipe(
        map((u) => {
          const grads = u.gradDeltaNorms ?? {};
          const rates: Record<string, number> = {};
          for (const name of Object.keys(grads)) rates[name] = readValueFor(lr, name);
          return { lr: rates, gradDiffNorms: grads, paramDiffNorms: u.paramDeltaNorms ?? {} };
        }),
      ),
    step: (state: PerVariableMomentumState, input: PerVariableCurvature) => adaptiveMomentumStepPerVariable(resolved, state, input),
    value: (state: PerVariableMomentumState) => state.value,
    parseState: (json: unknown) => parsePerVariableMomentumState(json),
  });
}

/**
 * Each variable's own momentum from a parameter driven by
 * {@link adaptiveMomentumPerVariableController}: a source with `valueFor(variableName)` that
 * optimizers read per variable (variables without an estimate yet get the parameter's value).
 *
 * @example
 * ```ts
 * import { SGD, adaptiveMomentumPerVariableController, param, perVariableMomentum } from 'hyperschedule';
 * const beta = param('momentum', { controller: adaptiveMomentumPerVariableController({ lr: 0.05, initial: 0.5 }) }, { domain: 'unitInterval' });
 * const opt = new SGD({ learningRate: 0.05, momentum: perVariableMomentum(beta) });
 * ```
 */
export function perVariableMomentum(parameter: { readonly value: number; readonly controllerStateValue: unknown }): {
  readonly value: number;
  valueFor(variableName: string): number;
} {
  return {
    get value() {
      return parameter.value;
    },
    valueFor(variableName: string): number {
      const state = parameter.controllerStateValue as Partial<PerVariableMomentumState> | undefined;
      return state?.values?.[variableName] ?? parameter.value;
    },
  };
}

/**
 * Options of the {@link adaptiveMomentum} operator.
 *
 * @example
 * ```ts
 * import type { AdaptiveMomentumOperatorOptions } from 'hyperschedule';
 * const o: AdaptiveMomentumOperatorOptions = { onSkip: (why) => console.warn('kept momentum:', why) };
 * ```
 */
export interface AdaptiveMomentumOperatorOptions extends AdaptiveMomentumOptions {
  /** Resume from this state instead of {@link adaptiveMomentumInit}. */
  readonly state?: AdaptiveMomentumState;
  /** Called whenever an observation left the value unchanged, with the reason. */
  readonly onSkip?: (reason: AdaptiveMomentumSkip, observation: CurvatureObservation) => void;
}

/**
 * Adaptive heavy-ball momentum as a plain rxjs operator: one {@link CurvatureObservation} per
 * applied update in, the momentum for the next update out.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { adaptiveMomentum } from 'hyperschedule';
 * from([
 *   { lr: 0.01, gradDiffNorm: null, paramDiffNorm: null },
 *   { lr: 0.01, gradDiffNorm: 1, paramDiffNorm: 1 },
 * ]).pipe(adaptiveMomentum()).subscribe((beta) => console.log(beta)); // 0, then 0.81
 * ```
 */
export function adaptiveMomentum(options: AdaptiveMomentumOperatorOptions = {}): OperatorFunction<CurvatureObservation, number> {
  const resolved = resolveAdaptiveMomentumOptions(options);
  const start = options.state ? parseAdaptiveMomentumState(options.state) : adaptiveMomentumInit(resolved);
  return (source) =>
    source.pipe(
      scan<CurvatureObservation, AdaptiveMomentumState>((state, observation) => {
        const r = adaptiveMomentumStep(resolved, state, observation);
        if (r.skipped) options.onSkip?.(r.skipped, observation);
        return r.state;
      }, start),
      map((state) => state.value),
    );
}
