import { Observable, type OperatorFunction } from 'rxjs';
import { HyperscheduleError } from '../errors.js';
import { nonFiniteFields } from '../signals/finite.js';
import type { TrainingSignals } from '../signals/hub.js';

/**
 * A reactive rule that drives a hyperparameter from training signals — the contract every
 * controller (plateau, adaptive momentum, scheduled weight decay, batch-size rules) implements.
 *
 * A controller is *pure data + pure functions*; all state lives in `S`, which must be
 * JSON-serialisable (numbers, strings, booleans, `null`, arrays, plain objects — no `Infinity`,
 * use `null`), so a checkpoint is `JSON.stringify(state)` and resuming is exact.
 *
 * - `input(signals)` picks the controller's input stream from the hub, e.g.
 *   `signals.metric('val_loss')` or `signals.updates(['gradDeltaNorm', 'paramDeltaNorm'])`.
 *   Subscribing to it is what makes the hooks compute device statistics, so select only what
 *   you need. It may `map` in other live values (e.g. the current learning rate `lr.value`).
 * - `step(state, input)` is the transition; it never sees NaN/±Infinity (inputs containing one
 *   are skipped and reported on `signals.nonFinite$` by whoever runs the controller).
 * - `value(state)` is the parameter value in a state. When a parameter refuses that value (out
 *   of its domain), the new state is *not* committed either, so state and value never disagree.
 * - `parseState(json)` validates a restored state (throw `HyperscheduleError`); optional.
 *
 * Attach it to a parameter with `param(name, { controller })`; a session binds it to its
 * signals. Standalone, run it on any stream with {@link runController}.
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
  /** Validates a state read back from JSON (throws `HyperscheduleError`). Default: accepted as is. */
  parseState?(json: unknown): S;
}

/**
 * Identity helper that lets TypeScript infer `S` and `I` from an object literal.
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
  if (typeof controller.name !== 'string' || controller.name === '') throw new HyperscheduleError('controller.name', controller.name, 'a non-empty string');
  return controller;
}

/**
 * One accepted controller step: the input, the new state and its value.
 *
 * @example
 * ```ts
 * import type { ControllerOutput } from 'hyperschedule';
 * const log = (o: ControllerOutput<number, number>) => console.log(o.input, '->', o.value);
 * ```
 */
export interface ControllerOutput<S, I> {
  readonly input: I;
  readonly state: S;
  readonly value: number;
}

/**
 * Options of {@link runController}.
 *
 * @example
 * ```ts
 * import type { RunControllerOptions } from 'hyperschedule';
 * const o: RunControllerOptions<number> = { onInvalid: (fields) => console.warn(fields) };
 * ```
 */
export interface RunControllerOptions<S> {
  /** Start from this state (a checkpoint) instead of `initialState`. */
  readonly state?: S;
  /** Called with the offending fields of each input that held a NaN/±Infinity (the input is skipped). */
  readonly onInvalid?: (fields: Record<string, number>, input: unknown) => void;
}

/**
 * A controller as a plain rxjs operator over its input stream: emits `{ input, state, value }` for
 * every finite input and skips (and reports via `onInvalid`) the others. It does not validate the
 * value against a domain — a parameter does that when the controller drives one.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { defineController, runController } from 'hyperschedule';
 * const sum = defineController({
 *   name: 'sum', initialState: 0, input: () => from([]),
 *   step: (s: number, x: number) => s + x, value: (s: number) => s,
 * });
 * from([1, Number.NaN, 2]).pipe(runController(sum)).subscribe((o) => console.log(o.value)); // 1, 3
 * ```
 */
export function runController<S, I>(controller: Controller<S, I>, options: RunControllerOptions<S> = {}): OperatorFunction<I, ControllerOutput<S, I>> {
  return (source) =>
    new Observable<ControllerOutput<S, I>>((subscriber) => {
      let state = options.state ?? controller.initialState;
      return source.subscribe({
        next: (input) => {
          const bad = nonFiniteFields(input);
          if (Object.keys(bad).length > 0) {
            options.onInvalid?.(bad, input);
            return;
          }
          state = controller.step(state, input);
          subscriber.next({ input, state, value: controller.value(state) });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
