import type * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import type { PerVariable } from '../signals/types.js';
import { hook, hookOf, unhook, type HookOptions, type OptimizerHook } from './hook.js';
import type { HyperscheduleSession, SessionHook } from './session.js';

/** Batch/epoch logs as tfjs-layers passes them to callbacks (scalars already resolved to numbers). */
type Logs = { [key: string]: number };

/** The parts of a tfjs `LayersModel` the callback uses. */
interface ModelLike {
  readonly optimizer: tf.Optimizer;
}

/** What tfjs's `CustomCallback` exposes as `this` to the functions it wraps. */
interface CallbackOwner {
  readonly model?: ModelLike;
  readonly params?: { readonly epochs?: number; readonly samples?: number | null; readonly steps?: number | null };
}

/**
 * Options of {@link fitCallback}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { FitCallbackOptions } from 'hyperschedule';
 * const o: FitCallbackOptions<tf.SGDOptimizer> = { apply: (opt, s) => opt.setLearningRate(s.param('lr').value) };
 * ```
 */
export interface FitCallbackOptions<O extends tf.Optimizer = tf.Optimizer> extends HookOptions<O> {
  /**
   * The model being trained: its optimizer gets hooked for the fit (tfjs does not hand callbacks
   * their model). Not needed when the model was compiled with an optimizer already hooked to the
   * session (`model.compile({ optimizer: hook(opt, session) })`).
   */
  readonly model?: ModelLike;
  /**
   * Instrument the model's optimizer (default true): device signals (gradient norms, deltas),
   * the non-finite skip and values applied right before each update. With `false`, values are
   * applied at `onBatchBegin` and only logs (loss, metrics) feed the signals.
   */
  readonly hookOptimizer?: boolean;
  /** Publish per-batch logs other than the loss (e.g. `acc`) on `metrics$` as scope `batch`. Default true. */
  readonly batchMetrics?: boolean;
}

/**
 * Callback functions in the shape of tfjs-layers' `CustomCallbackArgs`: pass the object as
 * `callbacks` to `model.fit` / `model.fitDataset` (alone, or in an array of such plain objects —
 * tfjs does not mix them with `tf.callbacks.*` instances in one array).
 *
 * @example
 * ```ts
 * import { createSession, fitCallback, type FitCallbacks } from 'hyperschedule';
 * const callbacks: FitCallbacks = fitCallback(createSession());
 * ```
 */
export interface FitCallbacks {
  onTrainBegin(logs?: Logs): Promise<void>;
  onEpochBegin(epoch: number, logs?: Logs): Promise<void>;
  onBatchBegin(batch: number, logs?: Logs): Promise<void>;
  onBatchEnd(batch: number, logs?: Logs): Promise<void>;
  onEpochEnd(epoch: number, logs?: Logs): Promise<void>;
  onTrainEnd(logs?: Logs): Promise<void>;
}

const LOG_KEYS_NOT_METRICS = new Set(['batch', 'size', 'loss']);

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Drives a session from `model.fit` / `model.fitDataset`:
 *
 * - `onTrainBegin`: hooks `options.model`'s optimizer (or uses the optimizer hook already attached
 *   to the session), and tells the clock the run length tfjs knows (`epochs`; `samples` per epoch
 *   for array fits);
 * - before each update (inside the optimizer, via the hook): parameters synced and applied;
 * - `onBatchEnd`: completes the update with the batch's `loss` and `size` (clock, `loss$`,
 *   `updateApplied$`), then publishes other batch logs on `metrics$`;
 * - `onEpochEnd`: epoch boundary with the epoch logs (`val_loss`, ... on `metrics$`, `epochEnd$`);
 * - `onTrainEnd`: unhooks the optimizer if this callback hooked it.
 *
 * Without a model or hooked optimizer (or with `hookOptimizer: false`) the callback still
 * advances the clock and feeds loss and metrics from the logs, but computes no device signals
 * and cannot skip non-finite updates.
 *
 * A batch whose gradients were non-finite is skipped by the hook: no update, no signal.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, fitCallback, param } from 'hyperschedule';
 * const lr = param('lr', { initial: 0.05 }, { domain: 'positive' });
 * const session = createSession({ params: [lr] });
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
 * await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), {
 *   epochs: 2, batchSize: 4,
 *   callbacks: fitCallback(session, { model, apply: (opt) => (opt as tf.SGDOptimizer).setLearningRate(lr.value) }),
 * });
 * session.clock.step; // 4
 * ```
 */
export function fitCallback<O extends tf.Optimizer = tf.Optimizer>(session: HyperscheduleSession, options: FitCallbackOptions<O> = {}): FitCallbacks {
  const hookOptimizer = options.hookOptimizer ?? true;
  const batchMetrics = options.batchMetrics ?? true;
  let active: SessionHook | undefined;
  let hookedHere = false;
  let optimizer: O | undefined;

  const publishBatchLogs = (logs: Logs): void => {
    if (!batchMetrics) return;
    const values: Record<string, number> = {};
    for (const [key, value] of Object.entries(logs)) if (!LOG_KEYS_NOT_METRICS.has(key) && typeof value === 'number') values[key] = value;
    if (Object.keys(values).length > 0) session.reportMetrics(values, 'batch');
  };

  return {
    async onTrainBegin(this: CallbackOwner | undefined) {
      const params = this?.params;
      if (params) {
        session.clock.completeRun({
          ...(finiteNumber(params.epochs) !== undefined ? { epochs: params.epochs } : {}),
          ...(finiteNumber(params.samples) !== undefined ? { samplesPerEpoch: params.samples as number } : {}),
        });
      }
      const model = options.model ?? this?.model;
      optimizer = model?.optimizer as O | undefined;
      if (hookOptimizer && optimizer) {
        const existing = hookOf(optimizer);
        if (existing && existing.session !== session) {
          throw new HyperscheduleError('fitCallback.model.optimizer', 'hooked to another session', 'an optimizer hooked to this session or not hooked');
        }
        hookedHere = !existing;
        if (!existing) hook(optimizer, session, options);
        active = hookOf(optimizer) as OptimizerHook | undefined;
      } else if (hookOptimizer && session.hooks.length === 1) {
        // The model was compiled with an optimizer hooked to this session: use that hook.
        active = session.hooks[0];
      }
      if (active) active.deferCompletion = true;
      else if (options.apply && !optimizer) {
        throw new HyperscheduleError('fitCallback.model', undefined, 'the model (fitCallback(session, { model })) or a hooked optimizer, so values can be applied');
      }
    },
    async onEpochBegin() {},
    async onBatchBegin() {
      if (active) return; // the hook syncs and applies right before the update itself
      session.beginUpdate();
      if (options.apply && optimizer) options.apply(optimizer, session);
    },
    async onBatchEnd(_batch: number, logs: Logs = {}) {
      const loss = typeof logs.loss === 'number' ? logs.loss : undefined;
      const size = finiteNumber(logs.size);
      let applied: boolean;
      if (active) {
        applied = active.completeDeferred({ ...(loss !== undefined ? { loss } : {}), ...(size !== undefined ? { batchSize: size } : {}) });
      } else {
        session.completeUpdate({ ...(loss !== undefined ? { loss } : {}), ...(size !== undefined ? { batchSize: size } : {}) });
        applied = true;
      }
      if (applied) publishBatchLogs(logs);
    },
    async onEpochEnd(_epoch: number, logs: Logs = {}) {
      session.endEpoch(logs);
    },
    async onTrainEnd() {
      if (active) {
        active.completeDeferred();
        active.deferCompletion = false;
      }
      if (hookedHere && optimizer) unhook(optimizer);
      active = undefined;
      hookedHere = false;
    },
  };
}
