import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { matchVariableNames, sameShape } from '../variable-names.js';
import { ScalarCache } from './scalar-cache.js';
import { parseOptimizerWeights, type WeightLayout } from './weight-layout.js';

/** Slots that hold second moments (sums of squares, so >= 0), by the names the subclasses use. */
const SECOND_MOMENTS: ReadonlySet<string> = new Set(['v', 'vhat']);

/**
 * A named tensor as `tf.Optimizer.getWeights/setWeights` exchange them (tfjs-core does not
 * export its own type).
 *
 * @example
 * ```ts
 * import type { NamedTensor } from './live-optimizer.js';
 * ```
 */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * One variable's gradient in an update, as the optimizers see it.
 *
 * @example
 * ```ts
 * import type { GradientEntry } from './live-optimizer.js';
 * ```
 */
export interface GradientEntry {
  /** The variable's registered name. */
  readonly name: string;
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
  /** Position in this update's gradient list. */
  readonly index: number;
}

/**
 * The per-variable optimizer state: update count and named slot variables (`m`, `v`, `momentum`...).
 *
 * @example
 * ```ts
 * import type { VariableState } from './live-optimizer.js';
 * ```
 */
export interface VariableState {
  /** Updates applied to this variable (PyTorch's per-parameter `state['step']`). */
  step: number;
  readonly slots: Map<string, tf.Variable>;
  readonly shape: readonly number[];
  /** Came from setWeights and has not yet been matched to a live variable. */
  restored: boolean;
}

/**
 * Base for hyperschedule's optimizers: a `tf.Optimizer` whose subclasses read their
 * hyperparameters afresh on every update.
 *
 * It owns what every optimizer shares: turning the gradient list into entries, per-variable state
 * keyed by variable name (slot variables created lazily, non-trainable), one `tf.tidy` per
 * variable, the scalar cache, and saving state in tfjs's weight conventions (`iter` first, then
 * `<variable>/<slot>` tensors grouped by slot). Subclasses implement {@link LiveOptimizer.plan}
 * (host-side only: read and validate values, fetch scalars) and
 * {@link LiveOptimizer.updateVariable} (tensor math for one variable).
 *
 * @example
 * ```ts
 * import { SGD } from 'hyperschedule';
 * const opt = new SGD({ learningRate: 0.1 }); // a LiveOptimizer
 * ```
 */
export abstract class LiveOptimizer<Plan> extends tf.Optimizer {
  /** Scalars shared by all variables of an update; unchanged values reuse their tensor. */
  protected readonly scalars = new ScalarCache();
  private states = new Map<string, VariableState>();
  /** Set by setWeights: the next update matches the restored states to its variables. */
  private matchPending = false;

  /** Slot names in the order {@link LiveOptimizer.getWeights} groups them, e.g. `['m', 'v']`. */
  protected abstract readonly slotNames: readonly string[];

  /**
   * Reads and validates this update's hyperparameters and returns one plan per entry (scalars
   * from {@link LiveOptimizer.scalars}). Runs before any variable changes, so a bad value throws
   * without a half-applied update. `steps[i]` is entry i's step count including this update.
   */
  protected abstract plan(entries: readonly GradientEntry[], steps: readonly number[]): Plan[];

  /** The update of one variable; runs inside its own `tf.tidy`. */
  protected abstract updateVariable(entry: GradientEntry, state: VariableState, plan: Plan): void;

  /** @param label Name used in error messages, e.g. `"AdamW"`. */
  constructor(protected readonly label: string) {
    super();
  }

  /**
   * The layout of {@link LiveOptimizer.getWeights}: `iter`, the slots every variable with state
   * has, `<variable>/step`, and optimizer-wide extras. Checkpoint restores check saved state
   * against it before anything changes.
   */
  get weightLayout(): WeightLayout {
    return {
      optimizer: this.label,
      slots: this.slotNames,
      nonNegativeSlots: this.slotNames.filter((s) => SECOND_MOMENTS.has(s)),
      byPosition: false,
      stepSlot: true,
      extras: this.extraWeights,
    };
  }

  /** Optimizer-wide scalars {@link LiveOptimizer.getWeights} saves besides `iter` (finite, >= 0). */
  protected get extraWeights(): readonly string[] {
    return [];
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = this.entriesOf(variableGradients);
    this.matchRestored(entries);
    const states = entries.map((entry) => this.stateFor(entry));
    const plans = this.plan(entries, states.map((s) => s.step + 1));
    entries.forEach((entry, i) => {
      const state = states[i] as VariableState;
      state.step += 1;
      tf.tidy(() => this.updateVariable(entry, state, plans[i] as Plan));
    });
    this.scalars.sweep();
    this.incrementIterations();
  }

  /** Updates applied to the named variable so far (0 if it has never had a gradient). */
  stepOf(variableName: string): number {
    return this.states.get(variableName)?.step ?? 0;
  }

  /**
   * The optimizer state in tfjs's conventions: `iter` (int32 scalar) first, then the slot
   * variables named `<variable>/<slot>`, all variables' first slot, then the second... — the
   * same layout as `tf.train.adam` (`/m`, `/v`) and `tf.train.momentum` (`/momentum`), so
   * `model.save({ includeOptimizer: true })` works. A variable whose own step count differs from
   * `iter` (it missed updates) adds a `<variable>/step` int32 scalar. Slot tensors are the live
   * variables: do not dispose them.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    for (const slot of this.slotNames) {
      for (const [name, state] of this.states) {
        const tensor = state.slots.get(slot);
        if (tensor !== undefined) weights.push({ name: `${name}/${slot}`, tensor });
      }
    }
    for (const [name, state] of this.states) {
      if (state.step !== this.iterations && state.slots.size > 0) {
        weights.push({ name: `${name}/step`, tensor: tf.scalar(state.step, 'int32') });
      }
    }
    return weights;
  }

  /**
   * Restores state saved by {@link LiveOptimizer.getWeights} (or by the matching `tf.train.*`
   * optimizer). Checks the whole list first (see `parseOptimizerWeights`: `iter` an integer in
   * [0, 2^31 - 1], every variable with its full slot set, no unknown slot, `/step` at most `iter`)
   * and changes nothing when it refuses. Slots are matched to variables by name at the first
   * update; when names differ there (a rebuilt model's variables are renumbered), by name stem
   * and creation order (`matchVariableNames`). Unrelated names make that update throw: state is
   * never paired by position alone.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const field = `${this.label}.setWeights`;
    if (!Array.isArray(weightValues)) throw new HyperscheduleError(field, weightValues, 'an array of { name, tensor }');
    const entries = await Promise.all(
      weightValues.map(async (w) => {
        const counted = w.name === 'iter' || w.name.endsWith('/step');
        return { name: w.name, shape: w.tensor.shape, ...(counted ? { scalar: (await w.tensor.data())[0] } : {}) };
      }),
    );
    const parsed = parseOptimizerWeights(entries, this.weightLayout, field);
    // Build the new state before disposing the old: the values may be our own live slots.
    const next = new Map<string, VariableState>();
    for (const [variable, saved] of parsed.variables) {
      const slots = new Map<string, tf.Variable>();
      for (const [slot, index] of saved.slots) slots.set(slot, tf.variable((weightValues[index] as NamedTensor).tensor, false));
      next.set(variable, { step: saved.step ?? parsed.iterations, slots, shape: [...saved.shape], restored: true });
    }
    this.disposeStates();
    this.states = next;
    this.matchPending = next.size > 0;
    this.iterations_ = parsed.iterations;
  }

  override dispose(): void {
    this.disposeStates();
    this.scalars.dispose();
    super.dispose();
  }

  private disposeStates(): void {
    for (const state of this.states.values()) for (const v of state.slots.values()) v.dispose();
    this.states = new Map();
  }

  private entriesOf(variableGradients: tf.NamedTensorMap | NamedTensor[]): GradientEntry[] {
    const pairs: Array<[string, tf.Tensor | null | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    const entries: GradientEntry[] = [];
    pairs.forEach(([name, gradient], index) => {
      // A missing gradient means "not updated this step" (PyTorch skips params whose grad is None).
      if (gradient === null || gradient === undefined) return;
      const variable = registered[name];
      if (variable === undefined) {
        throw new HyperscheduleError(`${this.label}.applyGradients`, name, 'the name of a registered tf.Variable');
      }
      entries.push({ name, variable, gradient, index });
    });
    return entries;
  }

  /**
   * At the first update after a restore: checks this update's variables against their states
   * (same shapes) and gives the restored states whose names this update does not use to the
   * variables that have no state yet, by `matchVariableNames` (name stem and creation order,
   * shapes equal). Throws before anything changes when they do not match — unrelated names are
   * refused, never paired by position — and tries again at the next update. A restored state
   * this update has no variable of its stem for (a frozen layer) keeps its saved name.
   */
  private matchRestored(entries: readonly GradientEntry[]): void {
    // Only states from setWeights can disagree with their variables; the others were made for them.
    if (!this.matchPending) return;
    const field = `${this.label}.applyGradients`;
    const live = entries.map((e) => ({ name: e.name, shape: e.variable.shape }));
    for (const e of live) {
      const own = this.states.get(e.name);
      if (own && !sameShape(own.shape, e.shape)) throw new HyperscheduleError(field, e.shape, `[${own.shape.join(', ')}], the shape of ${e.name}'s optimizer state`);
    }
    const waiting = [...this.states].filter(([name, s]) => s.restored && !live.some((e) => e.name === name)).map(([name, s]) => ({ name, shape: s.shape }));
    const fresh = live.filter((e) => !this.states.has(e.name));
    if (waiting.length > 0 && fresh.length > 0) {
      const match = matchVariableNames(waiting, fresh, { allowUnmatchedSaved: true });
      if (!match.ok) throw new HyperscheduleError(field, fresh.map((e) => e.name), `variables matching the restored optimizer state by name: ${match.reason}`);
      // Re-key in place so getWeights keeps the saved order.
      this.states = new Map([...this.states].map(([k, s]) => [match.mapping.get(k) ?? k, s]));
    }
    this.matchPending = false;
  }

  private stateFor(entry: GradientEntry): VariableState {
    const own = this.states.get(entry.name);
    if (own !== undefined) {
      own.restored = false;
      return own;
    }
    const state: VariableState = { step: 0, slots: new Map(), shape: [...entry.variable.shape], restored: false };
    this.states.set(entry.name, state);
    return state;
  }
}

/**
 * Stores `value` as the slot `name` of `state`: assigns it to the existing slot variable, or on
 * first use makes a non-trainable variable of it (sharing its data, so no zero-filled buffer is
 * ever allocated; the caller's tidy frees only the handle).
 *
 * @example
 * ```ts
 * import { writeSlot } from './live-optimizer.js';
 * // inside updateVariable: writeSlot(state, 'm', newFirstMoment);
 * ```
 */
export function writeSlot(state: VariableState, name: string, value: tf.Tensor): void {
  const v = state.slots.get(name);
  if (v === undefined) state.slots.set(name, tf.variable(value, false));
  else v.assign(value);
}
