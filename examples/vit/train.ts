/**
 * One training run of the study: the ViT with AdamW, every hyperparameter a scheduled parameter of
 * a hyperschedule session (LR, beta1, beta2, weight decay and the batch size, which the scheduled
 * batcher reads before every batch), validation every N epochs, the best-by-validation weights
 * kept and tested, a per-epoch JSONL log, the run logs of every update (`run.jsonl`, `run.csv`
 * and TensorBoard's `tb/`, from `createRunLogger`), and a resumable checkpoint when stopped
 * (Ctrl-C).
 */
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HyperscheduleError, restoreCheckpoint, saveCheckpoint, scheduledBatches, type SerializedTensor } from 'hyperschedule';
import { createRunLogger, readCheckpointFile, writeCheckpointFile, type CheckpointFileRead, type RunLogger } from 'hyperschedule/node';
import type { ImageDataset } from '../shared/datasets/dataset.js';
import { runConfigHash, type RunConfig } from './config.js';
import { augmentOf, epochOrder, hostBatch, loadRunData, type RunData } from './data.js';
import { buildHyperparameters } from './hparams.js';
import { createViT, type ViT } from './model.js';
import { buildVariant, variantDefinition, type HParamName, type VariantSpec } from './variants.js';

/**
 * Values of every hyperparameter at one moment.
 *
 * @example
 * ```ts
 * import type { HParamValues } from './train.js';
 * const v: HParamValues = { lr: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 1e-4, batchSize: 64 };
 * ```
 */
export type HParamValues = Record<HParamName, number>;

/**
 * One line of the per-epoch JSONL log.
 *
 * @example
 * ```ts
 * import type { EpochRecord } from './train.js';
 * const line = (r: EpochRecord) => `${r.epoch}: ${r.trainLoss}`;
 * ```
 */
export interface EpochRecord {
  /** 0-based, as the reference study's logs. */
  readonly epoch: number;
  /** Mean over the epoch's batches (null when non-finite). */
  readonly trainLoss: number | null;
  readonly trainAcc: number;
  readonly valLoss: number | null;
  readonly valAcc: number | null;
  /** Updates applied so far (cumulative). */
  readonly updates: number;
  readonly samples: number;
  /** Hyperparameters used by the epoch's first update. */
  readonly hparams: HParamValues;
  /** Hyperparameters after the epoch's last update (what the next one starts with). */
  readonly hparamsEnd: HParamValues;
  /** Time spent training and validating so far. */
  readonly wallMs: number;
}

/**
 * The hyperparameters one update used, sampled through the run.
 *
 * @example
 * ```ts
 * import type { TrajectoryPoint } from './train.js';
 * const lrAt = (p: TrajectoryPoint) => p.values.lr;
 * ```
 */
export interface TrajectoryPoint {
  readonly step: number;
  /** Fractional epoch at the update. */
  readonly epoch: number;
  readonly values: HParamValues;
}

/**
 * What a finished run reports.
 *
 * @example
 * ```ts
 * import type { RunResult } from './train.js';
 * const summary = (r: RunResult) => `${r.variant.label}: ${(100 * r.testAcc).toFixed(1)}%`;
 * ```
 */
export interface RunResult {
  readonly config: RunConfig;
  readonly configHash: string;
  readonly variant: { readonly name: string; readonly label: string; readonly group: string; readonly studyScheduler?: string; readonly twins?: readonly string[] };
  readonly spec: VariantSpec;
  readonly data: { readonly name: string; readonly description: string; readonly train: number; readonly val: number; readonly test: number };
  /** The tfjs backend the run trained on (`tf.getBackend()` in its process at the end: `wasm`, `cpu`, `tensorflow`, ...). */
  readonly backend: string;
  /** How it was chosen (`selectBackend`'s summary line), else the backend's name. */
  readonly backendDescription: string;
  readonly paramCount: number;
  /** Test accuracy of the best-by-validation weights. */
  readonly testAcc: number;
  readonly testLoss: number;
  readonly bestValAcc: number;
  /** 0-based epoch of the best validation accuracy. */
  readonly bestEpoch: number;
  readonly finalTrainLoss: number | null;
  readonly finalTrainAcc: number;
  readonly updates: number;
  readonly skippedUpdates: number;
  readonly samples: number;
  readonly wallMs: number;
  readonly epochs: readonly EpochRecord[];
  readonly trajectory: readonly TrajectoryPoint[];
  /** `tf.memory().numTensors` after each update from the second on (best-weights copies excluded): flat means no leak. */
  readonly tensors: { readonly first: number; readonly min: number; readonly max: number };
}

/**
 * Progress of a run, for bars and parent processes.
 *
 * @example
 * ```ts
 * import type { TrainEvent } from './train.js';
 * const log = (e: TrainEvent) => { if (e.type === 'epoch') console.log(e.record.valAcc); };
 * ```
 */
export type TrainEvent =
  | { readonly type: 'start'; readonly variant: string; readonly epochs: number; readonly stepsPerEpoch: number; readonly resumed: { readonly epoch: number; readonly step: number } | null }
  | { readonly type: 'step'; readonly epoch: number; readonly stepInEpoch: number; readonly loss: number; readonly acc: number; readonly lr: number; readonly batchSize: number }
  | { readonly type: 'epoch'; readonly record: EpochRecord }
  | { readonly type: 'interrupted'; readonly checkpoint: string | null; readonly epoch: number; readonly step: number };

/**
 * Options of {@link trainRun}.
 *
 * @example
 * ```ts
 * import type { TrainRunOptions } from './train.js';
 * const o: Partial<TrainRunOptions> = { dir: 'runs/one', resume: true };
 * ```
 */
export interface TrainRunOptions {
  readonly config: RunConfig;
  /** Data already loaded (tests, several runs in one process); default: loaded from the config. */
  readonly data?: RunData;
  /**
   * Folder for `log.jsonl` (per epoch), the run logs of every update (`run.jsonl`, `run.csv`,
   * `tb/` for TensorBoard) and `checkpoint.bin`; without it nothing is written.
   */
  readonly dir?: string;
  /**
   * Continue from `dir/checkpoint.bin` when it exists (same config only). One that fails its
   * checksum is never loaded: the previous one, `checkpoint.bin.prev`, is used instead with a
   * warning, or, without it, the run refuses to start.
   */
  readonly resume?: boolean;
  readonly onEvent?: (event: TrainEvent) => void;
  /** When aborted, the run stops after the current update and writes its checkpoint. */
  readonly signal?: AbortSignal;
  /** `selectBackend`'s summary line, recorded as `backendDescription` (default: the backend's name). */
  readonly backendDescription?: string;
}

/**
 * How a run ended.
 *
 * @example
 * ```ts
 * import type { TrainOutcome } from './train.js';
 * const acc = (o: TrainOutcome) => (o.status === 'completed' ? o.result.testAcc : undefined);
 * ```
 */
export type TrainOutcome =
  | { readonly status: 'completed'; readonly result: RunResult }
  | { readonly status: 'interrupted'; readonly checkpoint: string | null; readonly epoch: number; readonly step: number };

/** The state kept beside the library checkpoint (session, optimizer, model). */
interface RunExtras {
  position: number;
  partial: { lossSum: number; correct: number; count: number; finiteLoss: boolean; start: HParamValues | null };
  epochs: EpochRecord[];
  best: { valAcc: number; epoch: number; valLoss: number | null };
  trajectory: TrajectoryPoint[];
  wallMs: number;
  skipped: number;
  tensors: { first: number; min: number; max: number } | null;
}

/** The run's own part of its checkpoint (`extras.data`); the best weights are `extras.tensors`. */
interface RunCheckpointData {
  readonly version: 1;
  readonly configHash: string;
  readonly extras: RunExtras;
}

/** At most this many trajectory points are kept (thinned by doubling the stride). */
const TRAJECTORY_POINTS = 600;

/**
 * Updates per epoch at the base batch size (drop last, as the study).
 *
 * @example
 * ```ts
 * import { stepsPerEpochOf } from './train.js';
 * stepsPerEpochOf(45000, 512); // 87
 * ```
 */
export function stepsPerEpochOf(trainCount: number, batchSize: number): number {
  const n = Math.floor(trainCount / batchSize);
  if (n < 1) throw new HyperscheduleError('run.batchSize', batchSize, `at most the ${trainCount} training images`);
  return n;
}

function evaluate(vit: ViT, ds: ImageDataset, data: RunData, batch: number): { loss: number; acc: number } {
  let lossSum = 0;
  let correct = 0;
  const none = augmentOf('none');
  for (let start = 0; start < ds.count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, ds.count - start) }, (_, i) => start + i);
    const host = hostBatch(ds, rows, { stats: data.stats, augment: none, seed: 0, epoch: 0 });
    const out = tf.tidy(() => {
      const x = tf.tensor4d(host.x, [rows.length, ds.height, ds.width, ds.channels]);
      const y = tf.tensor1d(host.labels, 'int32');
      const logits = vit.apply(x, false);
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y, ds.classNames.length), logits, undefined, 0, tf.Reduction.SUM);
      return tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'))]);
    });
    const [l, c] = out.dataSync();
    out.dispose();
    lossSum += l!;
    correct += c!;
  }
  return { loss: lossSum / ds.count, acc: correct / ds.count };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The newest good checkpoint of the run (`path`, else the previous one kept beside it, with a
 * warning); `undefined` when there is none. When neither decodes (a corrupted file: the checksum
 * catches any changed byte) the run refuses to resume, saying how to start it over.
 */
async function readRunCheckpoint(path: string): Promise<CheckpointFileRead | undefined> {
  let read: CheckpointFileRead | undefined;
  try {
    read = await readCheckpointFile(path);
  } catch (error) {
    if (!(error instanceof HyperscheduleError)) throw error;
    throw new HyperscheduleError('resume', path, `${error.allowed}; delete ${path}* to start this run over`);
  }
  if (read?.refused) console.warn(`resume: ${read.refused.file} ${read.refused.reason}; resuming from ${read.file} (the work since it was written is done again)`);
  return read;
}

/** Writes what a run that failed got to log; a failure to do so is printed, not thrown over the run's own error. */
function closeAfterError(runLog: RunLogger | undefined): void {
  if (!runLog || runLog.closed) return;
  try {
    runLog.close();
  } catch (error) {
    console.warn(`run log ${runLog.dir}: not closed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Trains one run to the end (or until `signal` aborts it) and tests the best-by-validation
 * weights. The active tfjs backend is used as is (see `selectBackend`).
 *
 * @example
 * ```ts
 * import { parseRunConfig } from './config.js';
 * import { trainRun } from './train.js';
 * const outcome = await trainRun({ config: parseRunConfig({ variant: 'one-cycle', peakLr: 3e-3, dataset: 'mnist', trainSize: 600, testSize: 200, epochs: 1 }) });
 * if (outcome.status === 'completed') console.log(outcome.result.testAcc);
 * ```
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainOutcome> {
  const { config, dir, onEvent, signal } = options;
  const data = options.data ?? (await loadRunData(config));
  const { train, val, test } = data;
  const stepsPerEpoch = stepsPerEpochOf(train.count, config.batchSize);
  const definition = variantDefinition(config.variant);
  const spec = buildVariant(config.variant, {
    peakLr: config.peakLr,
    epochs: config.epochs,
    stepping: config.stepping,
    stepsPerEpoch,
    samplesPerEpoch: train.count,
    baseBatch: config.batchSize,
    ...(config.t0 !== undefined ? { t0: config.t0 } : {}),
    beta1: config.beta1,
    beta2: config.beta2,
    weightDecay: config.weightDecay,
  });
  const configHash = runConfigHash(config);
  const vit = createViT(config.preset, config.seed);
  const live = buildHyperparameters(spec, { run: { epochs: config.epochs, samplesPerEpoch: train.count, stepsPerEpoch }, epsilon: config.epsilon });
  const { session, optimizer, params } = live;
  const augment = augmentOf(config.augment);
  const checkpointPath = dir ? join(dir, 'checkpoint.bin') : undefined;
  const logPath = dir ? join(dir, 'log.jsonl') : undefined;
  if (dir) await mkdir(dir, { recursive: true });

  let best: tf.Tensor[] | null = null;
  const extras: RunExtras = {
    position: 0,
    partial: { lossSum: 0, correct: 0, count: 0, finiteLoss: true, start: null },
    epochs: [],
    best: { valAcc: -1, epoch: -1, valLoss: null },
    trajectory: [],
    wallMs: 0,
    skipped: 0,
    tensors: null,
  };
  let stride = 1;
  let resumed: { epoch: number; step: number } | null = null;
  let runLog: RunLogger | undefined;
  try {
    const read = options.resume && checkpointPath ? await readRunCheckpoint(checkpointPath) : undefined;
    if (read) {
      const saved = read.checkpoint.extras?.data as RunCheckpointData | undefined;
      if (saved?.version !== 1 || saved.configHash !== configHash) {
        throw new HyperscheduleError('resume', read.file, `a checkpoint of this run (config ${configHash}); it holds ${saved?.configHash}: delete it or use another folder`);
      }
      await restoreCheckpoint(read.checkpoint, { session, optimizer, variables: vit.variables });
      Object.assign(extras, saved.extras);
      const bestWeights = read.checkpoint.extras?.tensors ?? [];
      if (bestWeights.length > 0) best = bestWeights.map((t) => tf.tensor([...t.values], [...t.shape], t.dtype));
      while (extras.trajectory.length > 0 && stride * TRAJECTORY_POINTS < session.clock.step) stride *= 2;
      resumed = { epoch: session.clock.state.epochsCompleted, step: session.clock.step };
      // The log holds exactly the epochs the checkpoint knows.
      if (logPath) await writeFile(logPath, extras.epochs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    } else if (logPath) {
      await writeFile(logPath, '');
    }
    // After the restore: the run log keeps its rows up to the checkpoint's update and goes on from there.
    if (dir) runLog = createRunLogger(session, { dir });
    onEvent?.({ type: 'start', variant: config.variant, epochs: config.epochs, stepsPerEpoch, resumed });

    const classes = train.classNames.length;
    const started = performance.now() - extras.wallMs;
    let interrupted = false;
    while (session.clock.state.epochsCompleted < config.epochs) {
      const epoch = session.clock.state.epochsCompleted;
      if (extras.position === 0) extras.partial = { lossSum: 0, correct: 0, count: 0, finiteLoss: true, start: live.values() };
      const rows = epochOrder(train.count, config.seed, epoch).slice(extras.position);
      let stepInEpoch = Math.round(extras.partial.count / config.batchSize);
      // The scheduled batcher reads the batch-size parameter before every batch, tells the session
      // each batch's size (samples seen -> fractional epochs) and marks the epoch end.
      for (const batchRows of scheduledBatches(rows, { session, dropLast: true })) {
        const used = live.values();
        const before = session.clock.snapshot();
        if (before.step % stride === 0) {
          extras.trajectory.push({ step: before.step, epoch: before.epoch, values: { ...used, batchSize: batchRows.length } });
          if (extras.trajectory.length > TRAJECTORY_POINTS) {
            stride *= 2;
            extras.trajectory = extras.trajectory.filter((p) => p.step % stride === 0);
          }
        }
        const host = hostBatch(train, batchRows, { stats: data.stats, augment, seed: config.seed, epoch });
        const x = tf.tensor4d(host.x, [batchRows.length, train.height, train.width, train.channels]);
        const y = tf.tensor1d(host.labels, 'int32');
        let stats: tf.Tensor | undefined;
        try {
          optimizer.minimize(() => {
            const logits = vit.apply(x, true);
            const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits) as tf.Scalar;
            stats = tf.keep(tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'))]));
            return loss;
          }, false, vit.variables);
        } finally {
          x.dispose();
          y.dispose();
        }
        const [loss, correct] = await stats!.data();
        stats!.dispose();
        if (session.clock.step === before.step) extras.skipped += 1; // non-finite gradients: the hook skipped it
        extras.position += batchRows.length;
        const p = extras.partial;
        p.count += batchRows.length;
        p.correct += correct!;
        if (Number.isFinite(loss!)) p.lossSum += loss! * batchRows.length;
        else p.finiteLoss = false;
        stepInEpoch += 1;
        const live_ = tf.memory().numTensors - (best?.length ?? 0);
        // Optimizer slots and cached scalars are created during the first two updates (a weight
        // decay that starts at 0 gets its scalar at the second); from then on the count must not move.
        if (session.clock.step >= 2) extras.tensors = extras.tensors
          ? { ...extras.tensors, min: Math.min(extras.tensors.min, live_), max: Math.max(extras.tensors.max, live_) }
          : { first: live_, min: live_, max: live_ };
        onEvent?.({ type: 'step', epoch, stepInEpoch, loss: loss!, acc: p.correct / p.count, lr: used.lr, batchSize: batchRows.length });
        // Let the event loop run: a signal handler (Ctrl-C, SIGTERM) only runs here, and awaiting
        // `data()` alone does not yield (it settles as a microtask on wasm and cpu).
        await yieldToEventLoop();
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
      }
      if (interrupted) break;
      // The batcher has recorded the epoch end; validate if due.
      const p = extras.partial;
      const due = (epoch + 1) % config.evalEvery === 0 || epoch + 1 === config.epochs;
      let valLoss: number | null = null;
      let valAcc: number | null = null;
      if (due) {
        const v = evaluate(vit, val, data, config.evalBatch);
        valLoss = finiteOrNull(v.loss);
        valAcc = v.acc;
        session.reportMetrics({ val_loss: v.loss, val_acc: v.acc });
        if (v.acc > extras.best.valAcc) {
          tf.dispose(best ?? []);
          best = vit.snapshot();
          extras.best = { valAcc: v.acc, epoch, valLoss: finiteOrNull(v.loss) };
        }
      }
      const record: EpochRecord = {
        epoch,
        trainLoss: p.finiteLoss && p.count > 0 ? p.lossSum / p.count : null,
        trainAcc: p.count > 0 ? p.correct / p.count : 0,
        valLoss,
        valAcc,
        updates: session.clock.step,
        samples: session.clock.samples,
        hparams: p.start ?? live.values(),
        hparamsEnd: live.values(),
        wallMs: performance.now() - started,
      };
      extras.epochs.push(record);
      extras.position = 0;
      if (logPath) await appendFile(logPath, `${JSON.stringify(record)}\n`);
      onEvent?.({ type: 'epoch', record });
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    extras.wallMs = performance.now() - started;

    if (interrupted) {
      let written: string | null = null;
      // Every row up to this update is on disk before the checkpoint that a resume starts from.
      runLog?.close();
      if (checkpointPath) {
        const core = await saveCheckpoint({ session, optimizer, variables: vit.variables });
        const tensors = await Promise.all((best ?? []).map(async (t, i): Promise<SerializedTensor> => ({ name: `best.${i}`, shape: [...t.shape], dtype: 'float32', values: Array.from(await t.data()) })));
        const data: RunCheckpointData = { version: 1, configHash, extras };
        await writeCheckpointFile(checkpointPath, { ...core, extras: { data, tensors } });
        written = checkpointPath;
      }
      const at = { epoch: session.clock.state.epochsCompleted, step: session.clock.step };
      onEvent?.({ type: 'interrupted', checkpoint: written, ...at });
      return { status: 'interrupted', checkpoint: written, ...at };
    }

    runLog?.close();
    if (best) vit.restore(best);
    const t = evaluate(vit, test, data, config.evalBatch);
    const last = extras.epochs[extras.epochs.length - 1];
    const result: RunResult = {
      config,
      configHash,
      variant: {
        name: definition.name,
        label: definition.label,
        group: definition.group,
        ...(definition.studyScheduler ? { studyScheduler: definition.studyScheduler } : {}),
        ...(definition.twins ? { twins: definition.twins } : {}),
      },
      spec,
      data: { name: data.name, description: data.description, train: train.count, val: val.count, test: test.count },
      backend: tf.getBackend(),
      backendDescription: options.backendDescription ?? tf.getBackend(),
      paramCount: vit.paramCount,
      testAcc: t.acc,
      testLoss: t.loss,
      bestValAcc: extras.best.valAcc,
      bestEpoch: extras.best.epoch,
      finalTrainLoss: last?.trainLoss ?? null,
      finalTrainAcc: last?.trainAcc ?? 0,
      updates: session.clock.step,
      skippedUpdates: extras.skipped,
      samples: session.clock.samples,
      wallMs: extras.wallMs,
      epochs: extras.epochs,
      trajectory: extras.trajectory,
      tensors: extras.tensors ?? { first: 0, min: 0, max: 0 },
    };
    if (checkpointPath) await Promise.all([checkpointPath, `${checkpointPath}.prev`].map((f) => rm(f, { force: true })));
    return { status: 'completed', result };
  } finally {
    closeAfterError(runLog);
    tf.dispose(best ?? []);
    live.dispose();
    vit.dispose();
  }
}

