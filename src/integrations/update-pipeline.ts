import * as tf from '@tensorflow/tfjs-core';
import { CarriedState, type HookState } from './carried-state.js';
import { normsFromSquares, readUpdateStats, type GradientOf, type StatsResult } from './device-stats.js';
import { registerOptimizerParameters } from './optimizer-params.js';
import type { HyperscheduleSession, UpdateReport } from './session.js';

/** tfjs-core's `NamedTensor` (not exported from its index). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** The gradients `tf.Optimizer.applyGradients` takes. */
export type Gradients = tf.NamedTensorMap | NamedTensor[];

/**
 * What one optimizer's update pipeline does besides measuring (see `HookOptions`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { PipelineOptions } from './update-pipeline.js';
 * const o: PipelineOptions<tf.SGDOptimizer> = { onNonFinite: 'skip', apply: (opt) => opt.setLearningRate(0.1) };
 * ```
 */
export interface PipelineOptions<O> {
  /** Copies parameter values into the optimizer before each update (`HookOptions.apply`). */
  readonly apply?: ((optimizer: O, session: HyperscheduleSession) => void) | undefined;
  /** Skip updates with non-finite gradients, or apply them unchecked (`HookOptions.onNonFinite`). */
  readonly onNonFinite: 'skip' | 'apply';
}

function toEntries(grads: Gradients): GradientOf[] {
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
 * The update of one hooked optimizer, step by step: register the parameters it reads with the
 * session and sync them, `apply` them, measure what is subscribed (one device read), skip on
 * non-finite gradients, apply the gradients, then record the update in the session. It carries
 * the device state the deltas need ({@link CarriedState}) and knows nothing of how the optimizer
 * was patched.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, hook } from 'hyperschedule';
 * import { hookOf } from './hook.js';
 * const opt = hook(tf.train.sgd(0.1), createSession());
 * hookOf(opt)?.updatesApplied; // 0: an UpdatePipeline
 * ```
 */
export class UpdatePipeline<O extends tf.Optimizer = tf.Optimizer> {
  /** The hooked optimizer. */
  readonly optimizer: O;
  /** The session its updates drive. */
  readonly session: HyperscheduleSession;
  private readonly applyGradients: (grads: Gradients) => void;
  private readonly options: PipelineOptions<O>;
  private readonly carried = new CarriedState();
  private busy = false;
  private applied = 0;
  private skipped = 0;

  /** @param applyGradients the optimizer's own (unpatched) update. */
  constructor(optimizer: O, session: HyperscheduleSession, applyGradients: (grads: Gradients) => void, options: PipelineOptions<O>) {
    this.optimizer = optimizer;
    this.session = session;
    this.applyGradients = applyGradients;
    this.options = options;
  }

  /** Updates applied through this pipeline. */
  get updatesApplied(): number {
    return this.applied;
  }

  /** Updates skipped for non-finite gradients. */
  get updatesSkipped(): number {
    return this.skipped;
  }

  /**
   * One instrumented update. `loss` joins the batched read when `loss$` is subscribed;
   * `report.batchSize` is the update's batch size when the caller knows it.
   */
  update(grads: Gradients, loss?: tf.Tensor, report: { readonly batchSize?: number } = {}): void {
    // An optimizer that calls applyGradients from inside its own update must not recurse into us.
    if (this.busy) {
      this.applyGradients(grads);
      return;
    }
    this.busy = true;
    try {
      this.run(grads, loss, report.batchSize);
    } finally {
      this.busy = false;
    }
  }

  /** Adds the parameters the optimizer reads to the session, if it does not hold them yet (every update does this first). */
  registerParameters(): void {
    registerOptimizerParameters(this.session, this.optimizer);
  }

  /** The carried device state as JSON (reads the device). */
  state(): Promise<HookState> {
    return this.carried.state();
  }

  /** Replaces the carried device state (from {@link UpdatePipeline.state}); validated whole first. */
  restore(state: HookState): void {
    this.carried.restore(state);
  }

  /**
   * Validates a carried state and builds its tensors without changing anything (see
   * `CarriedState.prepareRestore`): `apply` swaps it in and cannot fail, `discard` frees it.
   */
  prepareRestore(state: HookState, field?: string, variables?: ReadonlyMap<string, tf.Variable>): { apply(): void; discard(): void } {
    return this.carried.prepareRestore(state, field, variables);
  }

  /** Frees the carried tensors. */
  dispose(): void {
    this.carried.dispose();
  }

  private run(grads: Gradients, loss: tf.Tensor | undefined, batchSize: number | undefined): void {
    const { session, carried } = this;
    const signals = session.signals;
    this.registerParameters();
    session.beginUpdate();
    this.options.apply?.(this.optimizer, session);
    const entries = toEntries(grads);
    carried.matchVariables(entries);
    // Inside a batch the logs bring the loss; no need to read it here.
    const wantLoss = loss !== undefined && !session.inBatch && signals.wants('loss');
    const wantGrad = signals.wants('gradNorm') || signals.wants('gradNorms');
    const wantGradDelta = signals.wants('gradDeltaNorm') || signals.wants('gradDeltaNorms');
    const wantParamDelta = signals.wants('paramDeltaNorm') || signals.wants('paramDeltaNorms');
    // Nobody listens any more: free the device copies now.
    if (!wantGradDelta) carried.dropGradients();
    if (!wantParamDelta) carried.dropParamDelta();
    const check = this.options.onNonFinite === 'skip';
    const previous = carried.previousGradients;
    const pending = carried.pendingParamDelta;
    const needRead = check || wantLoss || wantGrad || previous !== undefined || pending !== undefined;
    const stats: StatsResult = needRead
      ? readUpdateStats(entries, {
          finite: check,
          ...(wantLoss ? { loss } : {}),
          gradNorms: wantGrad,
          ...(previous ? { previousGradients: previous } : {}),
          ...(pending ? { pendingParamDelta: pending } : {}),
        })
      : { nonFinite: {} };
    if (Object.keys(stats.nonFinite).length > 0) {
      // Previous gradients and pending deltas stay: they still describe the last applied update.
      this.skipped += 1;
      session.skipUpdate(stats.nonFinite);
      return;
    }
    this.applyTracked(grads, entries, wantParamDelta);
    if (wantGradDelta) carried.keepGradients(entries);
    this.applied += 1;
    session.completeUpdate({ ...buildReport(stats, entries), ...(batchSize !== undefined ? { batchSize } : {}) });
  }

  /** Applies the gradients; with parameter deltas wanted, keeps ||x_k - x_{k-1}||² per variable on the device. */
  private applyTracked(grads: Gradients, entries: readonly GradientOf[], wantParamDelta: boolean): void {
    const tracked = wantParamDelta
      ? entries.flatMap((e) => {
          const variable = variableOf(e.name);
          return variable ? [{ name: e.name, variable, before: tf.keep(tf.clone(variable)) }] : [];
        })
      : [];
    try {
      this.applyGradients(grads);
      if (wantParamDelta) {
        if (tracked.length > 0) {
          const squares = tf.tidy(() => tf.stack(tracked.map((t) => tf.sum(tf.square(tf.sub(t.variable, t.before))))));
          this.carried.keepParamDelta(tracked.map((t) => t.name), squares);
        } else {
          this.carried.dropParamDelta();
        }
      }
    } finally {
      for (const t of tracked) t.before.dispose();
    }
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
