import { sequence } from '../combinators/sequence.js';
import { product } from '../combinators/product.js';
import { constant } from '../families/constant.js';
import { cosine } from '../families/cosine.js';
import { cosineWarmRestarts } from '../families/cosine-warm-restarts.js';
import { CYCLIC_MODES, cyclic } from '../families/cyclic.js';
import { exponentialDecay } from '../families/exponential-decay.js';
import { linear } from '../families/linear.js';
import { multiStepDecay } from '../families/multi-step-decay.js';
import { ONE_CYCLE_ANNEALS, oneCycle, oneCycleMomentum } from '../families/one-cycle.js';
import { polynomial } from '../families/polynomial.js';
import { stepDecay } from '../families/step-decay.js';
import type { Schedule } from '../schedule.js';
import type { TorchArgs } from './reader.js';

/**
 * The schedules one PyTorch scheduler produces.
 */
export interface Leaf {
  readonly lr: Schedule;
  /** Present when the scheduler writes the optimizer's momentum (or Adam's beta1). */
  readonly momentum?: Schedule;
}

/**
 * Where a scheduler's formulas start from when it is built into schedules.
 */
export interface LeafStart {
  /**
   * The LR the scheduler's first step acts on: `param_group['lr']` for PyTorch's recursive
   * (chainable) forms. Throws when the spec gave no `base` and one is needed.
   */
  base(): number;
  /** `base_lrs`: `param_group['initial_lr']` when the scheduler was constructed (closed forms). */
  constructionBase(): number;
  /**
   * True when the scheduler starts with `step(0)` (a later SequentialLR child): PyTorch then
   * uses the closed form for time 0, which differs from the recursive first step in a few
   * degenerate cases (`totalIters: 0`).
   */
  readonly closedStart: boolean;
}

/**
 * One PyTorch scheduler after its arguments were read and checked, not yet built.
 *
 * @example
 * ```ts
 * const prepared = LEAF_KINDS.StepLR!.prepare(new TorchArgs('StepLR', { type: 'StepLR', stepSize: 3 }, ['stepSize', 'gamma'], 'step', undefined), 'step');
 * prepared.make({ base: () => 1, constructionBase: () => 1, closedStart: false }).lr.at(3); // 0.1
 * ```
 */
export interface PreparedLeaf {
  /**
   * How constructing the scheduler changes `param_group['initial_lr']`: CyclicLR sets the LR to
   * `base_lr` before PyTorch records `initial_lr` (only the first scheduler's counts);
   * OneCycleLR overwrites `initial_lr` with `max_lr / div_factor`.
   */
  readonly initialLr?: { readonly value: number; readonly overwrite: boolean };
  /**
   * Whether PyTorch's step multiplies the current LR by a factor (so that a ChainedScheduler
   * of such schedulers is the product of their factors). CyclicLR, OneCycleLR and
   * CosineAnnealingWarmRestarts set the LR outright instead.
   */
  readonly chainable: boolean;
  /** CosineAnnealingLR's `eta_min` (its recursive form is affine, not a factor, when it is not 0). */
  readonly etaMin?: number;
  make(start: LeafStart): Leaf;
}

/**
 * The per-type pieces: accepted fields (besides `type`) and the reader of the arguments.
 *
 * @example
 * ```ts
 * LEAF_KINDS.ExponentialLR!.fields; // ['gamma']
 * ```
 */
export interface LeafKind {
  readonly fields: readonly string[];
  prepare(args: TorchArgs, unit: 'step' | 'epoch'): PreparedLeaf;
}

const GAMMA = { ge: 0 } as const;
const COUNT = { ge: 0, integer: true } as const;
const POSITIVE_COUNT = { ge: 1, integer: true } as const;

/** A momentum or Adam beta1 the optimizer is given: in [0, 1). */
const MOMENTUM = { ge: 0, lt: 1 } as const;

/**
 * `baseMomentum` / `maxMomentum` of CyclicLR and OneCycleLR. PyTorch writes them into the
 * optimizer unchecked (a momentum of 1.5 makes SGD diverge, a beta1 of 1 divides Adam's bias
 * correction by 0), so while they cycle both must be momenta in [0, 1); unused
 * (`cycleMomentum: false`) only their type is checked, as PyTorch ignores them then. Either may be
 * the larger: PyTorch does not order them, and an inverted pair cycles the other way.
 */
function readMomenta(args: TorchArgs, cycling: boolean, base: number, max: number): { baseMomentum: number; maxMomentum: number } {
  const range = cycling ? MOMENTUM : {};
  const allowed = cycling ? 'a momentum in [0, 1) (it is the optimizer\'s momentum or beta1)' : undefined;
  return { baseMomentum: args.number('baseMomentum', range, base, allowed), maxMomentum: args.number('maxMomentum', range, max, allowed) };
}

/** `b * gamma^floor(t / stepSize)`: StepLR's closed form (its recursive form multiplies by gamma). */
const StepLR: LeafKind = {
  fields: ['stepSize', 'gamma'],
  prepare(args, unit) {
    // PyTorch decays when t % step_size == 0: a non-integer step_size would decay at other times
    // than its closed form, so only whole steps are accepted.
    const stepSize = args.count('stepSize', POSITIVE_COUNT);
    const gamma = args.number('gamma', GAMMA, 0.1);
    return { chainable: true, make: (s) => ({ lr: stepDecay({ init: s.base(), stepSize, gamma, unit }) }) };
  },
};

/** `b * gamma^(number of milestones <= t)`, duplicates counted once per copy (PyTorch's Counter). */
const MultiStepLR: LeafKind = {
  fields: ['milestones', 'gamma'],
  prepare(args, unit) {
    const raw = args.array('milestones', 'an array of integer milestones');
    const milestones = raw.map((m, i) => args.countValue(`milestones[${i}]`, m, COUNT)).sort((a, b) => a - b);
    const gamma = args.number('gamma', GAMMA, 0.1);
    // Split repeated milestones into layers of distinct ones: the product of one multi-step
    // decay per layer decays by gamma^k at a milestone listed k times.
    const layers: number[][] = [];
    const seen = new Map<number, number>();
    for (const m of milestones) {
      const copy = seen.get(m) ?? 0;
      seen.set(m, copy + 1);
      (layers[copy] ??= []).push(m);
    }
    if (layers.length === 0) layers.push([]);
    return {
      chainable: true,
      make(s) {
        const parts = layers.map((layer, i) => multiStepDecay({ init: i === 0 ? s.base() : 1, milestones: layer, gamma, unit }));
        return { lr: parts.length === 1 ? parts[0]! : product(parts) };
      },
    };
  },
};

/** `b * factor` before `totalIters`, then `b`. */
const ConstantLR: LeafKind = {
  fields: ['factor', 'totalIters'],
  prepare(args, unit) {
    const factor = args.number('factor', { ge: 0, le: 1 }, 1 / 3, 'a number in [0, 1] (PyTorch: "Constant multiplicative factor expected to be between 0 and 1.")');
    const totalIters = args.count('totalIters', COUNT, 5);
    return {
      chainable: true,
      make(s) {
        const base = s.base();
        if (totalIters === 0) {
          // Recursive form: step 0 multiplies by factor and t never equals total_iters again, so
          // the factor stays. step(0) uses the closed form instead, which is the base LR.
          return { lr: constant({ value: s.closedStart ? base : base * factor, unit }) };
        }
        if (factor === 1) return { lr: constant({ value: base, unit }) };
        return { lr: sequence([constant({ value: base * factor, unit }), constant({ value: base, unit })], [totalIters]) };
      },
    };
  },
};

/**
 * `totalIters: 0` works for a first scheduler (its recursive form) but not for a later SequentialLR
 * child, whose closed form PyTorch evaluates by dividing by total_iters.
 */
function refuseZeroItersAfterStart(args: TorchArgs, start: LeafStart): void {
  if (start.closedStart) args.fail('totalIters', 0, 'an integer >= 1 in a later SequentialLR child (PyTorch divides by it)');
}

/** `b * (start + (end - start) * min(t, T) / T)`. */
const LinearLR: LeafKind = {
  fields: ['startFactor', 'endFactor', 'totalIters'],
  prepare(args, unit) {
    // PyTorch 1.13 accepts start_factor = 0 but its recursive form then divides by zero on the
    // second step (later versions reject it): require > 0.
    const startFactor = args.number('startFactor', { gt: 0, le: 1 }, 1 / 3,
      'a number in (0, 1] (PyTorch divides by start_factor, and rejects values above 1)');
    const endFactor = args.number('endFactor', { ge: 0, le: 1 }, 1, 'a number in [0, 1] (PyTorch: "Ending multiplicative factor expected to be between 0 and 1.")');
    const totalIters = args.count('totalIters', COUNT, 5);
    return {
      chainable: true,
      make(s) {
        const base = s.base();
        if (totalIters === 0) {
          // Recursive form: from the second step on t > total_iters, so start_factor stays.
          refuseZeroItersAfterStart(args, s);
          return { lr: constant({ value: base * startFactor, unit }) };
        }
        return { lr: linear({ init: base * startFactor, end: base * endFactor, duration: totalIters, unit }) };
      },
    };
  },
};

/** `b * gamma^t`. */
const ExponentialLR: LeafKind = {
  fields: ['gamma'],
  prepare(args, unit) {
    const gamma = args.number('gamma', GAMMA);
    return {
      chainable: true,
      make(s) {
        const init = s.base();
        // Staircase: PyTorch holds the LR between steps. gamma = 0 is a step decay to 0.
        return { lr: gamma > 0 ? exponentialDecay({ init, rate: gamma, every: 1, staircase: true, unit }) : stepDecay({ init, stepSize: 1, gamma: 0, unit }) };
      },
    };
  },
};

/** `b * (1 - min(t, T) / T)^power`. */
const PolynomialLR: LeafKind = {
  fields: ['totalIters', 'power'],
  prepare(args, unit) {
    const totalIters = args.count('totalIters', COUNT, 5);
    // A negative power raises 0 to a negative power at t = total_iters (ZeroDivisionError).
    const power = args.number('power', { ge: 0 }, 1);
    return {
      chainable: true,
      make(s) {
        const base = s.base();
        if (totalIters === 0) {
          refuseZeroItersAfterStart(args, s);
          return { lr: constant({ value: base, unit }) };
        }
        return { lr: polynomial({ init: base, end: 0, duration: totalIters, power, unit }) };
      },
    };
  },
};

/** `etaMin + (b - etaMin)(1 + cos(pi t / T)) / 2`, rising again past T (period 2T), as PyTorch's recursion does. */
const CosineAnnealingLR: LeafKind = {
  fields: ['tMax', 'etaMin'],
  prepare(args, unit) {
    const tMax = args.count('tMax', { gt: 0 });
    const etaMin = args.number('etaMin', {}, 0);
    return {
      chainable: true,
      etaMin,
      make: (s) => ({ lr: cosine({ init: s.base(), duration: tMax, min: etaMin, periodic: true, unit }) }),
    };
  },
};

/** SGDR: cosine from `b` to `etaMin` over cycles of `t0 * tMult^i` steps. */
const CosineAnnealingWarmRestarts: LeafKind = {
  fields: ['t0', 'tMult', 'etaMin'],
  prepare(args, unit) {
    const t0 = args.count('t0', POSITIVE_COUNT);
    const tMult = args.number('tMult', { ge: 1, integer: true }, 1, 'an integer >= 1 (PyTorch: "Expected integer T_mult >= 1")');
    const etaMin = args.number('etaMin', {}, 0);
    return {
      chainable: false,
      // A closed form over base_lrs: it ignores the LR other schedulers left behind.
      make: (s) => ({ lr: cosineWarmRestarts({ init: s.constructionBase(), period: t0, periodMult: tMult, min: etaMin, unit }) }),
    };
  },
};

/** Smith's cyclical LR; momentum cycles inversely between `maxMomentum` and `baseMomentum`. */
const CyclicLR: LeafKind = {
  fields: ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'cycleMomentum', 'baseMomentum', 'maxMomentum'],
  prepare(args, unit) {
    const baseLr = args.number('baseLr', { ge: 0 });
    const maxLr = args.number('maxLr', { ge: 0 });
    // PyTorch divides by step_size_up (the rising fraction of the cycle).
    const stepSizeUp = args.count('stepSizeUp', { gt: 0 }, 2000);
    const stepSizeDown = args.count('stepSizeDown', { ge: 0 }, stepSizeUp);
    const mode = args.oneOf('mode', CYCLIC_MODES, 'triangular');
    const gamma = args.number('gamma', { gt: 0 }, 1);
    const cycleMomentum = args.boolean('cycleMomentum', true);
    const { baseMomentum, maxMomentum } = readMomenta(args, cycleMomentum, 0.8, 0.9);
    const shape = { stepSizeUp, stepSizeDown, mode, gamma, unit };
    return {
      chainable: false,
      initialLr: { value: baseLr, overwrite: false },
      make: () => ({
        lr: cyclic({ base: baseLr, max: maxLr, ...shape }),
        // PyTorch computes max_momentum - height * scale: the same cycle run from max to base.
        ...(cycleMomentum ? { momentum: cyclic({ base: maxMomentum, max: baseMomentum, ...shape }) } : {}),
      }),
    };
  },
};

/** The 1cycle policy; momentum (Adam's beta1) runs max -> base -> max. */
const OneCycleLR: LeafKind = {
  fields: ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'],
  prepare(args, unit) {
    const maxLr = args.number('maxLr', { ge: 0 });
    let total: number;
    if (args.has('totalSteps')) {
      total = args.count('totalSteps', POSITIVE_COUNT);
    } else if (args.has('epochs') || args.has('stepsPerEpoch')) {
      const epochs = args.number('epochs', POSITIVE_COUNT, undefined, 'a positive integer (PyTorch: "Expected positive integer epochs")');
      const stepsPerEpoch = args.number('stepsPerEpoch', POSITIVE_COUNT, undefined, 'a positive integer (PyTorch: "Expected positive integer steps_per_epoch")');
      total = epochs * stepsPerEpoch;
    } else {
      return args.fail('totalSteps', undefined, 'a positive integer, or epochs and stepsPerEpoch');
    }
    const pctStart = args.number('pctStart', { ge: 0, le: 1 }, 0.3, 'a number in [0, 1]');
    if (pctStart === 0 || pctStart === 1) {
      // PyTorch accepts both (the first or last phase then has length 0); the oneCycle family
      // takes pctStart in (0, 1) only.
      args.fail('pctStart', pctStart, 'a number strictly between 0 and 1 (fromTorch does not support 0 and 1 yet)');
    }
    if (pctStart * total - 1 === 0) {
      args.fail('pctStart', pctStart, `a value with pctStart * totalSteps != 1 (totalSteps = ${total}): PyTorch divides by the zero-length first phase`);
    }
    const anneal = args.oneOf('annealStrategy', ONE_CYCLE_ANNEALS, 'cos');
    const cycleMomentum = args.boolean('cycleMomentum', true);
    const { baseMomentum, maxMomentum } = readMomenta(args, cycleMomentum, 0.85, 0.95);
    const divFactor = args.number('divFactor', { gt: 0 }, 25);
    const finalDivFactor = args.number('finalDivFactor', { gt: 0 }, 1e4);
    const threePhase = args.boolean('threePhase', false);
    const shape = { total, pctStart, anneal, threePhase, unit };
    return {
      chainable: false,
      initialLr: { value: maxLr / divFactor, overwrite: true },
      make: () => ({
        lr: oneCycle({ max: maxLr, divFactor, finalDivFactor, ...shape }),
        ...(cycleMomentum ? { momentum: oneCycleMomentum({ base: baseMomentum, max: maxMomentum, ...shape }) } : {}),
      }),
    };
  },
};

/**
 * The non-composite PyTorch schedulers by class name.
 *
 * @example
 * ```ts
 * LEAF_KINDS.StepLR.fields; // ['stepSize', 'gamma']
 * ```
 */
export const LEAF_KINDS: Readonly<Record<string, LeafKind>> = {
  StepLR,
  MultiStepLR,
  ConstantLR,
  LinearLR,
  ExponentialLR,
  PolynomialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  OneCycleLR,
};
