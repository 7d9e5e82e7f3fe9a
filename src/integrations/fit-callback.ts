import type * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { hook, hookOf, unhook, type HookOptions } from './hook.js';
import { registerOptimizerParameters } from './optimizer-params.js';
import type { HyperscheduleSession } from './session.js';

/** Batch/epoch logs as tfjs-layers passes them to callbacks (scalars already resolved to numbers). */
type Logs = { [key: string]: number };

/** What tfjs's `CustomCallback` exposes as `this` to the functions it wraps. */
interface CallbackOwner {
  readonly params?: { readonly epochs?: number; readonly samples?: number | null; readonly steps?: number | null };
}

/**
 * Options of {@link fitCallback}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { FitCallbackOptions } from 'hyperschedule';
 * const optimizer = tf.train.sgd(0.1);
 * const o: FitCallbackOptions<tf.SGDOptimizer> = { optimizer, apply: (opt, s) => opt.setLearningRate(s.param('lr').value) };
 * ```
 */
export interface FitCallbackOptions<O extends tf.Optimizer = tf.Optimizer> extends HookOptions<O> {
  /**
   * The optimizer the model was compiled with (tfjs does not hand callbacks their model). It gets
   * hooked for the fit, and its type is the type `apply` receives. Not needed when the model was
   * compiled with an optimizer already hooked to the session
   * (`model.compile({ optimizer: hook(opt, session) })`).
   */
  readonly optimizer?: O;
  /**
   * Instrument the optimizer (default true): device signals (gradient norms, deltas), the
   * non-finite skip and values applied right before each update. With `false`, values are
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

function optimizerOf<O extends tf.Optimizer>(options: FitCallbackOptions<O>): O | undefined {
  // 0.1 took `{ model }`; a JavaScript caller still passing it would otherwise lose the hook silently.
  if ('model' in options) {
    throw new HyperscheduleError('fitCallback.model', '{ model }', 'no such option since 0.2: give { optimizer: model.optimizer }');
  }
  return options.optimizer;
}

/**
 * Drives a session from `model.fit` / `model.fitDataset`:
 *
 * - `onTrainBegin`: hooks `options.optimizer` (unless it is hooked to the session already), adds
 *   the parameters it reads to the session, and tells the clock the run length tfjs knows
 *   (`epochs`; `samples` per epoch for array fits);
 * - before each update (inside the optimizer, via the hook): parameters synced and applied;
 * - `onBatchEnd`: records the update with the batch's `loss` and `size` (clock, `loss$`,
 *   `updateApplied$`), then publishes other batch logs on `metrics$`;
 * - `onEpochEnd`: epoch boundary with the epoch logs (`val_loss`, ... on `metrics$`, `epochEnd$`);
 * - `onTrainEnd`: unhooks the optimizer if this callback hooked it.
 *
 * Without a hooked optimizer (or with `hookOptimizer: false`) the callback still advances the
 * clock and feeds loss and metrics from the logs, but computes no device signals and cannot skip
 * non-finite updates. A batch whose gradients were non-finite is skipped by the hook: no update,
 * no signal.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, fitCallback, param } from 'hyperschedule';
 * const lr = param('lr', { initial: 0.05 }, { domain: 'positive' });
 * const session = createSession({ params: [lr] });
 * const optimizer = tf.train.sgd(0.05);
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * model.compile({ optimizer, loss: 'meanSquaredError' });
 * await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), {
 *   epochs: 2, batchSize: 4,
 *   callbacks: fitCallback(session, { optimizer, apply: (opt) => opt.setLearningRate(lr.value) }),
 * });
 * session.clock.step; // 4
 * ```
 */
export function fitCallback<O extends tf.Optimizer = tf.Optimizer>(session: HyperscheduleSession, options: FitCallbackOptions<O> = {}): FitCallbacks {
  const optimizer = optimizerOf(options); // a bad option fails here, not at the start of the fit
  const hookOptimizer = options.hookOptimizer ?? true;
  const batchMetrics = options.batchMetrics ?? true;
  /** Hooked by this callback (unhooked at the end), checked to really perform the updates. */
  let hookedHere: O | undefined;
  /** Known and not hooked: values are applied at onBatchBegin. */
  let applyAtBatchBegin: O | undefined;

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
      session.expectEpochEnds();
      if (optimizer === undefined) {
        if (options.apply) throw new HyperscheduleError('fitCallback.optimizer', undefined, 'the optimizer the model was compiled with, so apply can write to it');
        return;
      }
      const existing = hookOf(optimizer);
      if (existing) {
        if (existing.session !== session) {
          throw new HyperscheduleError('fitCallback.optimizer', 'hooked to another session', 'an optimizer hooked to this session or not hooked');
        }
        if (options.apply) {
          throw new HyperscheduleError('fitCallback.apply', 'an optimizer hooked already', 'apply given to hook() (the hook already applies values)');
        }
        return; // its hook adds the parameters it reads and applies values before every update
      }
      if (hookOptimizer) {
        hook(optimizer, session, options);
        hookedHere = optimizer;
      } else {
        registerOptimizerParameters(session, optimizer);
        applyAtBatchBegin = optimizer;
      }
    },
    async onEpochBegin() {},
    async onBatchBegin() {
      session.beginBatch();
      if (applyAtBatchBegin === undefined) return; // a hook syncs and applies right before the update itself
      session.beginUpdate();
      options.apply?.(applyAtBatchBegin, session);
    },
    async onBatchEnd(batch: number, logs: Logs = {}) {
      const loss = typeof logs.loss === 'number' ? logs.loss : undefined;
      const size = finiteNumber(logs.size);
      const batchLogs = { ...(loss !== undefined ? { loss } : {}), ...(size !== undefined ? { batchSize: size } : {}) };
      const outcome = session.endBatch(batchLogs);
      if (outcome === 'none') {
        if (hookedHere) {
          unhook(hookedHere);
          hookedHere = undefined;
          throw new HyperscheduleError('fitCallback.optimizer', `no update in batch ${batch}`, 'the optimizer the model was compiled with (model.optimizer)');
        }
        // No hook saw this update: record it from the logs.
        session.completeUpdate(batchLogs);
      }
      if (outcome !== 'skipped') publishBatchLogs(logs);
    },
    async onEpochEnd(_epoch: number, logs: Logs = {}) {
      session.endEpoch(logs);
    },
    async onTrainEnd() {
      session.endBatch();
      if (hookedHere) unhook(hookedHere);
      hookedHere = undefined;
      applyAtBatchBegin = undefined;
    },
  };
}
