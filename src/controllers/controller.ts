import type { Observable } from 'rxjs';
import { HyperscheduleError } from '../errors.js';
import type { TrainingSignals } from '../signals/hub.js';

/**
 * A reactive rule that drives a hyperparameter from training signals — the one form every
 * controller (plateau, adaptive momentum, scheduled weight decay, your own) takes.
 *
 * A controller is *pure data + pure functions*; all state lives in `S`, which must be
 * JSON-serialisable (numbers, strings, booleans, `null`, arrays, plain objects — no `Infinity`,
 * use `null`), so a checkpoint is `JSON.stringify(state)` and resuming is exact.
 *
 * - `input(signals)` picks the controller's input stream from the hub, e.g.
 *   `signals.metric('val_loss')` or `signals.updates(['gradDeltaNorm', 'paramDeltaNorm'])`.
 *   Subscribing to it is what makes the hooks compute device statistics, so select only what
 *   you need. It may `map` in other live values (e.g. the current learning rate `lr.value`).
 * - `step(state, input)` is the transition; it never sees NaN/±Infinity (the runner skips such
 *   inputs and reports them on `signals.nonFinite$`).
 * - `value(state)` is the parameter value in a state. When a parameter refuses that value (out
 *   of its domain), the new state is *not* committed either, so state and value never disagree.
 * - `valueFor(state, variableName)` (optional) gives each variable its own value; the parameter
 *   then has a `valueFor(name)` that optimizers read per variable.
 * - `parseState(json, field)` validates a restored state (throw `HyperscheduleError` naming
 *   `field`); optional.
 *
 * Attach it to a parameter with `param(name, { controller })`; a session binds it to its
 * signals. Standalone (tests, replaying a log), run it with {@link ControllerRunner}.
 *
 * @example
 * ```ts
 * import { map } from 'rxjs';
 * import { param, type Controller } from 'hyperschedule';
 *
 * // Halve a factor whenever the validation loss fails to improve.
 * const halveOnPlateau: Controller<{ best: number | null; value: number }, number> = {
 *   name: 'halveOnPlateau',
 *   initialState: { best: null, value: 1 },
 *   input: (signals) => signals.metric('val_loss').pipe(map((m) => m.value)),
 *   step: (s, loss) => (s.best === null || loss < s.best ? { ...s, best: loss } : { ...s, value: s.value / 2 }),
 *   value: (s) => s.value,
 * };
 * const lrFactor = param('lrFactor', { controller: halveOnPlateau }, { domain: 'positive' });
 * ```
 */
export interface Controller<S = unknown, I = unknown> {
  /** Short name for reports, e.g. `"reduceOnPlateau"`. */
  readonly name: string;
  /** State before any input. */
  readonly initialState: S;
  /** The input stream this controller reacts to. */
  input(signals: TrainingSignals): Observable<I>;
  /** Pure transition: the state after one (finite) input. */
  step(state: S, input: I): S;
  /** Pure readout: the parameter value in `state`. */
  value(state: S): number;
  /** Per-variable readout: the value for one variable, or `undefined` when the state has none for it. */
  valueFor?(state: S, variableName: string): number | undefined;
  /** Validates a state read back from JSON (throws `HyperscheduleError` naming `field`). Default: accepted as is. */
  parseState?(json: unknown, field: string): S;
}

/**
 * Checks a controller object and lets TypeScript infer `S` and `I` from an object literal.
 *
 * @example
 * ```ts
 * import { defineController } from 'hyperschedule';
 * const counter = defineController({
 *   name: 'countUpdates',
 *   initialState: 0,
 *   input: (signals) => signals.updateApplied$,
 *   step: (n: number) => n + 1,
 *   value: (n: number) => n,
 * });
 * ```
 */
export function defineController<S, I>(controller: Controller<S, I>): Controller<S, I> {
  for (const key of ['input', 'step', 'value'] as const) {
    if (typeof controller?.[key] !== 'function') throw new HyperscheduleError(`controller.${key}`, controller?.[key], 'a function');
  }
  for (const key of ['valueFor', 'parseState'] as const) {
    if (controller[key] !== undefined && typeof controller[key] !== 'function') throw new HyperscheduleError(`controller.${key}`, controller[key], 'a function or absent');
  }
  if (typeof controller.name !== 'string' || controller.name === '') throw new HyperscheduleError('controller.name', controller.name, 'a non-empty string');
  return controller;
}
