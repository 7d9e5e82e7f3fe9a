import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { checkArray, checkBoolean, checkNumber, checkOneOf, checkOptions, checkOptional, checkString } from '../../check.js';
import type { ClockSnapshot } from '../../clock/state.js';
import { HyperscheduleError } from '../../errors.js';
import type { HyperscheduleSession } from '../../integrations/session.js';
import type { HistoryPoint } from '../../params/driver.js';
import { STAT_KINDS, type MetricScope, type MetricsSignal, type NonFiniteReport, type StatKind, type UpdateSignal } from '../../signals/types.js';
import { BufferedFile, replaceFileSync } from './buffered-file.js';
import { runLogCsv } from './csv.js';
import { parseRunLog, runLogLine } from './jsonl.js';
import { metricKey, paramKey, signalKey, type RunLogRow } from './row.js';
import { TensorBoardWriter } from './tensorboard.js';
import { valueUsedBy } from './values-used.js';

/**
 * Options of {@link createRunLogger}.
 *
 * @example
 * ```ts
 * import type { RunLoggerOptions } from 'hyperschedule/node';
 * const o: RunLoggerOptions = { dir: 'runs/vit-cosine', signals: ['gradNorm'] };
 * ```
 */
export interface RunLoggerOptions {
  /** The run's folder (created if missing): `run.jsonl`, `run.csv` and `tb/` go in it. */
  readonly dir: string;
  /**
   * Device statistics to compute and log at every update, e.g. `['gradNorm']` (see `StatKind`).
   * The loss is always logged. Scalar statistics that something else subscribed to (a
   * controller) are logged too; per-variable ones (`gradNorms`, ...) only when named here.
   */
  readonly signals?: readonly StatKind[];
  /** Rows kept in memory before they are written (default 100). {@link RunLogger.flush} writes them sooner. */
  readonly flushEvery?: number;
  /** Write TensorBoard event files under `<dir>/tb` (default true). */
  readonly tensorboard?: boolean;
  /** Write `<dir>/run.csv` when the logger closes (default true). */
  readonly csv?: boolean;
  /**
   * The update the run (re)starts after (default: the session's `clock.step` when the logger is
   * created — so create it after restoring a checkpoint). Rows already in `run.jsonl` up to this
   * step are kept, later ones dropped; 0 starts the logs afresh.
   */
  readonly fromStep?: number;
  /** The wall clock in milliseconds since the Unix epoch (default `Date.now`; tests pin it). */
  readonly now?: () => number;
}

/**
 * What a closed run log holds (see {@link RunLogger.close}).
 *
 * @example
 * ```ts
 * import type { RunLogSummary } from 'hyperschedule/node';
 * const line = (s: RunLogSummary) => `${s.rows} rows in ${s.files.jsonl}`;
 * ```
 */
export interface RunLogSummary {
  /** Rows in `run.jsonl` (kept from before a resume, and written by this logger). */
  readonly rows: number;
  readonly files: { readonly jsonl: string; readonly csv?: string; readonly tensorboard?: string };
  /** Values left out of the TensorBoard file because they were NaN or ±Infinity (`null` in the JSONL and CSV). */
  readonly tensorBoardSkipped: number;
}

/**
 * What the logger found of an earlier run's log when it started at a step > 0.
 *
 * @example
 * ```ts
 * import type { RunLogResume } from 'hyperschedule/node';
 * const note = (r: RunLogResume) => `kept ${r.kept} rows, dropped ${r.dropped} after update ${r.fromStep}`;
 * ```
 */
export interface RunLogResume {
  readonly fromStep: number;
  /** Rows kept (step <= fromStep). */
  readonly kept: number;
  /** Rows dropped (logged after the checkpoint the run resumed from). */
  readonly dropped: number;
  /** The log ended in a line cut short by a kill (dropped too). */
  readonly incompleteLastLine: boolean;
}

const DEFAULT_FLUSH_EVERY = 100;
const OPTION_KEYS = ['dir', 'signals', 'flushEvery', 'tensorboard', 'csv', 'fromStep', 'now'];
const readKinds = checkOptional(checkArray(checkOneOf(STAT_KINDS)));
const readCount = checkOptional(checkNumber({ ge: 1, le: Number.MAX_SAFE_INTEGER, integer: true }));
const readStep = checkOptional(checkNumber({ ge: 0, le: Number.MAX_SAFE_INTEGER, integer: true }));
const readFlag = checkOptional(checkBoolean());
const readDir = checkString();

/** {@link RunLoggerOptions} checked, with their defaults. */
interface ParsedOptions {
  readonly dir: string;
  readonly kinds: readonly StatKind[];
  readonly flushEvery: number;
  readonly fromStep: number;
  readonly now: () => number;
  readonly withTensorBoard: boolean;
  readonly withCsv: boolean;
}

/** Checks the options (errors name `createRunLogger.<field>`) and fills in the defaults; `step` is the session's clock step. */
function parseOptions(options: RunLoggerOptions, step: number): ParsedOptions {
  const o = checkOptions(options, 'createRunLogger.options', OPTION_KEYS);
  const dir = readDir(o.dir, 'createRunLogger.dir');
  if (dir === '') throw new HyperscheduleError('createRunLogger.dir', dir, 'a folder for the run\'s logs');
  if (o.now !== undefined && typeof o.now !== 'function') throw new HyperscheduleError('createRunLogger.now', o.now, 'a function returning milliseconds since the Unix epoch');
  return {
    dir,
    kinds: readKinds(o.signals, 'createRunLogger.signals') ?? [],
    flushEvery: readCount(o.flushEvery, 'createRunLogger.flushEvery') ?? DEFAULT_FLUSH_EVERY,
    fromStep: readStep(o.fromStep, 'createRunLogger.fromStep') ?? step,
    now: (o.now as (() => number) | undefined) ?? Date.now,
    withTensorBoard: readFlag(o.tensorboard, 'createRunLogger.tensorboard') ?? true,
    withCsv: readFlag(o.csv, 'createRunLogger.csv') ?? true,
  };
}

/** A row under construction (rows are plain records; the public type is read-only). */
type MutableRow = { step: number; wallTime: number; [key: string]: number | null };

/** The key a non-finite statistic of an update was reported under (`loss`, `gradNorm`, `gradNorms.<var>`) as a row key. */
function droppedStatKey(reported: string): string {
  const dot = reported.indexOf('.');
  if (dot < 0) return signalKey(reported as StatKind);
  return signalKey(reported.slice(0, dot) as StatKind, reported.slice(dot + 1));
}

/**
 * The logs of one training run, written as it trains: one row per applied update with the step,
 * fractional epoch, samples, the update's batch size and loss, every parameter of the session
 * at the value the update used (`param/<name>`: LR, momentum or beta1, weight decay, batch size,
 * your own), the device statistics asked for (`signal/gradNorm`, ...) and the metrics reported
 * at that step (`batch/acc`, `epoch/val_loss`, `eval/<name>` from `session.reportMetrics`).
 *
 * - `run.jsonl` — the canonical form, one JSON object per line (see {@link RunLogRow});
 * - `run.csv` — written from it on {@link RunLogger.close}: a header of every key in the order
 *   first seen, numbers in full precision;
 * - `tb/events.out.tfevents.<time>.<host>` — a TensorBoard event file with a scalar per value.
 *
 * NaN and ±Infinity never become numbers: they are `null` in the JSONL and CSV and are left out
 * (counted) in TensorBoard. Rows are buffered and written every `flushEvery` rows; call
 * {@link RunLogger.flush} right before writing a checkpoint, so a resumed run finds every row
 * up to it, and {@link RunLogger.close} at the end. As `model.fit` callbacks it closes itself
 * at the end of the fit.
 *
 * @example
 * ```ts
 * import { createSession, param } from 'hyperschedule';
 * import { createRunLogger } from 'hyperschedule/node';
 * const session = createSession({ params: [param('lr', { initial: 0.1 })], batchSize: 8 });
 * const logger = createRunLogger(session, { dir: '/tmp/hs-run-logger' });
 * session.beginUpdate();
 * session.completeUpdate({ loss: 0.5 });
 * logger.close().rows; // 1
 * ```
 */
export class RunLogger {
  /** The run's folder. */
  readonly dir: string;
  /** The files written: `run.jsonl`, `run.csv` (if enabled) and the TensorBoard event file (if enabled). */
  readonly files: RunLogSummary['files'];
  /** What was kept of an earlier log when the run resumed (`undefined` for a run from step 0). */
  readonly resumed: RunLogResume | undefined;
  private readonly session: HyperscheduleSession;
  private readonly now: () => number;
  private readonly perVariable: ReadonlySet<StatKind>;
  private readonly jsonl: BufferedFile;
  private readonly tensorboard: TensorBoardWriter | undefined;
  private readonly subscriptions: Subscription[] = [];
  /** The newest row: metrics reported at its step still join it. */
  private pending: MutableRow | undefined;
  /** Statistics of the coming update that were dropped as non-finite (reported before the update). */
  private droppedStats: { step: number; keys: Set<string> } | undefined;
  private rowCount: number;
  private failure: Error | undefined;
  private warnedHistory = new Set<string>();
  private isClosed = false;

  constructor(session: HyperscheduleSession, options: RunLoggerOptions) {
    const { dir, kinds, flushEvery, fromStep, now, withTensorBoard, withCsv } = parseOptions(options, session.clock.step);
    this.session = session;
    this.dir = dir;
    this.now = now;
    this.perVariable = new Set(kinds);
    mkdirSync(dir, { recursive: true });
    const jsonlPath = join(dir, 'run.jsonl');
    const csvPath = join(dir, 'run.csv');
    const { kept, resumed } = keptRows(jsonlPath, fromStep);
    this.resumed = resumed;
    this.rowCount = kept.length;
    replaceFileSync(jsonlPath, kept.map(runLogLine).join(''));
    if (withCsv) replaceFileSync(csvPath, runLogCsv(kept));
    else rmSync(csvPath, { force: true });
    this.jsonl = new BufferedFile(jsonlPath, { flushEvery, append: true });
    if (withTensorBoard) {
      this.tensorboard = new TensorBoardWriter({ dir: join(dir, 'tb'), flushEvery, now: this.now });
      for (const row of kept) this.tensorboard.write(row);
    }
    this.files = { jsonl: jsonlPath, ...(withCsv ? { csv: csvPath } : {}), ...(this.tensorboard ? { tensorboard: this.tensorboard.path } : {}) };
    const last = kept[kept.length - 1]?.step ?? 0;
    if (last < fromStep) {
      console.warn(`run log ${jsonlPath}: the run resumes after update ${fromStep} but its log ends at update ${last}; updates ${last + 1}..${fromStep} are not in it`);
    }

    const signals = session.signals;
    // Subscribed in this order: a non-finite statistic is reported before its update is published.
    this.subscriptions.push(
      signals.nonFinite$.subscribe((r) => this.guard(() => this.onNonFinite(r))),
      signals.updates(['loss', ...kinds]).subscribe((u) => this.guard(() => this.onUpdate(u))),
      signals.metrics$.subscribe((m) => this.guard(() => this.onMetrics(m))),
    );
  }

  /** True once {@link RunLogger.close} ran. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Ends the current row and writes every buffered row (JSONL and TensorBoard). Call it right
   * before writing a checkpoint: the rows up to the checkpoint are then on disk when it is.
   * Metrics reported later at the same step go into a row of their own.
   */
  flush(): void {
    this.throwFailure();
    this.emitPending();
    this.jsonl.flush();
    this.tensorboard?.flush();
  }

  /**
   * Stops listening, writes every row, closes the files and writes `run.csv` from `run.jsonl`.
   * Idempotent: a second call returns the same summary.
   */
  close(): RunLogSummary {
    if (!this.isClosed) {
      this.isClosed = true;
      for (const s of this.subscriptions.splice(0)) s.unsubscribe();
      try {
        this.throwFailure();
        this.emitPending();
      } finally {
        this.jsonl.close();
        this.tensorboard?.close();
      }
      if (this.files.csv) {
        const { rows } = parseRunLog(readFileSync(this.files.jsonl, 'utf8'), this.files.jsonl);
        replaceFileSync(this.files.csv, runLogCsv(rows));
      }
    }
    return { rows: this.rowCount, files: this.files, tensorBoardSkipped: this.tensorboard?.skipped ?? 0 };
  }

  /** `model.fit` callback: a logger serves one fit (it closes at its end). */
  readonly onTrainBegin = async (): Promise<void> => {
    if (this.isClosed) throw new HyperscheduleError('createRunLogger', 'a closed logger', 'a new logger for each model.fit (a logger closes at the end of its fit)');
    this.throwFailure();
  };

  /** `model.fit` callback: a failure to write stops the fit at the epoch end. */
  readonly onEpochEnd = async (): Promise<void> => {
    this.throwFailure();
  };

  /** `model.fit` callback: closes the logger (writes everything and `run.csv`). */
  readonly onTrainEnd = async (): Promise<void> => {
    this.close();
  };

  /** Runs a signal handler; a failure (a write error) stops the logger and is rethrown by the next flush or close. */
  private guard(handler: () => void): void {
    if (this.failure) return;
    try {
      handler();
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      for (const s of this.subscriptions.splice(0)) s.unsubscribe();
      console.error(`run log ${this.dir}: logging stopped: ${this.failure.message}`);
    }
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  private onNonFinite(report: NonFiniteReport): void {
    const { source, values, clock } = report;
    if (source === 'update' && report.action === 'dropped') {
      const keys = new Set(Object.keys(values).map(droppedStatKey));
      this.droppedStats = { step: clock.step, keys };
    } else if (source.startsWith('metrics:')) {
      const scope = source.slice('metrics:'.length) as MetricScope;
      const row = this.rowAt(clock);
      for (const name of Object.keys(values)) row[metricKey(scope, name)] = null;
    }
  }

  private onUpdate(update: UpdateSignal): void {
    const { clock } = update;
    this.emitPending();
    const dropped = this.droppedStats?.step === clock.step ? this.droppedStats.keys : new Set<string>();
    this.droppedStats = undefined;
    const row = this.timeRow(clock);
    if (update.batchSize !== undefined) row.batchSize = update.batchSize;
    if (update.loss !== undefined) row.loss = update.loss;
    else if (dropped.has('loss')) row.loss = null;
    for (const [name, p] of this.session.params) row[paramKey(name)] = this.valueUsed(name, p.history, p.value, clock.step);
    for (const kind of STAT_KINDS) {
      if (kind === 'loss') continue;
      const value = update[kind];
      if (typeof value === 'number') row[signalKey(kind)] = value;
      else if (value !== undefined && this.perVariable.has(kind)) {
        for (const [variable, v] of Object.entries(value)) row[signalKey(kind, variable)] = v;
      }
    }
    for (const key of dropped) if (key !== 'loss' && !(key in row) && this.wantsDropped(key)) row[key] = null;
    this.pending = row;
  }

  private onMetrics(metrics: MetricsSignal): void {
    const row = this.rowAt(metrics.clock);
    for (const [name, value] of Object.entries(metrics.values)) row[metricKey(metrics.scope, name)] = value;
  }

  /** A dropped statistic (`signal/<kind>[/<variable>]`) is logged as null; a per-variable one only when its kind was asked for. */
  private wantsDropped(key: string): boolean {
    const [, kind, variable] = key.split('/', 3);
    return variable === undefined || this.perVariable.has(kind as StatKind);
  }

  /** The value a parameter had for the update that brought the clock to `step` (see `valueUsedBy`). */
  private valueUsed(name: string, history: readonly HistoryPoint[], current: number, step: number): number {
    const used = valueUsedBy(history, step);
    if (used !== undefined) return used;
    if (!this.warnedHistory.has(name)) {
      this.warnedHistory.add(name);
      console.warn(`run log ${this.dir}: parameter "${name}" keeps too short a history (historyLimit) to tell the value update ${step} used; its current value is logged`);
    }
    return current;
  }

  /** The row for a metric reported at `clock`: the pending row of that step, or a new one. */
  private rowAt(clock: ClockSnapshot): MutableRow {
    if (this.pending?.step === clock.step) return this.pending;
    this.emitPending();
    this.pending = this.timeRow(clock);
    return this.pending;
  }

  private timeRow(clock: ClockSnapshot): MutableRow {
    return {
      step: clock.step,
      epoch: clock.epoch,
      ...(clock.samplesCounted ? { samples: clock.samples } : {}),
      wallTime: this.now() / 1000,
    };
  }

  private emitPending(): void {
    const row = this.pending;
    if (!row) return;
    this.pending = undefined;
    this.jsonl.write(runLogLine(row));
    this.tensorboard?.write(row);
    this.rowCount += 1;
  }
}

/** The rows of an earlier log to keep when a run starts after update `fromStep` (none for 0). */
function keptRows(path: string, fromStep: number): { kept: RunLogRow[]; resumed: RunLogResume | undefined } {
  if (fromStep === 0) return { kept: [], resumed: undefined };
  if (!existsSync(path)) return { kept: [], resumed: { fromStep, kept: 0, dropped: 0, incompleteLastLine: false } };
  const read = parseRunLog(readFileSync(path, 'utf8'), path);
  const kept = read.rows.filter((r) => r.step <= fromStep);
  return { kept, resumed: { fromStep, kept: kept.length, dropped: read.rows.length - kept.length, incompleteLastLine: read.incompleteLastLine } };
}

/**
 * Starts the logs of a run (see {@link RunLogger}): one line for a loop of your own, or one
 * entry of `model.fit`'s callbacks. Create it after restoring a checkpoint: it keeps the rows
 * up to the restored step and continues from there.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, fitCallback, param } from 'hyperschedule';
 * import { createRunLogger } from 'hyperschedule/node';
 * const lr = param('lr', { initial: 0.05 }, { domain: 'positive' });
 * const session = createSession({ params: [lr] });
 * const optimizer = tf.train.sgd(0.05);
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * model.compile({ optimizer, loss: 'meanSquaredError' });
 * await model.fit(tf.ones([8, 1]), tf.ones([8, 1]), {
 *   epochs: 2, batchSize: 4,
 *   callbacks: [fitCallback(session, { optimizer, apply: (o) => o.setLearningRate(lr.value) }), createRunLogger(session, { dir: '/tmp/hs-fit-log' })],
 * });
 * ```
 */
export function createRunLogger(session: HyperscheduleSession, options: RunLoggerOptions): RunLogger {
  return new RunLogger(session, options);
}
