import { type Observable, map } from 'rxjs';
import { checkArray, checkNullable, checkNumber, checkObject, checkOneOf, checkOptional, checkString } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { MetricScope } from '../signals/types.js';
import { defineController, type Controller } from './controller.js';

/**
 * Options of {@link reduceOnPlateau}: PyTorch's `ReduceLROnPlateau` names and defaults, plus
 * which metric to watch.
 *
 * The controller's value starts at `initial` (default 1, so it is a *factor* that multiplies any
 * schedule: cosine × plateau). Give `initial: lr` and `min: minLr` to reproduce PyTorch's learning
 * rate exactly.
 */
export interface ReduceOnPlateauOptions {
  /** Metric name, e.g. `'val_loss'` (default) or `'val_acc'`. */
  readonly metric?: string;
  /** Which reports count (default epoch-end logs and user-reported eval metrics, not batch logs). */
  readonly scopes?: readonly MetricScope[];
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

/**
 * The complete, JSON-serialisable state of a plateau controller: restoring it resumes the exact
 * trajectory. `best` is `null` until the first metric (PyTorch starts at ±inf, which JSON cannot
 * hold); `lastEpoch` counts the metrics seen.
 *
 * @example
 * ```ts
 * import { reduceOnPlateau } from 'hyperschedule';
 * JSON.stringify(reduceOnPlateau().initialState); // '{"best":null,"numBadEpochs":0,"cooldownCounter":0,"value":1,"lastEpoch":0}'
 * ```
 */
export interface PlateauState {
  readonly best: number | null;
  readonly numBadEpochs: number;
  readonly cooldownCounter: number;
  readonly value: number;
  readonly lastEpoch: number;
}

const count = checkNumber({ ge: 0, integer: true });
const nonNegative = checkNumber({ ge: 0 });

const readOptions = checkObject({
  metric: checkOptional(checkString()),
  scopes: checkOptional(checkArray(checkOneOf(['batch', 'epoch', 'eval'] as const))),
  mode: checkOptional(checkOneOf(['min', 'max'] as const)),
  factor: checkOptional(checkNumber({ gt: 0, lt: 1 })),
  patience: checkOptional(count),
  threshold: checkOptional(nonNegative),
  thresholdMode: checkOptional(checkOneOf(['rel', 'abs'] as const)),
  cooldown: checkOptional(count),
  min: checkOptional(nonNegative),
  eps: checkOptional(nonNegative),
  initial: checkOptional(checkNumber({ gt: 0 })),
});

const readState = checkObject({
  best: checkNullable(checkNumber()),
  numBadEpochs: count,
  cooldownCounter: count,
  value: nonNegative,
  lastEpoch: count,
});

type Rule = Required<Omit<ReduceOnPlateauOptions, 'metric' | 'scopes'>>;

/** PyTorch's `is_better`; `best === null` (±inf) is beaten by every metric. */
function isBetter(o: Rule, metric: number, best: number | null): boolean {
  if (best === null) return true;
  if (o.mode === 'min') return o.thresholdMode === 'rel' ? metric < best * (1 - o.threshold) : metric < best - o.threshold;
  return o.thresholdMode === 'rel' ? metric > best * (o.threshold + 1) : metric > best + o.threshold;
}

/**
 * One `ReduceLROnPlateau.step(metric)`, line for line PyTorch 1.13's logic (tested for exact
 * equality against torch). Finite metrics only: the runner skips NaN/±Inf ones (PyTorch would
 * count them as bad epochs; a diverged evaluation should not silently cut the learning rate).
 */
function plateauStep(o: Rule, state: PlateauState, metric: number): PlateauState {
  let { best, numBadEpochs, cooldownCounter, value } = state;
  if (isBetter(o, metric, best)) {
    best = metric;
    numBadEpochs = 0;
  } else {
    numBadEpochs += 1;
  }
  if (cooldownCounter > 0) {
    cooldownCounter -= 1;
    numBadEpochs = 0; // bad metrics during cooldown do not count
  }
  if (numBadEpochs > o.patience) {
    const next = Math.max(value * o.factor, o.min);
    if (value - next > o.eps) value = next;
    cooldownCounter = o.cooldown;
    numBadEpochs = 0;
  }
  return { best, numBadEpochs, cooldownCounter, value, lastEpoch: state.lastEpoch + 1 };
}

/**
 * ReduceLROnPlateau as a {@link Controller} on an eval-metric stream: its value is a factor
 * (from 1, or from `initial`) that a parameter multiplies with any schedule, so cosine × plateau
 * needs no fight over one value. NaN/Inf metrics never reach it (the signals drop and report
 * them). Matches PyTorch 1.13 step for step.
 *
 * @example
 * ```ts
 * import { cosine, param, reduceOnPlateau } from 'hyperschedule';
 * const base = param('lrBase', { schedule: cosine({ init: 0.1, min: 1e-4, duration: 90, unit: 'epoch' }) }, { domain: 'positive' });
 * const factor = param('plateau', { controller: reduceOnPlateau({ metric: 'val_loss', patience: 5 }) }, { domain: 'positive' });
 * const lr = base.times(factor, 'lr');
 * ```
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): Controller<PlateauState, number> {
  const o = readOptions(options, 'reduceOnPlateau');
  const metric = o.metric ?? 'val_loss';
  if (metric === '') throw new HyperscheduleError('reduceOnPlateau.metric', metric, 'a metric name such as "val_loss"');
  const scopes = o.scopes ?? ['epoch', 'eval'];
  const rule: Rule = {
    mode: o.mode ?? 'min',
    factor: o.factor ?? 0.1,
    patience: o.patience ?? 10,
    threshold: o.threshold ?? 1e-4,
    thresholdMode: o.thresholdMode ?? 'rel',
    cooldown: o.cooldown ?? 0,
    min: o.min ?? 0,
    eps: o.eps ?? 1e-8,
    initial: o.initial ?? 1,
  };
  return defineController({
    name: 'reduceOnPlateau',
    initialState: { best: null, numBadEpochs: 0, cooldownCounter: 0, value: rule.initial, lastEpoch: 0 },
    input: (signals: TrainingSignals): Observable<number> => signals.metric(metric, scopes).pipe(map((m) => m.value)),
    step: (state: PlateauState, value: number) => plateauStep(rule, state, value),
    value: (state: PlateauState) => state.value,
    parseState: (json: unknown, field = 'reduceOnPlateau.state') => readState(json, field),
  });
}
