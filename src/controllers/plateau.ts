import { type Observable, type OperatorFunction, map, scan } from 'rxjs';
import { HyperscheduleError } from '../errors.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { MetricScope } from '../signals/types.js';
import { defineController, type Controller } from './controller.js';

/**
 * Options of {@link plateauStep} / {@link reduceOnPlateau}, with PyTorch's
 * `ReduceLROnPlateau` names and defaults.
 *
 * The controller's value starts at `initial` (default 1, so it is a *factor* that multiplies any
 * schedule: cosine × plateau). Give `initial: lr` and `min: minLr` to reproduce PyTorch's learning
 * rate exactly.
 *
 * @example
 * ```ts
 * import type { PlateauOptions } from 'hyperschedule';
 * const opts: PlateauOptions = { mode: 'max', patience: 3, factor: 0.5, cooldown: 2 };
 * ```
 */
export interface PlateauOptions {
  /** `'min'`: reduce when the metric stops decreasing (a loss); `'max'`: stops increasing (an accuracy). Default `'min'`. */
  readonly mode?: 'min' | 'max';
  /** Multiplier applied on each reduction, in (0, 1). Default 0.1. */
  readonly factor?: number;
  /** Metrics without improvement tolerated before reducing (the reduction happens on the next one). Default 10. */
  readonly patience?: number;
  /** How much better a metric must be to count as an improvement. Default 1e-4. */
  readonly threshold?: number;
  /** `'rel'`: better than `best * (1 ∓ threshold)`; `'abs'`: better than `best ∓ threshold`. Default `'rel'`. */
  readonly thresholdMode?: 'rel' | 'abs';
  /** Metrics to ignore after a reduction before counting bad ones again. Default 0. */
  readonly cooldown?: number;
  /** Floor of the value (PyTorch `min_lr`; a floor on the factor when `initial` is 1). Default 0. */
  readonly min?: number;
  /** A reduction smaller than this is skipped. Default 1e-8. */
  readonly eps?: number;
  /** Starting value. Default 1 (a multiplicative factor). */
  readonly initial?: number;
}

/** {@link PlateauOptions} with every default filled in and validated. */
export type ResolvedPlateauOptions = Required<PlateauOptions>;

/**
 * The complete, JSON-serialisable state of a plateau controller: restoring it resumes the exact
 * trajectory. `best` is `null` until the first finite metric (PyTorch starts at ±inf, which JSON
 * cannot hold).
 *
 * @example
 * ```ts
 * import { plateauInit } from 'hyperschedule';
 * JSON.stringify(plateauInit()); // '{"best":null,"numBadEpochs":0,"cooldownCounter":0,"value":1,"lastEpoch":0}'
 * ```
 */
export interface PlateauState {
  readonly best: number | null;
  readonly numBadEpochs: number;
  readonly cooldownCounter: number;
  readonly value: number;
  readonly lastEpoch: number;
}

/**
 * The outcome of one {@link plateauStep}: the new state, whether the value was just reduced, and
 * whether the metric was rejected (NaN/±Inf: state unchanged).
 *
 * @example
 * ```ts
 * import { plateauInit, plateauStep, resolvePlateauOptions } from 'hyperschedule';
 * const r = plateauStep(resolvePlateauOptions({}), plateauInit(), Number.NaN);
 * r.invalid; // true
 * ```
 */
export interface PlateauStepResult {
  readonly state: PlateauState;
  readonly reduced: boolean;
  readonly invalid: boolean;
}

function check(field: string, value: number, ok: boolean, allowed: string): number {
  if (typeof value !== 'number' || !ok) throw new HyperscheduleError(`reduceOnPlateau.${field}`, value, allowed);
  return value;
}

/**
 * Fills in PyTorch's defaults and validates every option (throws `HyperscheduleError`).
 *
 * @example
 * ```ts
 * import { resolvePlateauOptions } from 'hyperschedule';
 * resolvePlateauOptions({ patience: 2 }).factor; // 0.1
 * ```
 */
export function resolvePlateauOptions(options: PlateauOptions = {}): ResolvedPlateauOptions {
  const mode = options.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw new HyperscheduleError('reduceOnPlateau.mode', mode, '"min" or "max"');
  const thresholdMode = options.thresholdMode ?? 'rel';
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
    throw new HyperscheduleError('reduceOnPlateau.thresholdMode', thresholdMode, '"rel" or "abs"');
  }
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 10;
  const threshold = options.threshold ?? 1e-4;
  const cooldown = options.cooldown ?? 0;
  const min = options.min ?? 0;
  const eps = options.eps ?? 1e-8;
  const initial = options.initial ?? 1;
  return {
    mode,
    thresholdMode,
    factor: check('factor', factor, factor > 0 && factor < 1, 'a number in (0, 1)'),
    patience: check('patience', patience, Number.isInteger(patience) && patience >= 0, 'an integer >= 0'),
    threshold: check('threshold', threshold, Number.isFinite(threshold) && threshold >= 0, 'a finite number >= 0'),
    cooldown: check('cooldown', cooldown, Number.isInteger(cooldown) && cooldown >= 0, 'an integer >= 0'),
    min: check('min', min, Number.isFinite(min) && min >= 0, 'a finite number >= 0'),
    eps: check('eps', eps, Number.isFinite(eps) && eps >= 0, 'a finite number >= 0'),
    initial: check('initial', initial, Number.isFinite(initial) && initial > 0, 'a finite number > 0'),
  };
}

/**
 * The state before any metric: value `initial`, no best yet.
 *
 * @example
 * ```ts
 * import { plateauInit } from 'hyperschedule';
 * plateauInit({ initial: 0.1 }).value; // 0.1
 * ```
 */
export function plateauInit(options: PlateauOptions = {}): PlateauState {
  const { initial } = resolvePlateauOptions(options);
  return { best: null, numBadEpochs: 0, cooldownCounter: 0, value: initial, lastEpoch: 0 };
}

/** PyTorch's `is_better`; `best === null` (±inf) is beaten by every finite metric. */
function isBetter(o: ResolvedPlateauOptions, metric: number, best: number | null): boolean {
  if (best === null) return true;
  if (o.mode === 'min') return o.thresholdMode === 'rel' ? metric < best * (1 - o.threshold) : metric < best - o.threshold;
  return o.thresholdMode === 'rel' ? metric > best * (o.threshold + 1) : metric > best + o.threshold;
}

/**
 * One `ReduceLROnPlateau.step(metric)` as a pure function, line for line PyTorch 1.13's logic
 * (tested for exact equality against torch). A NaN/±Inf metric is rejected: the state comes back
 * unchanged with `invalid: true` (PyTorch would count it as a bad epoch; a diverged evaluation
 * should not silently cut the learning rate).
 *
 * @example
 * ```ts
 * import { plateauInit, plateauStep, resolvePlateauOptions } from 'hyperschedule';
 * const o = resolvePlateauOptions({ patience: 1, factor: 0.5 });
 * let s = plateauInit(o);
 * for (const loss of [1, 1, 1]) s = plateauStep(o, s, loss).state;
 * s.value; // 0.5 (second bad metric after the best exceeds patience 1)
 * ```
 */
export function plateauStep(options: ResolvedPlateauOptions, state: PlateauState, metric: number): PlateauStepResult {
  if (typeof metric !== 'number' || !Number.isFinite(metric)) return { state, reduced: false, invalid: true };
  let { best, numBadEpochs, cooldownCounter, value } = state;
  if (isBetter(options, metric, best)) {
    best = metric;
    numBadEpochs = 0;
  } else {
    numBadEpochs += 1;
  }
  if (cooldownCounter > 0) {
    cooldownCounter -= 1;
    numBadEpochs = 0; // bad metrics during cooldown do not count
  }
  let reduced = false;
  if (numBadEpochs > options.patience) {
    const next = Math.max(value * options.factor, options.min);
    if (value - next > options.eps) {
      value = next;
      reduced = true;
    }
    cooldownCounter = options.cooldown;
    numBadEpochs = 0;
  }
  return { state: { best, numBadEpochs, cooldownCounter, value, lastEpoch: state.lastEpoch + 1 }, reduced, invalid: false };
}

/**
 * Checks that `json` is a {@link PlateauState} (e.g. read back from a checkpoint) and returns it.
 *
 * @example
 * ```ts
 * import { parsePlateauState, plateauInit } from 'hyperschedule';
 * parsePlateauState(JSON.parse(JSON.stringify(plateauInit()))).value; // 1
 * ```
 */
export function parsePlateauState(json: unknown, field = 'plateau.state'): PlateauState {
  const o = json as Record<string, unknown> | null;
  const int = (k: string): number => {
    const v = o?.[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new HyperscheduleError(`${field}.${k}`, v, 'an integer >= 0');
    return v;
  };
  if (typeof o !== 'object' || o === null) throw new HyperscheduleError(field, json, 'a plateau state object');
  const best = o.best;
  if (best !== null && (typeof best !== 'number' || !Number.isFinite(best))) {
    throw new HyperscheduleError(`${field}.best`, best, 'a finite number or null');
  }
  const value = o.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HyperscheduleError(`${field}.value`, value, 'a finite number >= 0');
  }
  return { best, numBadEpochs: int('numBadEpochs'), cooldownCounter: int('cooldownCounter'), value, lastEpoch: int('lastEpoch') };
}

/**
 * Options of the {@link reduceOnPlateau} operator: the plateau options plus where to start (a
 * restored state) and where to report rejected metrics.
 *
 * @example
 * ```ts
 * import type { ReduceOnPlateauOptions } from 'hyperschedule';
 * const o: ReduceOnPlateauOptions = { patience: 5, onInvalid: (m) => console.warn('bad metric', m) };
 * ```
 */
export interface ReduceOnPlateauOptions extends PlateauOptions {
  /** Resume from this state (from a checkpoint) instead of {@link plateauInit}. */
  readonly state?: PlateauState;
  /** Called with each rejected (NaN/±Inf) metric; the emitted value is then unchanged. */
  readonly onInvalid?: (metric: number, state: PlateauState) => void;
  /** Called after every metric with the new state (for checkpointing). */
  readonly onState?: (state: PlateauState) => void;
}

/**
 * ReduceLROnPlateau as an rxjs operator: a stream of eval metrics in, the current value (a factor,
 * starting at 1) out, one emission per metric. Multiply it with any schedule.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { reduceOnPlateau } from 'hyperschedule';
 * from([1.0, 0.9, 0.9, 0.9, 0.9]).pipe(reduceOnPlateau({ patience: 2, factor: 0.5 }))
 *   .subscribe((f) => console.log(f)); // 1 1 1 1 0.5
 * ```
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): OperatorFunction<number, number> {
  const resolved = resolvePlateauOptions(options);
  const start = options.state ? parsePlateauState(options.state) : plateauInit(resolved);
  return (source) =>
    source.pipe(
      scan<number, PlateauState>((state, metric) => {
        const r = plateauStep(resolved, state, metric);
        if (r.invalid) options.onInvalid?.(metric, state);
        options.onState?.(r.state);
        return r.state;
      }, start),
      map((state) => state.value),
    );
}

/**
 * Options of {@link reduceOnPlateauController}: the plateau options plus which metric to watch.
 *
 * @example
 * ```ts
 * import type { PlateauControllerOptions } from 'hyperschedule';
 * const o: PlateauControllerOptions = { metric: 'val_acc', mode: 'max', patience: 3 };
 * ```
 */
export interface PlateauControllerOptions extends PlateauOptions {
  /** Metric name, e.g. `'val_loss'` (default) or `'val_acc'`. */
  readonly metric?: string;
  /** Which reports count (default epoch-end logs and user-reported eval metrics, not batch logs). */
  readonly scopes?: readonly MetricScope[];
}

/**
 * ReduceLROnPlateau as a {@link Controller} on an eval-metric stream: its value is a factor
 * (from 1, or from `initial`) that a parameter multiplies with any schedule, so cosine × plateau
 * needs no fight over one value. NaN/Inf metrics never reach it (the signals drop and report them).
 *
 * @example
 * ```ts
 * import { cosine, param, reduceOnPlateauController } from 'hyperschedule';
 * const base = param('lrBase', { schedule: cosine({ init: 0.1, duration: 90, unit: 'epoch' }) }, { domain: 'positive' });
 * const factor = param('plateau', { controller: reduceOnPlateauController({ metric: 'val_loss', patience: 5 }) }, { domain: 'positive' });
 * const lr = base.times(factor, 'lr');
 * ```
 */
export function reduceOnPlateauController(options: PlateauControllerOptions = {}): Controller<PlateauState, number> {
  const resolved = resolvePlateauOptions(options);
  const metric = options.metric ?? 'val_loss';
  if (typeof metric !== 'string' || metric === '') throw new HyperscheduleError('reduceOnPlateau.metric', metric, 'a metric name such as "val_loss"');
  const scopes = options.scopes ?? ['epoch', 'eval'];
  return defineController({
    name: 'reduceOnPlateau',
    initialState: plateauInit(resolved),
    input: (signals: TrainingSignals): Observable<number> => signals.metric(metric, scopes).pipe(map((m) => m.value)),
    step: (state: PlateauState, value: number) => plateauStep(resolved, state, value).state,
    value: (state: PlateauState) => state.value,
    parseState: (json: unknown) => parsePlateauState(json),
  });
}
