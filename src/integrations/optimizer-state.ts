import type * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { checkIterations, parseOptimizerWeights, weightLayoutOf, type ParsedWeights, type WeightLayout } from '../optimizers/weight-layout.js';
import { checkTensorList, type SerializedTensor, type TensorExpectation } from './tensor-json.js';

/**
 * The expectation of an entry of `layout`'s list: slots float32 (of their variable's shape when
 * the variables are known), sums of squares >= 0.
 */
function expectationFor(name: string, layout: WeightLayout | undefined, variables: ReadonlyMap<string, tf.Variable> | undefined): TensorExpectation {
  const cut = name.lastIndexOf('/');
  const slot = name.slice(cut + 1);
  if (layout === undefined || name === 'iter' || slot === 'step') return {};
  const shape = variables?.get(name.slice(0, cut))?.shape;
  const nonNegative = layout.extras.includes(name) || layout.nonNegativeSlots.includes(slot);
  return { dtype: 'float32', ...(shape ? { shape } : {}), ...(nonNegative ? { nonNegative: `a ${slot} slot, a sum of squares` } : {}) };
}

/**
 * With the variables known (saved name → live variable): every slot set belongs to a saved
 * variable, every trainable variable has one when any has, and the names become the live ones.
 */
function renameToLive(list: readonly SerializedTensor[], layout: WeightLayout, variables: ReadonlyMap<string, tf.Variable>, field: string): SerializedTensor[] {
  const named = new Set<string>();
  const out = list.map((t) => {
    const cut = t.name.lastIndexOf('/');
    const slot = t.name.slice(cut + 1);
    if (cut <= 0 || !(layout.slots.includes(slot) || slot === 'step')) return t;
    const variable = t.name.slice(0, cut);
    const live = variables.get(variable);
    if (!live) throw new HyperscheduleError(`${field}.${t.name}`, variable, 'the state of a saved variable');
    named.add(variable);
    return { ...t, name: `${live.name}/${slot}` };
  });
  if (named.size > 0) {
    for (const [name, live] of variables) {
      if (live.trainable && !named.has(name)) throw new HyperscheduleError(`${field}.${name}/${layout.slots[0]}`, undefined, `the optimizer state of ${live.name}`);
    }
  }
  return out;
}

/** tf.train matches slots by position: every block in the order of the first (the saved gradient order). */
function inBlockOrder(list: readonly SerializedTensor[], parsed: ParsedWeights, layout: WeightLayout): SerializedTensor[] {
  const blocks = layout.slots.flatMap((slot) => [...parsed.variables.values()].map((state) => list[state.slots.get(slot) as number] as SerializedTensor));
  return [list[0] as SerializedTensor, ...blocks];
}

/**
 * Checks a checkpoint's optimizer weights before anything is loaded and returns them ready for
 * `optimizer.setWeights` (still JSON). Every tensor must be well-formed and finite; against the
 * optimizer's {@link WeightLayout}: `iter` first and an integer in [0, 2^31 - 1], the full slot
 * set per variable and no unknown slot, second moments and accumulators >= 0, slots float32.
 * With `variables` (saved name → live variable) the slots must belong to those variables and have
 * their shapes, every trainable one needs its slot set, and the names become the live names. A
 * `tf.train` optimizer pairs slots with gradients by position: with `variables`, the slots must
 * list them in the order of `variables` (the gradient order); every block is put in the order of
 * the first. Without a known layout (another optimizer class, or no optimizer to load into) only the
 * tensors and `iter` are checked.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { checkOptimizerWeights } from './optimizer-state.js';
 * const saved = [
 *   { name: 'iter', shape: [], dtype: 'int32' as const, values: [2] },
 *   { name: 'w/momentum', shape: [2], dtype: 'float32' as const, values: [0.1, -0.2] },
 * ];
 * checkOptimizerWeights(saved, tf.train.momentum(0.1, 0.9), undefined, 'checkpoint.optimizer').length; // 2
 * ```
 */
export function checkOptimizerWeights(
  saved: unknown,
  optimizer: tf.Optimizer | undefined,
  variables: ReadonlyMap<string, tf.Variable> | undefined,
  field: string,
): SerializedTensor[] {
  const layout = optimizer === undefined ? undefined : weightLayoutOf(optimizer);
  const list = checkTensorList(saved, field, (name) => expectationFor(name, layout, variables));
  const entries = list.map((t) => ({ name: t.name, shape: t.shape, ...(t.name === 'iter' || t.name.endsWith('/step') ? { scalar: t.values[0] as number } : {}) }));
  if (layout === undefined) {
    const iter = entries.find((e) => e.name === 'iter');
    if (iter) checkIterations(iter, `${field}.iter`);
    return list;
  }
  const live = variables === undefined ? list : renameToLive(list, layout, variables, field);
  const parsed = parseOptimizerWeights(entries, layout, field);
  if (!layout.byPosition) return live;
  // tf.train pairs slots with the gradients by position: the saved order must be that of the
  // variables (the gradient order of model.trainableWeights), or state would load into another.
  const order = [...parsed.variables.keys()];
  if (variables && order.join('\n') !== [...variables.keys()].filter((name) => parsed.variables.has(name)).join('\n')) {
    throw new HyperscheduleError(field, order, `slots in the order of targets.variables (${layout.optimizer} pairs them with gradients by position)`);
  }
  return inBlockOrder(live, parsed, layout);
}
