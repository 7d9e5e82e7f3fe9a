import { checkOptions, isRecord } from '../../check.js';
import { HyperscheduleError } from '../../errors.js';
import { product } from '../combinators/product.js';
import { quantize } from '../combinators/quantize.js';
import { sequence } from '../combinators/sequence.js';
import { constant } from '../families/constant.js';
import { MAX_NESTING, NESTING_ALLOWED } from '../define.js';
import { checkRunLength, type RunLength } from '../duration.js';
import type { Schedule } from '../schedule.js';
import { LEAF_KINDS, type Leaf, type LeafStart, type PreparedLeaf } from './leaves.js';
import { TorchArgs } from './reader.js';
import { TORCH_SCHEDULER_TYPES, isTorchSchedulerType, type FromTorchOptions, type TorchSchedulerSpec, type TorchSchedules } from './spec.js';

type Unit = 'step' | 'epoch';

interface Context {
  readonly unit: Unit;
  readonly run: RunLength | undefined;
}

/** The optimizer fields, read once from the outermost spec. */
interface Optimizer {
  /** The optimizer's initial LR, if given. */
  readonly base: number | undefined;
  /** The optimizer's initial momentum / beta1, if given. */
  readonly momentum: number | undefined;
}

const OPTIMIZER_FIELDS = ['base', 'momentum', 'beta1'] as const;

/** Checks the `type` of a spec object and reads its arguments. */
function argsOf(spec: unknown, path: string, extra: readonly string[], ctx: Context): { type: string; args: TorchArgs } {
  if (!isRecord(spec)) throw new HyperscheduleError(path, spec, 'a PyTorch scheduler spec object with a "type" field');
  const type = spec.type;
  if (typeof type !== 'string' || !(TORCH_SCHEDULER_TYPES as readonly string[]).includes(type)) {
    throw new HyperscheduleError(`${path}.type`, type, `one of ${TORCH_SCHEDULER_TYPES.join(', ')}`);
  }
  for (const key of OPTIMIZER_FIELDS) {
    if (spec[key] !== undefined && !extra.includes(key)) {
      throw new HyperscheduleError(`${path}.${key}`, spec[key], "no such field here: the optimizer's LR and momentum go on the outermost spec");
    }
  }
  const fields = type === 'SequentialLR' ? ['schedulers', 'milestones'] : type === 'ChainedScheduler' ? ['schedulers'] : LEAF_KINDS[type]!.fields;
  return { type, args: new TorchArgs(path, spec, [...extra, ...fields], ctx.unit, ctx.run) };
}

function startFrom(base: () => number, constructionBase: () => number, closedStart: boolean): LeafStart {
  return { base, constructionBase, closedStart };
}

function requireBase(optimizer: Optimizer, path: string): () => number {
  return () => {
    if (optimizer.base === undefined) {
      throw new HyperscheduleError(`${path}.base`, undefined, "the optimizer's initial learning rate, a finite number >= 0");
    }
    return optimizer.base;
  };
}

/** Reads the children of a SequentialLR / ChainedScheduler (PyTorch constructs them in list order). */
function childSpecs(args: TorchArgs): readonly unknown[] {
  const list = args.array('schedulers', 'a non-empty array of PyTorch scheduler specs');
  if (list.length === 0) args.fail('schedulers', list, 'a non-empty array of PyTorch scheduler specs');
  return list;
}

function prepareLeaf(type: string, args: TorchArgs, ctx: Context): PreparedLeaf {
  return LEAF_KINDS[type]!.prepare(args, ctx.unit);
}

/**
 * SequentialLR: child i runs from milestone i-1 in its own time (PyTorch calls `step(0)` on it
 * there). What each child starts from follows PyTorch's construction order: the children are
 * built first (each may set `initial_lr`), then SequentialLR resets the LR to `initial_lr` and
 * steps the first child.
 */
function sequential(args: TorchArgs, optimizer: Optimizer, ctx: Context): Leaf {
  const specs = childSpecs(args);
  const rawMilestones = args.array('milestones', `an array of ${specs.length - 1} integer milestones`);
  if (rawMilestones.length !== specs.length - 1) {
    args.fail('milestones', rawMilestones, `an array of ${specs.length - 1} milestones (PyTorch: one fewer milestone than schedulers)`);
  }
  const milestones = rawMilestones.map((m, i) => args.countValue(`milestones[${i}]`, m, { ge: 1, integer: true }));
  milestones.forEach((m, i) => {
    if (i > 0 && !(m > milestones[i - 1]!)) {
      args.fail(`milestones[${i}]`, rawMilestones[i], `a milestone > ${milestones[i - 1]!} (strictly increasing; PyTorch bisects them)`);
    }
  });

  const leaves = specs.map((child, i) => {
    const path = `${args.path}.schedulers[${i}]`;
    const { type, args: childArgs } = argsOf(child, path, [], ctx);
    if (type === 'SequentialLR' || type === 'ChainedScheduler') {
      // PyTorch 1.13: a nested SequentialLR first child is stepped twice at start (its LR goes
      // off by one), a later one fails on step(0), a ChainedScheduler child has no last_epoch.
      childArgs.fail('type', type, "a non-composite scheduler (PyTorch's SequentialLR runs nested ones wrongly; use sequence/product)");
    }
    return prepareLeaf(type, childArgs, ctx);
  });

  // param_group['initial_lr'] as each child is constructed: set by the first scheduler
  // (setdefault), overwritten by OneCycleLR.
  let initialLr: (() => number) | undefined;
  const constructionBases = leaves.map((leaf) => {
    if (leaf.initialLr) {
      const value = leaf.initialLr.value;
      if (leaf.initialLr.overwrite || initialLr === undefined) initialLr = () => value;
    } else if (initialLr === undefined) {
      initialLr = requireBase(optimizer, args.path);
    }
    return initialLr;
  });
  const finalInitialLr = initialLr!;

  const built = leaves.map((leaf, i) =>
    leaf.make(i === 0
      ? startFrom(finalInitialLr, constructionBases[0]!, false) // the LR was reset to initial_lr
      : startFrom(constructionBases[i]!, constructionBases[i]!, true)),
  );
  const lr = sequence(built.map((b) => b.lr), milestones);
  return { lr, ...sequentialMomentum(built, milestones, optimizer, ctx) };
}

/**
 * The momentum a SequentialLR leaves in the optimizer: a cycling child writes it during its own
 * segment; any other child leaves the last value in place. Constructing a cycling child already
 * writes its time-0 momentum, before any step.
 */
function sequentialMomentum(built: readonly Leaf[], milestones: readonly number[], optimizer: Optimizer, ctx: Context): { momentum?: Schedule } {
  let held = optimizer.momentum;
  for (const leaf of built) if (leaf.momentum) held = leaf.momentum.at(0);
  if (built[0]!.momentum) held = built[0]!.momentum.at(0);
  if (held === undefined) return {};
  if (!built.some((b) => b.momentum)) return { momentum: constant({ value: held, unit: ctx.unit }) };
  const segments = built.map((leaf, i) => {
    if (leaf.momentum) {
      const length = i < milestones.length ? milestones[i]! - (i > 0 ? milestones[i - 1]! : 0) : undefined;
      const segment = leaf.momentum;
      if (length !== undefined) held = segment.at(length - 1);
      return segment;
    }
    return constant({ value: held!, unit: ctx.unit });
  });
  return { momentum: sequence(segments, milestones) };
}

/**
 * ChainedScheduler: every child steps each time and multiplies the LR by its factor, so the
 * LR is the product of the children's factors times the base LR.
 */
function chained(args: TorchArgs, optimizer: Optimizer, ctx: Context): Leaf {
  const leaves: { leaf: PreparedLeaf; args: TorchArgs }[] = [];
  // `level` counts nesting from the outermost spec (1), so a self-containing or hostile spec gets
  // a field-naming error at MAX_NESTING instead of a stack overflow.
  const collect = (chain: TorchArgs, level: number): void => {
    childSpecs(chain).forEach((child, i) => {
      const path = `${chain.path}.schedulers[${i}]`;
      if (level + 1 > MAX_NESTING) throw new HyperscheduleError(path, level + 1, NESTING_ALLOWED);
      const { type, args: childArgs } = argsOf(child, path, [], ctx);
      if (type === 'ChainedScheduler') return collect(childArgs, level + 1); // steps its children in order: flatten
      if (type === 'SequentialLR') {
        childArgs.fail('type', type, 'a chainable scheduler (a SequentialLR resets the LR instead of multiplying it)');
      }
      const leaf = prepareLeaf(type, childArgs, ctx);
      if (!leaf.chainable) {
        childArgs.fail('type', type, 'a chainable scheduler (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR); this one sets the LR outright');
      }
      leaves.push({ leaf, args: childArgs });
    });
  };
  collect(args, 1);
  if (leaves.length > 1) {
    for (const { leaf, args: childArgs } of leaves) {
      if (leaf.etaMin !== undefined && leaf.etaMin !== 0) {
        childArgs.fail('etaMin', leaf.etaMin, "0 inside a ChainedScheduler with others (PyTorch's cosine step is then affine, not a factor)");
      }
    }
  }
  const base = requireBase(optimizer, args.path);
  const one = (): number => 1;
  // The first child carries the base LR, the others their factor (their schedule at base 1).
  const factors = leaves.map(({ leaf }, i) => leaf.make(i === 0 ? startFrom(base, base, false) : startFrom(one, one, false)).lr);
  const lr = factors.length === 1 ? factors[0]! : product(factors);
  return { lr, ...(optimizer.momentum !== undefined ? { momentum: constant({ value: optimizer.momentum, unit: ctx.unit }) } : {}) };
}

/** Reads the optimizer fields of the outermost spec. */
function readOptimizer(args: TorchArgs): Optimizer {
  const base = args.has('base') ? args.number('base', { ge: 0 }, undefined, "the optimizer's initial learning rate (a finite number >= 0)") : undefined;
  if (args.has('momentum') && args.has('beta1')) {
    args.fail('beta1', args.raw('beta1'), 'no beta1 together with momentum: give SGD\'s momentum or Adam\'s beta1');
  }
  const key = args.has('beta1') ? 'beta1' : 'momentum';
  const momentum = args.has(key) ? args.number(key, { ge: 0, lt: 1 }) : undefined;
  return { base, momentum };
}

/**
 * Converts a PyTorch LR scheduler, written as JSON, into hyperschedule schedules:
 * `lr.at(t)` is the learning rate PyTorch's optimizer holds after `t` calls of
 * `scheduler.step()` (matched to 1e-9 relative against torch 1.13 on generated cases), and
 * `momentum` the momentum (Adam's beta1) when CyclicLR / OneCycleLR cycle it or the spec gives the
 * optimizer's `momentum` / `beta1`.
 *
 * The result is built from hyperschedule's families and combinators, so `lr.toJSON()`
 * round-trips through `fromJSON`. PyTorch's argument checks are mirrored; compositions PyTorch
 * itself runs incorrectly (a SequentialLR inside a SequentialLR, a CyclicLR in a
 * ChainedScheduler, ...) are rejected with an explanation. Known differences: after the last of
 * its `total_steps`, PyTorch's OneCycleLR extrapolates its final phase for one more step (and then
 * raises), while `fromTorch` holds the final LR; a ChainedScheduler containing CosineAnnealingLR
 * matches PyTorch up to `tMax` only (past it PyTorch's recursive cosine drops the other factors).
 *
 * @example
 * ```ts
 * import { fromTorch } from 'hyperschedule';
 * const { lr } = fromTorch({
 *   type: 'SequentialLR', base: 1e-3, milestones: [6],
 *   schedulers: [
 *     { type: 'LinearLR', startFactor: 0.1, endFactor: 1, totalIters: 6 },
 *     { type: 'CosineAnnealingLR', tMax: 100, etaMin: 1e-6 },
 *   ],
 * }, { unit: 'epoch' });
 * lr.at(0);   // 1e-4 (warmup starts at 0.1 * base)
 * lr.at(6);   // 1e-3 (the cosine starts at its own time 0)
 * lr.at(6.5); // 1e-3 (held through the epoch)
 * ```
 */
export function fromTorch(spec: TorchSchedulerSpec | Readonly<Record<string, unknown>>, options: FromTorchOptions = {}): TorchSchedules {
  checkOptions(options, 'fromTorch.options', ['unit', 'run']);
  const unit = options.unit ?? 'step';
  if (unit !== 'step' && unit !== 'epoch') {
    throw new HyperscheduleError('fromTorch.options.unit', unit, '"step" (scheduler stepped per batch) or "epoch" (per epoch)');
  }
  const ctx: Context = { unit, run: checkRunLength(options.run, 'fromTorch.options.run') };
  const path = isRecord(spec) && isTorchSchedulerType(spec.type) ? spec.type : 'spec';
  const { type, args } = argsOf(spec, path, OPTIMIZER_FIELDS, ctx);
  const optimizer = readOptimizer(args);

  let built: Leaf;
  if (type === 'SequentialLR') built = sequential(args, optimizer, ctx);
  else if (type === 'ChainedScheduler') built = chained(args, optimizer, ctx);
  else {
    const base = requireBase(optimizer, path);
    const leaf = prepareLeaf(type, args, ctx).make(startFrom(base, base, false));
    built = leaf.momentum || optimizer.momentum === undefined
      ? leaf
      : { lr: leaf.lr, momentum: constant({ value: optimizer.momentum, unit }) };
  }
  if (unit === 'step') return built;
  // Per-epoch stepping: PyTorch holds each value through the epoch.
  return {
    lr: quantize(built.lr, 1),
    ...(built.momentum ? { momentum: quantize(built.momentum, 1) } : {}),
  };
}
