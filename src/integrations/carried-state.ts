import * as tf from '@tensorflow/tfjs-core';
import { checkArray, checkNullable, checkNumber, checkObject, checkString, checkUnknown } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { matchVariableNames, repeatedName, type NamedShape } from '../variable-names.js';
import type { GradientOf } from './device-stats.js';
import { checkTensorList, serializeTensor, type SerializedTensor } from './tensor-json.js';

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
  // The tensors are checked by checkTensorList.
  previousGradients: checkNullable(checkUnknown()),
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
  /** Set by a restore: the saved names may differ from this update's variable names (tfjs numbers them). */
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

  /** Replaces the carried tensors with a saved {@link HookState} (validated whole first; a refusal changes nothing). */
  restore(state: HookState, field = 'hookState'): void {
    this.prepareRestore(state, field).apply();
  }

  /**
   * Validates a saved {@link HookState} — exactly its fields, every gradient finite and
   * well-formed, one square (finite, >= 0) per name, no name twice — and builds its tensors;
   * `apply` then swaps them in (it cannot fail), `discard` frees them. With `variables` (saved
   * name → live variable, from a checkpoint's variable matching) every name must be a known
   * variable, each gradient must have its variable's shape, and the state is renamed to the live
   * names; without, names are matched at the first update (see {@link CarriedState.matchVariables}).
   */
  prepareRestore(state: HookState, field = 'hookState', variables?: ReadonlyMap<string, tf.Variable>): { apply(): void; discard(): void } {
    const raw = readHookState(state, field);
    const delta = raw.pendingParamDelta;
    if (delta && delta.names.length !== delta.squares.length) {
      throw new HyperscheduleError(`${field}.pendingParamDelta.squares`, delta.squares.length, `${delta.names.length} numbers, one per name`);
    }
    const liveName = (name: string, at: string): string => {
      const v = variables ? variables.get(name) : { name };
      if (!v) throw new HyperscheduleError(at, name, 'the name of a saved variable');
      return v.name;
    };
    const gradients = raw.previousGradients === null ? undefined : checkTensorList(raw.previousGradients, `${field}.previousGradients`, (name) => {
      const v = variables?.get(name);
      return { dtype: 'float32', ...(v ? { shape: v.shape } : {}) };
    });
    const gradientNames = gradients?.map((g) => liveName(g.name, `${field}.previousGradients.${g.name}`));
    const names = delta?.names.map((n, i) => liveName(n, `${field}.pendingParamDelta.names[${i}]`));
    for (const [list, at] of [[gradientNames, 'previousGradients'], [names, 'pendingParamDelta.names']] as const) {
      const twice = repeatedName(list ?? []);
      if (twice !== undefined) throw new HyperscheduleError(`${field}.${at}`, twice, 'each variable once');
    }
    // Checked: building the tensors cannot fail.
    const restored = gradients && new Map(gradients.map((g, i) => [gradientNames![i]!, tf.keep(tf.tensor(g.values as number[], [...g.shape], 'float32'))] as const));
    const squares = delta && tf.keep(tf.tensor1d([...delta.squares], 'float32'));
    const created = [...(restored?.values() ?? []), ...(squares ? [squares] : [])];
    return {
      apply: () => {
        this.dispose();
        this.previousGradients = restored;
        if (squares) this.pendingParamDelta = { names: names ?? [], squares };
        this.remapPending = true;
      },
      discard: () => tf.dispose(created),
    };
  }

  /**
   * After a restore, matches saved per-variable state to this update's variables with
   * `matchVariableNames`: by name, or by name stem and creation order when a rebuilt model has
   * renumbered names. Throws, naming the mismatch, when they do not match (nothing changes; the
   * next update tries again). A no-op otherwise.
   */
  matchVariables(entries: readonly GradientOf[]): void {
    if (!this.remapPending) return;
    const live = entries.map((e) => ({ name: e.name, shape: e.tensor.shape }));
    const rename = (field: string, saved: NamedShape[]): ((name: string) => string) => {
      const match = matchVariableNames(saved, live, { allowUnmatchedSaved: true });
      if (!match.ok) throw new HyperscheduleError(`hookState.${field}`, saved.map((e) => e.name), `names of this update's variables: ${match.reason}`);
      return (name) => match.mapping.get(name) ?? name;
    };
    const previous = this.previousGradients;
    const pending = this.pendingParamDelta;
    const gradientName = previous && rename('previousGradients', [...previous].map(([name, t]) => ({ name, shape: t.shape })));
    const deltaName = pending && rename('pendingParamDelta.names', pending.names.map((name) => ({ name })));
    this.remapPending = false;
    if (previous && gradientName) this.previousGradients = new Map([...previous].map(([n, t]) => [gradientName(n), t]));
    if (pending && deltaName) this.pendingParamDelta = { names: pending.names.map(deltaName), squares: pending.squares };
  }
}
