import type { Subscription } from 'rxjs';
import { HyperscheduleError, describeValue } from '../errors.js';
import { nonFiniteFields } from '../signals/finite.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { Controller } from './controller.js';

/**
 * What one input did: it held a NaN/±Infinity (`invalid`: skipped, nothing changed), or it gave
 * a value that was `accepted` (the new state is committed) or `refused` (the state stays).
 */
export type FeedResult =
  | { readonly outcome: 'invalid'; readonly fields: Readonly<Record<string, number>> }
  | { readonly outcome: 'accepted' | 'refused'; readonly value: number };

/**
 * Runs one {@link Controller}: holds its committed state, skips inputs holding NaN/±Infinity,
 * and commits a new state only when its value is accepted (a parameter refusing an
 * out-of-domain value leaves the controller where it was). Every controller-driven parameter
 * runs its controller through one of these; tests and offline replays feed it directly.
 *
 * @example
 * ```ts
 * import { reduceOnPlateau } from 'hyperschedule';
 * import { ControllerRunner } from './runner.js';
 * const runner = new ControllerRunner(reduceOnPlateau({ patience: 1, factor: 0.5 }));
 * for (const loss of [1, 1, 1]) runner.feed(loss);
 * runner.value; // 0.5
 * runner.feed(Number.NaN); // { outcome: 'invalid', fields: { value: NaN } }: skipped
 * ```
 */
export class ControllerRunner<S, I> {
  readonly controller: Controller<S, I>;
  private committed: S;

  /** Starts from `state` (a checkpoint, validated by `parseState`) or the controller's initial state. */
  constructor(controller: Controller<S, I>, state?: unknown, field = `${controller.name}.state`) {
    this.controller = controller;
    this.committed = state === undefined ? controller.initialState : this.parse(state, field);
  }

  /** The committed state (JSON-serialisable). */
  get state(): S {
    return this.committed;
  }

  /** The value in the committed state. */
  get value(): number {
    return this.controller.value(this.committed);
  }

  /** The committed per-variable value of `variableName`, if the controller has one. */
  valueFor(variableName: string): number | undefined {
    return this.controller.valueFor?.(this.committed, variableName);
  }

  /** Replaces the state with one read back from JSON (validated; throws naming `field`). */
  restore(json: unknown, field = `${this.controller.name}.state`): void {
    this.prepareRestore(json, field)();
  }

  /**
   * Validates a state read back from JSON — the controller's `parseState`, then its value must
   * be a finite number — and returns the commit, which cannot fail. Nothing changes until it runs.
   */
  prepareRestore(json: unknown, field = `${this.controller.name}.state`): () => void {
    const state = this.parse(json, field);
    let value: unknown;
    try {
      value = this.controller.value(state);
    } catch (error) {
      // Refused below, like a non-finite value (either would fail at the first read), quoting it.
      value = String(error);
    }
    if (!Number.isFinite(value)) throw new HyperscheduleError(field, json, `a state whose value is finite, not ${describeValue(value)}`);
    return () => {
      this.committed = state;
    };
  }

  /**
   * One input: skipped when it holds a NaN/±Infinity; otherwise the next state is committed if
   * `accept(value)` says so (default: always).
   */
  feed(input: I, accept: (value: number) => boolean = () => true): FeedResult {
    const fields = nonFiniteFields(input);
    if (Object.keys(fields).length > 0) return { outcome: 'invalid', fields };
    const next = this.controller.step(this.committed, input);
    const value = this.controller.value(next);
    if (!accept(value)) return { outcome: 'refused', value };
    this.committed = next;
    return { outcome: 'accepted', value };
  }

  /**
   * Feeds every input of the controller's stream on `signals`; `onInvalid` hears the skipped ones
   * and `onError` an exception the controller threw (its state stays as it was). Without
   * `onError`, rxjs would report the exception later, far from the update that caused it.
   */
  connect(
    signals: TrainingSignals,
    accept: (value: number) => boolean,
    onInvalid: (fields: Readonly<Record<string, number>>) => void,
    onError?: (error: unknown) => void,
  ): Subscription {
    return this.controller.input(signals).subscribe((input) => {
      let r: FeedResult;
      try {
        r = this.feed(input, accept);
      } catch (error) {
        if (!onError) throw error;
        onError(error);
        return;
      }
      if (r.outcome === 'invalid') onInvalid(r.fields);
    });
  }

  private parse(json: unknown, field: string): S {
    return this.controller.parseState ? this.controller.parseState(json, field) : (json as S);
  }
}
