import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { ScalarCache } from './scalar-cache.js';

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
  /** Position in this update's gradient list (used to match restored state after a reload). */
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
  /** Restored states in saved order, for matching by position when names changed on reload. */
  private restoredOrder: string[] = [];

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

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = this.entriesOf(variableGradients);
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
   * optimizer). Slots are matched to variables by name; if the variables were renamed (a model
   * loaded in the same process gets `_1` suffixes), by position in the first update's gradient
   * list, as tfjs does, provided the shapes agree.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const iter = weightValues.find((w) => w.name === 'iter') ?? weightValues[0];
    if (iter === undefined || iter.name !== 'iter') {
      throw new HyperscheduleError(`${this.label}.setWeights`, weightValues.map((w) => w.name), "an 'iter' scalar first");
    }
    const iterations = Math.round((await iter.tensor.data())[0] ?? 0);
    const allowed = new Set([...this.slotNames, 'step']);
    const parsed = weightValues
      .filter((w) => w !== iter)
      .map((w) => {
        const cut = w.name.lastIndexOf('/');
        const slot = w.name.slice(cut + 1);
        if (cut <= 0 || !allowed.has(slot)) {
          throw new HyperscheduleError(
            `${this.label}.setWeights`,
            w.name,
            `names "<variable>/<slot>" with slot one of ${[...allowed].join(', ')}`,
          );
        }
        return { variable: w.name.slice(0, cut), slot, tensor: w.tensor };
      });
    const steps = new Map<string, number>();
    for (const p of parsed.filter((q) => q.slot === 'step')) {
      steps.set(p.variable, Math.round((await p.tensor.data())[0] ?? 0));
    }
    // Build the new state before disposing the old: the values may be our own live slots.
    const next = new Map<string, VariableState>();
    for (const p of parsed) {
      if (p.slot === 'step') continue;
      let state = next.get(p.variable);
      if (state === undefined) {
        state = { step: steps.get(p.variable) ?? iterations, slots: new Map(), shape: [...p.tensor.shape], restored: true };
        next.set(p.variable, state);
      }
      state.slots.set(p.slot, tf.variable(p.tensor, false));
    }
    this.disposeStates();
    this.states = next;
    this.restoredOrder = [...next.keys()];
    this.iterations_ = iterations;
  }

  override dispose(): void {
    this.disposeStates();
    this.scalars.dispose();
    super.dispose();
  }

  private disposeStates(): void {
    for (const state of this.states.values()) for (const v of state.slots.values()) v.dispose();
    this.states = new Map();
    this.restoredOrder = [];
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

  private stateFor(entry: GradientEntry): VariableState {
    const own = this.states.get(entry.name);
    if (own !== undefined) {
      own.restored = false;
      return own;
    }
    const candidateName = this.restoredOrder[entry.index];
    const candidate = candidateName === undefined ? undefined : this.states.get(candidateName);
    if (candidateName !== undefined && candidate?.restored === true && sameShape(candidate.shape, entry.variable.shape)) {
      candidate.restored = false;
      // Re-key in place so getWeights keeps the saved order.
      this.states = new Map([...this.states].map(([k, s]) => (k === candidateName ? [entry.name, s] : [k, s])));
      return candidate;
    }
    const state: VariableState = { step: 0, slots: new Map(), shape: [...entry.variable.shape], restored: false };
    this.states.set(entry.name, state);
    return state;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
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
