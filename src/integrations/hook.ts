import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { normsFromSquares, readUpdateStats, type GradientOf, type StatsResult } from './device-stats.js';
import type { HyperscheduleSession, SessionHook, UpdateReport } from './session.js';
import { deserializeTensor, serializeTensor, type SerializedTensor } from './tensor-json.js';

/**
 * Options of {@link hook}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { HookOptions } from 'hyperschedule';
 * const o: HookOptions<tf.SGDOptimizer> = {
 *   apply: (opt, session) => opt.setLearningRate(session.param('lr').value),
 * };
 * ```
 */
export interface HookOptions<O extends tf.Optimizer = tf.Optimizer> {
  /**
   * Copies parameter values into the optimizer before each update, for optimizers that do not
   * read `ValueSource`s themselves (tfjs's `tf.train.*`). Runs after the parameters are synced.
   */
  readonly apply?: (optimizer: O, session: HyperscheduleSession) => void;
  /**
   * `'skip'` (default): check the gradients on the device (in the same batched read as the
   * signals); when one holds a NaN/±Infinity the update is not applied, the clock does not move
   * and the event goes to `nonFinite$`. `'apply'`: no check — with no signal subscribed, an update
   * then costs no device read at all.
   */
  readonly onNonFinite?: 'skip' | 'apply';
}

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

/** tfjs-core's `NamedTensor` (not exported from its index). */
type NamedTensor = { name: string; tensor: tf.Tensor };
type ApplyGradients = (grads: tf.NamedTensorMap | NamedTensor[]) => void;
type Minimize = (f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]) => tf.Scalar | null;
type Patchable = { applyGradients: ApplyGradients; minimize: Minimize; dispose: () => void };

const HOOKS = new WeakMap<object, OptimizerHook>();

function toEntries(grads: tf.NamedTensorMap | NamedTensor[]): GradientOf[] {
  const list = Array.isArray(grads)
    ? grads.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
  // tfjs optimizers skip variables without a gradient; so do the statistics.
  return list.filter((e): e is GradientOf => e.tensor != null);
}

function variableOf(name: string): tf.Variable | undefined {
  return tf.engine().registeredVariables[name];
}

/**
 * The instrumentation of one optimizer (see {@link hook}). Its methods are for the integrations
 * and checkpoints; training code only needs `hook()` and `unhook()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, hookOf } from 'hyperschedule';
 * const session = createSession();
 * const opt = hook(tf.train.sgd(0.1), session);
 * hookOf(opt)?.updatesApplied; // 0
 * ```
 */
export class OptimizerHook<O extends tf.Optimizer = tf.Optimizer> implements SessionHook {
  readonly optimizer: O;
  readonly session: HyperscheduleSession;
  /** Set by the fit callback: completion waits for the batch logs (loss, size) at `onBatchEnd`. */
  deferCompletion = false;
  private readonly onNonFinite: 'skip' | 'apply';
  private readonly apply: HookOptions<O>['apply'];
  private readonly originalApply: ApplyGradients;
  private readonly originals: { applyGradients?: ApplyGradients; minimize?: Minimize; dispose?: () => void };
  private previous: Map<string, tf.Tensor> | undefined;
  private pending: { names: string[]; squares: tf.Tensor } | undefined;
  private deferred: UpdateReport | undefined;
  private busy = false;
  /** Set by restore: the saved names may differ from this process's variable names (tfjs numbers them). */
  private remapPending = false;
  private applied = 0;
  private skipped = 0;

  constructor(optimizer: O, session: HyperscheduleSession, options: HookOptions<O> = {}) {
    const target = optimizer as unknown as Patchable;
    if (typeof target?.applyGradients !== 'function' || typeof target.minimize !== 'function') {
      throw new HyperscheduleError('hook.optimizer', optimizer, 'a tf.Optimizer (with applyGradients and minimize)');
    }
    const onNonFinite = options.onNonFinite ?? 'skip';
    if (onNonFinite !== 'skip' && onNonFinite !== 'apply') throw new HyperscheduleError('hook.onNonFinite', onNonFinite, '"skip" or "apply"');
    if (options.apply !== undefined && typeof options.apply !== 'function') throw new HyperscheduleError('hook.apply', options.apply, 'a function (optimizer, session) => void');
    this.optimizer = optimizer;
    this.session = session;
    this.onNonFinite = onNonFinite;
    this.apply = options.apply;
    this.originalApply = target.applyGradients;
    this.originals = {
      ...(Object.prototype.hasOwnProperty.call(target, 'applyGradients') ? { applyGradients: target.applyGradients } : {}),
      ...(Object.prototype.hasOwnProperty.call(target, 'minimize') ? { minimize: target.minimize } : {}),
      ...(Object.prototype.hasOwnProperty.call(target, 'dispose') ? { dispose: target.dispose } : {}),
    };
    // Disposing the optimizer also frees the device copies the hook carries between updates.
    target.dispose = () => {
      this.detach();
      target.dispose();
    };
    target.applyGradients = (grads) => this.update(grads, undefined);
    target.minimize = (f, returnCost = false, varList) => {
      // Same as tf.Optimizer.minimize, but the loss joins the update's batched read.
      const { value, grads } = optimizer.computeGradients(f, varList);
      try {
        this.update(varList ? varList.map((v) => ({ name: v.name, tensor: grads[v.name]! })) : grads, value);
      } finally {
        tf.dispose(grads);
      }
      if (returnCost) return value;
      value.dispose();
      return null;
    };
    session.attachHook(this);
  }

  /** Updates applied through this hook. */
  get updatesApplied(): number {
    return this.applied;
  }

  /** Updates skipped for non-finite gradients. */
  get updatesSkipped(): number {
    return this.skipped;
  }

  /**
   * One instrumented update: sync parameters, `apply` them, measure what is subscribed (one
   * read), skip on non-finite gradients, apply, then record the update in the session.
   */
  update(grads: tf.NamedTensorMap | NamedTensor[], loss: tf.Tensor | undefined): void {
    // An optimizer that calls applyGradients from inside its own update must not recurse into us.
    if (this.busy) {
      this.originalApply.call(this.optimizer, grads);
      return;
    }
    this.busy = true;
    try {
      this.instrumentedUpdate(grads, loss);
    } finally {
      this.busy = false;
    }
  }

  /** Completes a deferred update with the batch logs; false when none is waiting (it was skipped). */
  completeDeferred(extra: { loss?: number; batchSize?: number } = {}): boolean {
    const report = this.deferred;
    if (!report) return false;
    this.deferred = undefined;
    this.session.completeUpdate({
      ...report,
      ...(extra.loss !== undefined && report.loss === undefined ? { loss: extra.loss } : {}),
      ...(extra.batchSize !== undefined ? { batchSize: extra.batchSize } : {}),
    });
    return true;
  }

  /** The carried device state as JSON (reads the device). */
  async state(): Promise<HookState> {
    const previousGradients = this.previous
      ? await Promise.all([...this.previous].map(([name, t]) => serializeTensor(name, t)))
      : null;
    const pendingParamDelta = this.pending
      ? { names: [...this.pending.names], squares: Array.from(await this.pending.squares.data()) }
      : null;
    return { previousGradients, pendingParamDelta };
  }

  /** Replaces the carried device state (from {@link OptimizerHook.state}). */
  restore(state: HookState): void {
    if (typeof state !== 'object' || state === null) throw new HyperscheduleError('hookState', state, 'a HookState object');
    const { previousGradients, pendingParamDelta } = state;
    if (pendingParamDelta !== null && (!Array.isArray(pendingParamDelta?.names) || !Array.isArray(pendingParamDelta.squares) || pendingParamDelta.names.length !== pendingParamDelta.squares.length)) {
      throw new HyperscheduleError('hookState.pendingParamDelta', pendingParamDelta, 'null or { names, squares } of equal length');
    }
    if (previousGradients !== null && !Array.isArray(previousGradients)) throw new HyperscheduleError('hookState.previousGradients', previousGradients, 'null or an array of serialized tensors');
    const restored = previousGradients?.map((s, i) => [s.name, tf.keep(deserializeTensor(s, `hookState.previousGradients.${i}`))] as const);
    this.dropPreviousGradients();
    this.dropPendingDelta();
    this.previous = restored ? new Map(restored) : undefined;
    if (pendingParamDelta) {
      this.pending = { names: [...pendingParamDelta.names], squares: tf.keep(tf.tensor1d([...pendingParamDelta.squares], 'float32')) };
    }
    this.remapPending = true;
  }

  /**
   * After a restore, matches saved per-variable state to this update's variables: by name, or by
   * position when the names differ but the counts agree (a rebuilt model gets new tfjs names).
   */
  private remap(entries: readonly GradientOf[]): void {
    this.remapPending = false;
    const names = entries.map((e) => e.name);
    if (this.previous && !names.every((n) => this.previous!.has(n))) {
      if (this.previous.size === names.length) {
        const values = [...this.previous.values()];
        this.previous = new Map(names.map((n, i) => [n, values[i]!] as const));
      } else {
        this.dropPreviousGradients();
      }
    }
    if (this.pending && !this.pending.names.every((n) => names.includes(n))) {
      if (this.pending.names.length === names.length) this.pending = { names, squares: this.pending.squares };
      else this.dropPendingDelta();
    }
  }

  /** Restores the optimizer's own methods and frees the carried tensors. */
  detach(): void {
    this.completeDeferred();
    const target = this.optimizer as unknown as Partial<Patchable>;
    for (const key of ['applyGradients', 'minimize', 'dispose'] as const) {
      const original = this.originals[key];
      if (original) (target as Record<string, unknown>)[key] = original;
      else delete target[key];
    }
    this.dropPreviousGradients();
    this.dropPendingDelta();
    this.session.detachHook(this);
    HOOKS.delete(this.optimizer);
  }

  private instrumentedUpdate(grads: tf.NamedTensorMap | NamedTensor[], loss: tf.Tensor | undefined): void {
    const { session } = this;
    const signals = session.signals;
    session.beginUpdate();
    this.apply?.(this.optimizer, session);
    const entries = toEntries(grads);
    if (this.remapPending) this.remap(entries);
    const wantLoss = loss !== undefined && !this.deferCompletion && signals.wants('loss');
    const wantGrad = signals.wants('gradNorm') || signals.wants('gradNorms');
    const wantGradDelta = signals.wants('gradDeltaNorm') || signals.wants('gradDeltaNorms');
    const wantParamDelta = signals.wants('paramDeltaNorm') || signals.wants('paramDeltaNorms');
    // Nobody listens any more: free the device copies now.
    if (!wantGradDelta) this.dropPreviousGradients();
    if (!wantParamDelta) this.dropPendingDelta();
    const check = this.onNonFinite === 'skip';
    const needRead = check || wantLoss || wantGrad || this.previous !== undefined || this.pending !== undefined;
    const stats: StatsResult = needRead
      ? readUpdateStats(entries, {
          finite: check,
          ...(wantLoss ? { loss } : {}),
          gradNorms: wantGrad,
          ...(this.previous ? { previousGradients: this.previous } : {}),
          ...(this.pending ? { pendingParamDelta: this.pending } : {}),
        })
      : { nonFinite: {} };
    if (Object.keys(stats.nonFinite).length > 0) {
      // Previous gradients and pending deltas stay: they still describe the last applied update.
      this.skipped += 1;
      session.skipUpdate(stats.nonFinite);
      return;
    }
    const tracked = wantParamDelta
      ? entries.flatMap((e) => {
          const variable = variableOf(e.name);
          return variable ? [{ name: e.name, variable, before: tf.keep(tf.clone(variable)) }] : [];
        })
      : [];
    try {
      this.originalApply.call(this.optimizer, grads);
      if (wantParamDelta) {
        this.dropPendingDelta();
        if (tracked.length > 0) {
          const squares = tf.keep(tf.tidy(() => tf.stack(tracked.map((t) => tf.sum(tf.square(tf.sub(t.variable, t.before)))))));
          this.pending = { names: tracked.map((t) => t.name), squares };
        }
      }
    } finally {
      for (const t of tracked) t.before.dispose();
    }
    if (wantGradDelta) {
      const next = new Map(entries.map((e) => [e.name, tf.keep(tf.clone(e.tensor))] as const));
      this.dropPreviousGradients();
      this.previous = next;
    }
    this.applied += 1;
    const report = buildReport(stats, entries);
    if (this.deferCompletion) this.deferred = report;
    else session.completeUpdate(report);
  }

  private dropPreviousGradients(): void {
    if (!this.previous) return;
    for (const t of this.previous.values()) t.dispose();
    this.previous = undefined;
  }

  private dropPendingDelta(): void {
    this.pending?.squares.dispose();
    this.pending = undefined;
  }
}

function buildReport(stats: StatsResult, entries: readonly GradientOf[]): UpdateReport {
  const report: { -readonly [K in keyof UpdateReport]: UpdateReport[K] } = {
    paramCount: entries.reduce((n, e) => n + e.tensor.size, 0),
  };
  if (stats.loss !== undefined) report.loss = stats.loss;
  if (stats.gradSquares) {
    const n = normsFromSquares(stats.gradSquares);
    report.gradNorm = n.global;
    report.gradNorms = n.perVariable;
  }
  if (stats.gradDeltaSquares) {
    const n = normsFromSquares(stats.gradDeltaSquares);
    report.gradDeltaNorm = n.global;
    report.gradDeltaNorms = n.perVariable;
  }
  if (stats.paramDeltaSquares) {
    const n = normsFromSquares(stats.paramDeltaSquares);
    report.paramDeltaNorm = n.global;
    report.paramDeltaNorms = n.perVariable;
  }
  return report;
}

/**
 * Instruments any `tf.Optimizer` for a session — the one-line change to an existing loop. Returns
 * the same optimizer; its `minimize` and `applyGradients` now, for every update:
 *
 * 1. sync the session's parameters to the clock and run `options.apply` (e.g. copy `lr` into a
 *    `tf.train` optimizer; hyperschedule's own optimizers read their parameters themselves);
 * 2. compute the subscribed signals on the device and read them, with the gradient check, in one
 *    batched read;
 * 3. skip the update if a gradient is non-finite (reported; the clock does not move);
 * 4. apply the update, advance the clock, publish the signals and move the parameters on.
 *
 * Works in custom loops (`optimizer.minimize(f)`, `tf.variableGrads` + `applyGradients`) and
 * inside `model.fit` (which calls `minimize`). `unhook(optimizer)` undoes it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, param } from 'hyperschedule';
 * const session = createSession({ params: [param('lr', { initial: 0.1 }, { domain: 'positive' })], batchSize: 4 });
 * const w = tf.variable(tf.scalar(1));
 * const optimizer = hook(tf.train.sgd(0.1), session, { apply: (o, s) => o.setLearningRate(s.param('lr').value) });
 * optimizer.minimize(() => tf.square(w).asScalar()); // w: 1 -> 0.8; session.clock.step: 1
 * ```
 */
export function hook<O extends tf.Optimizer>(optimizer: O, session: HyperscheduleSession, options: HookOptions<O> = {}): O {
  const existing = HOOKS.get(optimizer);
  if (existing) {
    if (existing.session === session) return optimizer;
    throw new HyperscheduleError('hook.optimizer', 'already hooked', 'an optimizer not hooked to another session (unhook it first)');
  }
  HOOKS.set(optimizer, new OptimizerHook(optimizer, session, options) as unknown as OptimizerHook);
  return optimizer;
}

/**
 * The hook of an optimizer, if it is hooked.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { hookOf } from 'hyperschedule';
 * hookOf(tf.train.sgd(0.1)); // undefined
 * ```
 */
export function hookOf<O extends tf.Optimizer>(optimizer: O): OptimizerHook<O> | undefined {
  return HOOKS.get(optimizer) as OptimizerHook<O> | undefined;
}

/**
 * Removes the instrumentation of {@link hook} (no-op if not hooked).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook, unhook } from 'hyperschedule';
 * const opt = hook(tf.train.sgd(0.1), createSession());
 * unhook(opt);
 * ```
 */
export function unhook(optimizer: tf.Optimizer): void {
  HOOKS.get(optimizer)?.detach();
}
