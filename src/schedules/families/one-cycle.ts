import { defineFamily, type ArgReader, type UnitArg } from '../define.js';
import type { Duration } from '../duration.js';

/** Annealing shapes of {@link oneCycle} (internal: for validation). */
export const ONE_CYCLE_ANNEALS = ['cos', 'linear'] as const;
/** How {@link oneCycle} anneals between phase ends (PyTorch `anneal_strategy`). */
export type OneCycleAnneal = (typeof ONE_CYCLE_ANNEALS)[number];

/** Arguments of {@link oneCycle}. */
export interface OneCycleArgs extends UnitArg {
  /** Peak value (PyTorch `max_lr`, optax `peak_value`). */
  readonly max: number;
  /** Length of the cycle (> 0; PyTorch `total_steps`, optax `transition_steps`). */
  readonly total: Duration;
  /** Fraction of `total` spent rising, in (0, 1) (default 0.3; PyTorch `pct_start`). */
  readonly pctStart?: number;
  /** `cos` (default) or `linear` annealing between phase ends (PyTorch `anneal_strategy`). */
  readonly anneal?: OneCycleAnneal;
  /** Start value is `max / divFactor` (> 0, default 25; PyTorch `div_factor`). */
  readonly divFactor?: number;
  /** End value is `max / divFactor / finalDivFactor` (> 0, default 1e4; PyTorch `final_div_factor`). */
  readonly finalDivFactor?: number;
  /** Fall back to the start value before annealing to the end value, as in fastai (default false; PyTorch `three_phase`). */
  readonly threePhase?: boolean;
}

/** Arguments of {@link oneCycleMomentum}. */
export interface OneCycleMomentumArgs extends UnitArg {
  /** Momentum at the peak of the learning rate, in [0, 1) (default 0.85; PyTorch `base_momentum`). */
  readonly base?: number;
  /** Momentum at the start and end, in [0, 1) (default 0.95; PyTorch `max_momentum`). */
  readonly max?: number;
  /** Length of the cycle (> 0; PyTorch `total_steps`). */
  readonly total: Duration;
  /** Fraction of `total` spent in the first phase, in (0, 1) (default 0.3; PyTorch `pct_start`). */
  readonly pctStart?: number;
  /** `cos` (default) or `linear` (PyTorch `anneal_strategy`). */
  readonly anneal?: OneCycleAnneal;
  /** Three phases: max -> base -> max, then held at max (default false; PyTorch `three_phase`). */
  readonly threePhase?: boolean;
}

/** A momentum or Adam beta1: what every optimizer accepts. */
const MOMENTUM = { ge: 0, lt: 1 } as const;

interface Phases {
  readonly total: number;
  readonly pctStart: number;
  readonly anneal: OneCycleAnneal;
  readonly threePhase: boolean;
  readonly ends: Float64Array;
}

/** Phase ends exactly as PyTorch `OneCycleLR` computes them. */
function readPhases(r: ArgReader<'total' | 'pctStart' | 'anneal' | 'threePhase'>): Phases {
  const total = r.duration('total', true);
  const pctStart = r.number('pctStart', { gt: 0, lt: 1 }, 0.3);
  const anneal = r.oneOf('anneal', ONE_CYCLE_ANNEALS, 'cos');
  const threePhase = r.boolean('threePhase', false);
  const first = pctStart * total - 1;
  // PyTorch divides by the first phase's length; a zero length is a ZeroDivisionError there.
  if (first === 0) r.fail('pctStart', pctStart, `a value with pctStart * total != 1 (total = ${total}): the first phase would have length 0`);
  const ends = threePhase
    ? Float64Array.of(first, 2 * pctStart * total - 2, total - 1)
    : Float64Array.of(first, total - 1);
  return { total, pctStart, anneal, threePhase, ends };
}

/**
 * The piecewise anneal shared by the learning rate and momentum curves: phase i runs from
 * `values[i]` to `values[i + 1]` between `ends[i - 1]` (0 for the first) and `ends[i]`.
 * From the last phase end (`total - 1`) on, the final value is held exactly.
 */
function curve(ends: Float64Array, values: Float64Array, anneal: OneCycleAnneal): (t: number) => number {
  const last = ends.length - 1;
  const finalEnd = ends[last]!;
  const finalValue = values[last + 1]!;
  const cos = anneal === 'cos';
  return (t) => {
    const x = t > 0 ? t : 0;
    if (x >= finalEnd) return finalValue;
    let start = 0;
    for (let i = 0; ; i++) {
      const end = ends[i]!;
      if (x <= end || i === last) {
        const pct = (x - start) / (end - start);
        const from = values[i]!;
        const to = values[i + 1]!;
        // Same operations as torch's _annealing_cos / _annealing_linear.
        return cos ? to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1) : (to - from) * pct + from;
      }
      start = end;
    }
  };
}

/** The time from which a 1cycle curve holds its final value. */
function settles(ends: Float64Array): number {
  const last = ends[ends.length - 1]!;
  return last > 0 ? last : 0;
}

/**
 * The 1cycle policy (Smith & Topin), exactly PyTorch `OneCycleLR`: rise from `max / divFactor` to
 * `max` until step `pctStart * total - 1`, then anneal to `max / divFactor / finalDivFactor` at
 * step `total - 1` (with `threePhase`, first back to the start value by `2 * pctStart * total - 2`).
 * Each phase is `to + (from - to) * (1 + cos(pi * pct)) / 2` (`anneal: 'cos'`) or linear in `pct`.
 * From `total - 1` on the final value is held (PyTorch raises past `total`, and at `t = total`
 * extrapolates past the final value). fastai's `fit_one_cycle` has the same shape.
 *
 * @example
 * ```ts
 * import { oneCycle } from 'hyperschedule';
 * const lr = oneCycle({ max: 0.01, total: 100 });
 * [lr.at(0), lr.at(29), lr.at(99)]; // [0.0004 (approx.), 0.01, 4e-8]
 * ```
 */
export const oneCycle = defineFamily<OneCycleArgs>(
  'oneCycle',
  ['max', 'total', 'pctStart', 'anneal', 'divFactor', 'finalDivFactor', 'threePhase'],
  (r) => {
    const max = r.number('max');
    const divFactor = r.number('divFactor', { gt: 0 }, 25);
    const finalDivFactor = r.number('finalDivFactor', { gt: 0 }, 1e4);
    const { total, pctStart, anneal, threePhase, ends } = readPhases(r);
    const initial = max / divFactor;
    const final = initial / finalDivFactor;
    const values = threePhase ? Float64Array.of(initial, max, initial, final) : Float64Array.of(initial, max, final);
    return {
      spec: { max, total, pctStart, anneal, divFactor, finalDivFactor, threePhase },
      end: settles(ends),
      at: curve(ends, values, anneal),
    };
  },
);

/**
 * The momentum that accompanies {@link oneCycle} (PyTorch `OneCycleLR` with `cycle_momentum`,
 * on Adam its beta1): inverse to the learning rate, `max -> base` while it rises and
 * `base -> max` while it falls (with `threePhase`: then held at `max`).
 *
 * @example
 * ```ts
 * import { oneCycleMomentum } from 'hyperschedule';
 * const m = oneCycleMomentum({ total: 100 });
 * [m.at(0), m.at(29), m.at(99)]; // [0.95, 0.85, 0.95]
 * ```
 */
export const oneCycleMomentum = defineFamily<OneCycleMomentumArgs>(
  'oneCycleMomentum',
  ['base', 'max', 'total', 'pctStart', 'anneal', 'threePhase'],
  (r) => {
    // Momenta (SGD's momentum, Adam's beta1): in [0, 1), as the optimizers require. base above max
    // is allowed (an inverted cycle), as PyTorch allows it.
    const base = r.number('base', MOMENTUM, 0.85);
    const max = r.number('max', MOMENTUM, 0.95);
    const { total, pctStart, anneal, threePhase, ends } = readPhases(r);
    const values = threePhase ? Float64Array.of(max, base, max, max) : Float64Array.of(max, base, max);
    return {
      spec: { base, max, total, pctStart, anneal, threePhase },
      end: settles(ends),
      at: curve(ends, values, anneal),
    };
  },
);
