import { checkNumber } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { repeatedName } from '../variable-names.js';

/**
 * What an optimizer's `getWeights()` list holds, so saved state can be checked before
 * `setWeights` sees it: `iter` first, then per-variable slots named `<variable>/<slot>`.
 *
 * @example
 * ```ts
 * import { weightLayoutOf } from './weight-layout.js';
 * import * as tf from '@tensorflow/tfjs';
 * weightLayoutOf(tf.train.adam(1e-3))?.slots; // ['m', 'v']
 * ```
 */
export interface WeightLayout {
  /** The optimizer's class name, for messages. */
  readonly optimizer: string;
  /** The slots every variable with state has, one tensor each, in the order tfjs groups them. */
  readonly slots: readonly string[];
  /** Slots that are sums of squares (second moments, accumulators): their values are >= 0. */
  readonly nonNegativeSlots: readonly string[];
  /**
   * True for `tf.train` optimizers: after `iter` comes one block per slot, each listing the
   * variables in one order, and the slots are matched to the variables by their position in the
   * gradient list (tfjs ignores the names). False: matched by name.
   */
  readonly byPosition: boolean;
  /** A `<variable>/step` int32 scalar may follow (hyperschedule's optimizers: a variable that missed updates). */
  readonly stepSlot: boolean;
  /** Optimizer-wide scalars besides `iter` (AdamS's `AdamS/secondMomentSum`): finite and >= 0. */
  readonly extras: readonly string[];
}

/** One entry of a weight list as far as its structure goes; `scalar` is the value of `iter` and `/step` entries. */
export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly scalar?: number;
}

/** One variable's saved state: its slots (slot name → index in the weight list), shape and own step count. */
export interface VariableWeights {
  readonly shape: readonly number[];
  readonly slots: ReadonlyMap<string, number>;
  /** The `<variable>/step` value, if saved. */
  readonly step: number | undefined;
}

/**
 * A weight list read against its {@link WeightLayout}: the update count and every variable's
 * slots (in the order of their first slot).
 */
export interface ParsedWeights {
  readonly iterations: number;
  readonly variables: ReadonlyMap<string, VariableWeights>;
}

/** tfjs keeps the update count as an int32 (`iter`); a larger one wraps. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * The `tf.train.*` optimizers (tfjs-core 4.x `getWeights`), by class name: `slots|second moments`.
 * tf.train.adamax is absent: tfjs implements no getWeights/setWeights for it.
 */
const TF_TRAIN: Readonly<Record<string, string>> = {
  SGD: '|',
  Momentum: 'momentum|',
  Adam: 'm v|v',
  Adagrad: 'accumulator|accumulator',
  Adadelta: 'accum_grad accum_var|accum_grad accum_var',
  RMSProp: 'rms momentum|rms',
};

/**
 * The weight layout of `optimizer`: its own `weightLayout` (hyperschedule's optimizers), the
 * `tf.train.*` layout for its class, or `undefined` for an optimizer this library does not know
 * (its state is then checked only for finite values and `iter`; tf.train.adamax, which cannot
 * save or restore state at all, is one).
 *
 * @example
 * ```ts
 * import { AdamW } from 'hyperschedule';
 * import { weightLayoutOf } from './weight-layout.js';
 * weightLayoutOf(new AdamW())?.nonNegativeSlots; // ['v']
 * ```
 */
export function weightLayoutOf(optimizer: object): WeightLayout | undefined {
  const own = (optimizer as { weightLayout?: WeightLayout }).weightLayout;
  if (own !== undefined) return own;
  const name = (optimizer as { getClassName?: () => string }).getClassName?.();
  const table = name === undefined ? undefined : TF_TRAIN[name];
  if (table === undefined) return undefined;
  const [slots, nonNegativeSlots] = table.split('|').map((list) => list.split(' ').filter(Boolean)) as [string[], string[]];
  // A centered RMSProp also keeps the mean gradient.
  if ((optimizer as { centered?: unknown }).centered === true) slots.push('mg');
  return { optimizer: name as string, slots, nonNegativeSlots, byPosition: true, stepSlot: false, extras: [] };
}

/**
 * Checks a saved update count (`iter`, or a `<variable>/step` with `max` = iter): a scalar
 * integer in [0, max]; `iter` at most 2^31 - 1 (tfjs keeps it as an int32; tf.train.adam raises
 * beta to it).
 *
 * @example
 * ```ts
 * import { checkIterations } from './weight-layout.js';
 * checkIterations({ name: 'iter', shape: [], scalar: 12 }, 'optimizer.iter'); // 12
 * // checkIterations({ name: 'iter', shape: [], scalar: -1 }, 'optimizer.iter') throws
 * ```
 */
export function checkIterations(entry: WeightEntry, field: string, max = INT32_MAX): number {
  if (entry.shape.length !== 0) throw new HyperscheduleError(`${field}.shape`, entry.shape, '[] (a count)');
  return checkNumber({ ge: 0, le: max, integer: true })(entry.scalar, field);
}

/**
 * Reads a weight list against `layout` and refuses, naming the entry (`<field>.<name>`), anything
 * that would load wrong state: `iter` missing, not first, or not an integer in [0, 2^31 - 1]; an
 * unknown or repeated name; a slot the optimizer does not have; a variable without its full slot
 * set, or with slots of different shapes; a `/step` count above `iter`; for `tf.train`
 * optimizers, blocks that are not one per slot. Values other than the counts are not read here.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { parseOptimizerWeights, weightLayoutOf } from './weight-layout.js';
 * const layout = weightLayoutOf(tf.train.momentum(0.1, 0.9))!;
 * parseOptimizerWeights([{ name: 'iter', shape: [], scalar: 3 }, { name: 'w/momentum', shape: [2] }], layout, 'opt').iterations; // 3
 * ```
 */
export function parseOptimizerWeights(entries: readonly WeightEntry[], layout: WeightLayout, field: string): ParsedWeights {
  const { optimizer, slots } = layout;
  const fail = (at: string, value: unknown, allowed: string): never => {
    throw new HyperscheduleError(`${field}${at}`, value, allowed);
  };
  const first = entries[0];
  if (first?.name !== 'iter') fail('[0]', first?.name, '"iter" first');
  const iterations = checkIterations(first as WeightEntry, `${field}.iter`);
  const twice = repeatedName(entries.map((e) => e.name));
  if (twice !== undefined) fail(`.${twice}`, twice, 'each name once');
  const variables = new Map<string, { shape: readonly number[]; slots: Map<string, number>; step: number | undefined }>();
  const steps = new Map<string, number>();
  entries.forEach((entry, index) => {
    const { name, shape } = entry;
    const cut = name.lastIndexOf('/');
    const variable = name.slice(0, cut);
    const slot = name.slice(cut + 1);
    if (index === 0) return;
    if (layout.extras.includes(name)) {
      if (shape.length !== 0) fail(`.${name}.shape`, shape, '[] (a scalar)');
    } else if (cut > 0 && slot === 'step' && layout.stepSlot) {
      steps.set(variable, checkIterations(entry, `${field}.${name}`, iterations));
    } else if (cut > 0 && slots.includes(slot)) {
      const state = variables.get(variable) ?? { shape, slots: new Map<string, number>(), step: undefined };
      if (shape.join() !== state.shape.join()) fail(`.${name}.shape`, shape, `[${state.shape.join(', ')}], as ${variable}'s other slots`);
      state.slots.set(slot, index);
      variables.set(variable, state);
    } else {
      fail(`.${name}`, name, `a slot of ${optimizer}: ${[...slots, ...(layout.stepSlot ? ['step'] : [])].join(', ')}`);
    }
  });
  for (const [variable, state] of variables) {
    const missing = slots.find((s) => !state.slots.has(s));
    if (missing !== undefined) fail(`.${variable}/${missing}`, undefined, `every slot of ${variable} (${slots.join(', ')})`);
    state.step = steps.get(variable);
  }
  for (const variable of steps.keys()) if (!variables.has(variable)) fail(`.${variable}/step`, variable, 'the step of a variable with slots');
  // tf.train's setWeights slices the list into one block per slot: block k must hold slot k only.
  if (layout.byPosition) {
    entries.slice(1).forEach(({ name }, i) => {
      const slot = slots[Math.floor(i / variables.size)];
      if (!name.endsWith(`/${slot}`)) fail(`[${i + 1}]`, name, `a "/${slot}" slot (one block per slot)`);
    });
  }
  return { iterations, variables };
}
