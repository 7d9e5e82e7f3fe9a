import * as tf from '@tensorflow/tfjs-core';
import { checkArray, checkNullable, checkNumber, checkObject, checkString, checkUnknown } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { GradientOf } from './device-stats.js';
import { deserializeTensor, serializeTensor, type SerializedTensor } from './tensor-json.js';

/**
 * The device state a hook carries between updates (previous gradients for `gradDeltaNorm`, the
 * previous update's squared parameter deltas for `paramDeltaNorm`), as JSON for checkpoints.
 *
 * @example
 * ```ts
 * import type { HookState } from 'hyperschedule';
 * const empty: HookState = { previousGradients: null, pendingParamDelta: null };
 * ```
 */
export interface HookState {
  readonly previousGradients: readonly SerializedTensor[] | null;
  readonly pendingParamDelta: { readonly names: readonly string[]; readonly squares: readonly number[] } | null;
}

const readHookState = checkObject({
  // Shapes, dtypes and values are checked by deserializeTensor, which names the same fields.
  previousGradients: checkNullable(checkArray(checkObject({ name: checkString(), shape: checkUnknown(), dtype: checkUnknown(), values: checkUnknown() }))),
  pendingParamDelta: checkNullable(checkObject({ names: checkArray(checkString()), squares: checkArray(checkNumber({ ge: 0 })) })),
});

/**
 * The tensors one optimizer's hook keeps on the device between updates: the previous update's
 * gradients and its squared per-variable parameter deltas. Owns them (frees what it replaces),
 * saves them as {@link HookState} and matches restored state to renamed variables.
 *
 * @example
 * ```ts
 * import { CarriedState } from './carried-state.js';
 * const carried = new CarriedState();
 * await carried.state(); // { previousGradients: null, pendingParamDelta: null }
 * ```
 */
export class CarriedState {
  /** Gradients of the last applied update, by variable name. */
  previousGradients: Map<string, tf.Tensor> | undefined;
  /** Squared per-variable parameter deltas of the last applied update (read with the next one). */
  pendingParamDelta: { names: string[]; squares: tf.Tensor } | undefined;
  /** Set by restore: the saved names may differ from this process's variable names (tfjs numbers them). */
  private remapPending = false;

  /** Keeps copies of `entries` as the previous gradients (frees the old ones). */
  keepGradients(entries: readonly GradientOf[]): void {
    const next = new Map(entries.map((e) => [e.name, tf.keep(tf.clone(e.tensor))] as const));
    this.dropGradients();
    this.previousGradients = next;
  }

  /** Keeps `squares` (owned from now on) as the pending parameter deltas of `names`. */
  keepParamDelta(names: string[], squares: tf.Tensor): void {
    this.dropParamDelta();
    this.pendingParamDelta = { names, squares: tf.keep(squares) };
  }

  /** Frees the previous gradients. */
  dropGradients(): void {
    if (!this.previousGradients) return;
    for (const t of this.previousGradients.values()) t.dispose();
    this.previousGradients = undefined;
  }

  /** Frees the pending parameter deltas. */
  dropParamDelta(): void {
    this.pendingParamDelta?.squares.dispose();
    this.pendingParamDelta = undefined;
  }

  /** Frees everything. */
  dispose(): void {
    this.dropGradients();
    this.dropParamDelta();
  }

  /** The carried tensors as JSON (reads the device). */
  async state(): Promise<HookState> {
    const previousGradients = this.previousGradients
      ? await Promise.all([...this.previousGradients].map(([name, t]) => serializeTensor(name, t)))
      : null;
    const pending = this.pendingParamDelta;
    const pendingParamDelta = pending ? { names: [...pending.names], squares: Array.from(await pending.squares.data()) } : null;
    return { previousGradients, pendingParamDelta };
  }

  /** Replaces the carried tensors with a saved {@link HookState} (validated first). */
  restore(state: HookState, field = 'hookState'): void {
    const raw = readHookState(state, field);
    const delta = raw.pendingParamDelta;
    if (delta && delta.names.length !== delta.squares.length) {
      throw new HyperscheduleError(`${field}.pendingParamDelta.squares`, delta.squares.length, `${delta.names.length} numbers, one per name`);
    }
    const restored: [string, tf.Tensor][] = [];
    try {
      raw.previousGradients?.forEach((s, i) => {
        restored.push([s.name, tf.keep(deserializeTensor(s as SerializedTensor, `${field}.previousGradients[${i}]`))]);
      });
    } catch (error) {
      tf.dispose(restored.map(([, t]) => t));
      throw error;
    }
    this.dispose();
    this.previousGradients = raw.previousGradients ? new Map(restored) : undefined;
    if (delta) this.pendingParamDelta = { names: [...delta.names], squares: tf.keep(tf.tensor1d([...delta.squares], 'float32')) };
    this.remapPending = true;
  }

  /**
   * After a restore, matches saved per-variable state to this update's variables: by name, or by
   * position when the names differ but the counts agree (a rebuilt model gets new tfjs names).
   * A no-op otherwise.
   */
  matchVariables(entries: readonly GradientOf[]): void {
    if (!this.remapPending) return;
    this.remapPending = false;
    const names = entries.map((e) => e.name);
    const previous = this.previousGradients;
    if (previous && !names.every((n) => previous.has(n))) {
      if (previous.size === names.length) {
        const values = [...previous.values()];
        this.previousGradients = new Map(names.map((n, i) => [n, values[i]!] as const));
      } else {
        this.dropGradients();
      }
    }
    const pending = this.pendingParamDelta;
    if (pending && !pending.names.every((n) => names.includes(n))) {
      if (pending.names.length === names.length) this.pendingParamDelta = { names, squares: pending.squares };
      else this.dropParamDelta();
    }
  }
}
