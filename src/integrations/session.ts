import type { Subscription } from 'rxjs';
import { checkArray, checkLiteral, checkNullable, checkNumber, checkObject, checkOptional, checkOptions, checkRecord, checkUnknown } from '../check.js';
import { TrainingClock } from '../clock/clock.js';
import { parseClockState, timeIn, type ClockRun, type ClockSnapshot, type ClockState } from '../clock/state.js';
import { HyperscheduleError } from '../errors.js';
import { positiveInteger } from '../params/domain.js';
import { ScheduledParameter, param, type ParamDescription, type ParamState } from '../params/parameter.js';
import type { TimeUnit } from '../schedules/schedule.js';
import { TrainingSignals } from '../signals/hub.js';
import type { MetricScope, PerVariable, UpdateSignal } from '../signals/types.js';
import { EPOCH_WARNING_AFTER, epochTimeParameter, epochTimeWarning } from './epoch-time.js';
import { claimParameter, releaseParameter } from './ownership.js';

/** The name of the parameter that holds a session's batch size (see {@link SessionOptions.batchSize}). */
export const BATCH_SIZE = 'batchSize';

/**
 * Options of {@link createSession}.
 *
 * @example
 * ```ts
 * import { createSession, param } from 'hyperschedule';
 * const session = createSession({ params: [param('lr', { initial: 0.1 })], run: { epochs: 10 }, batchSize: 32 });
 * ```
 */
export interface SessionOptions {
  /** The parameters to drive (an array, or a record whose keys equal the parameters' names). */
  readonly params?: readonly ScheduledParameter[] | Readonly<Record<string, ScheduledParameter>>;
  /** Run length: progress, and `samplesPerEpoch` for fractional epochs (learnt at the first epoch end if absent). */
  readonly run?: ClockRun;
  /**
   * The batch size, shorthand for the session's `'batchSize'` parameter — the one source of the
   * batch size: `scheduledBatches` cuts batches of its value, and an update nobody reports a size
   * for (a hook in your own loop) counts its value in samples. A number registers
   * `param('batchSize', { initial: n }, { domain: positiveInteger() })`; a parameter must be
   * named `'batchSize'`.
   */
  readonly batchSize?: number | ScheduledParameter;
  /** Use this signals hub instead of a new one (e.g. to share it). */
  readonly signals?: TrainingSignals;
}

/**
 * The statistics a hook measured for one applied update (all optional; see `UpdateSignal`), and
 * the update's batch size when whoever applied it knows it.
 *
 * @example
 * ```ts
 * import type { UpdateReport } from 'hyperschedule';
 * const r: UpdateReport = { loss: 0.7, gradNorm: 1.3 };
 * ```
 */
export type UpdateReport = Partial<Omit<UpdateSignal, 'clock' | 'batchSize'>> & { readonly batchSize?: number };

/**
 * What happened to the update of a batch (see {@link HyperscheduleSession.endBatch}): applied
 * (and now recorded), skipped for non-finite gradients, or none went through a hook.
 *
 * @example
 * ```ts
 * import type { BatchOutcome } from 'hyperschedule';
 * const applied: BatchOutcome = 'applied';
 * ```
 */
export type BatchOutcome = 'applied' | 'skipped' | 'none';

/**
 * Everything needed to resume a session exactly: the clock, every parameter (value, history,
 * controller state, combined sources) and batch sizes already handed out for the next update.
 * Plain JSON.
 *
 * @example
 * ```ts
 * import { createSession, param } from 'hyperschedule';
 * const s = createSession({ params: [param('lr', { initial: 0.1 })] });
 * const saved = JSON.stringify(s.state());
 * s.restore(JSON.parse(saved));
 * ```
 */
export interface SessionState {
  readonly version: 1;
  readonly clock: ClockState;
  readonly params: Readonly<Record<string, ParamState>>;
  readonly batches: { readonly queued: readonly number[] };
}

const batchSizeValue = checkNumber({ ge: 0, le: Number.MAX_SAFE_INTEGER, integer: true });
const readSessionState = checkObject({
  version: checkLiteral(1),
  clock: checkUnknown(),
  params: checkRecord(checkUnknown()),
  // `next` is what 0.1 saved for an announced size; it is read as one more queued batch.
  batches: checkObject({ next: checkOptional(checkNullable(batchSizeValue)), queued: checkArray(batchSizeValue) }),
});

/**
 * Ties a {@link TrainingClock}, a {@link TrainingSignals} hub and named parameters together: the
 * one object the hooks (`hook`, `fitCallback`, `scheduledBatches`) drive. It binds each
 * parameter's controller to the hub, syncs schedule-driven values to the clock before and after
 * every update, forwards refused values to `signals.rejected$` / `nonFinite$`, and saves or
 * restores the whole state as JSON. A parameter belongs to one session.
 *
 * When a parameter follows epoch time that this session cannot advance — no epoch end after
 * 100 updates, and no `run.samplesPerEpoch` (or no batch sizes) for fractional epochs — it warns
 * once on the console, naming the parameter and the fix.
 *
 * Order within one applied update (`completeUpdate`): the clock advances, the update's signals
 * fire (controllers react; other parameters still hold the values this update used), then
 * schedule-driven parameters move to the new clock. The values read by update k+1 are final when
 * `completeUpdate` returns.
 *
 * @example
 * ```ts
 * import { createSession, param } from 'hyperschedule';
 * const halving = { type: 'halving', unit: 'step' as const, at: (t: number) => 0.1 / 2 ** t, toJSON: () => ({ type: 'halving' }) };
 * const session = createSession({ params: [param('lr', { schedule: halving })], batchSize: 8 });
 * session.beginUpdate();
 * session.param('lr').value; // 0.1: what update 0 uses
 * session.completeUpdate({ loss: 0.5 });
 * session.param('lr').value; // 0.05
 * session.clock.samples;     // 8
 * ```
 */
export class HyperscheduleSession {
  /** Training time of this run: steps, samples, epochs and progress. */
  readonly clock: TrainingClock;
  /** The hub the update pipeline publishes on and controllers subscribe to. */
  readonly signals: TrainingSignals;
  private readonly registry = new Map<string, ScheduledParameter>();
  private readonly unbinders: (() => void)[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly forwarded = new WeakSet<ScheduledParameter>();
  private readonly ownsSignals: boolean;
  private queued: number[] = [];
  /** Controllers' exceptions from the signals being published, rethrown by the call that published them. */
  private failures: Error[] = [];
  private pendingLoss: number | undefined;
  /** Open between beginBatch and endBatch: the batch's update waits there for the batch's logs. */
  private batch: { report: UpdateReport | undefined; skipped: boolean } | undefined;
  private epochEndsExpected = false;
  private epochWarned = false;

  constructor(options: SessionOptions = {}) {
    checkOptions(options, 'createSession.options', ['params', 'run', 'batchSize', 'signals']);
    this.clock = new TrainingClock(options.run);
    this.ownsSignals = options.signals === undefined;
    this.signals = options.signals ?? new TrainingSignals();
    try {
      const params = options.params ?? [];
      if (Array.isArray(params)) {
        this.add(...(params as readonly ScheduledParameter[]));
      } else {
        for (const [key, p] of Object.entries(params as Record<string, ScheduledParameter>)) {
          if (p?.name !== key) throw new HyperscheduleError(`params.${key}`, p?.name, `a parameter named "${key}"`);
          this.add(p);
        }
      }
      if (options.batchSize !== undefined) this.add(batchSizeParameter(options.batchSize));
    } catch (error) {
      // A session that was never returned must not keep the parameters it claimed.
      this.dispose();
      throw error;
    }
  }

  /** The registered parameters by name. */
  get params(): ReadonlyMap<string, ScheduledParameter> {
    return this.registry;
  }

  /**
   * Registers parameters: binds their controllers to the hub and syncs them to the clock. A
   * parameter (or a combined parameter's source) held by another session is refused: dispose
   * that session first.
   */
  add(...params: ScheduledParameter[]): this {
    const fresh = this.checkCanAdd(params);
    for (const p of fresh) {
      claimParameter(this, p);
      this.registry.set(p.name, p);
      this.unbinders.push(p.bind({ signals: this.signals, now: () => this.clock.snapshot(), fail: (error) => this.failures.push(error) }));
      this.forwardRejections(p);
      p.sync(this.clock);
    }
    return this;
  }

  /**
   * The parameters of `params` not registered yet, after checking that all of them can be added
   * (parameters, names free, none held by another session); throws changing nothing otherwise.
   */
  private checkCanAdd(params: readonly ScheduledParameter[]): ScheduledParameter[] {
    const fresh: ScheduledParameter[] = [];
    for (const p of params) {
      if (!(p instanceof ScheduledParameter)) throw new HyperscheduleError('session.add', p, 'a ScheduledParameter (from param())');
      const existing = this.registry.get(p.name) ?? fresh.find((q) => q.name === p.name);
      if (existing === p) continue;
      if (existing) throw new HyperscheduleError(`params.${p.name}`, p.name, 'a name not used by another parameter of this session');
      fresh.push(p);
    }
    for (const p of fresh) claimParameter(this, p, true);
    return fresh;
  }

  /** The parameter called `name` (throws if there is none). */
  param(name: string): ScheduledParameter {
    const p = this.registry.get(name);
    if (!p) throw new HyperscheduleError('param', name, `one of ${[...this.registry.keys()].join(', ') || '(no parameters)'}`);
    return p;
  }

  /** Current value of every parameter, by name (for logging). */
  values(): Record<string, number> {
    return Object.fromEntries([...this.registry].map(([name, p]) => [name, p.value]));
  }

  /** JSON descriptions of every parameter. */
  describe(): ParamDescription[] {
    return [...this.registry.values()].map((p) => p.describe());
  }

  /** Moves schedule-driven parameters to the current clock (idempotent). */
  sync(): void {
    for (const p of this.registry.values()) p.sync(this.clock);
  }

  /** Call before an update: values are then those the update must use. */
  beginUpdate(): void {
    this.sync();
  }

  /**
   * Counts a batch handed to the training loop (`scheduledBatches` does this). The next update
   * consumes every batch counted since the last one, so gradient accumulation over several
   * batches counts every sample.
   */
  queueBatch(size: number): void {
    this.queued.push(batchSizeValue(size, 'queueBatch'));
  }

  /** The loss of the next update, when the hook cannot see it (e.g. `applyGradients` loops). */
  reportLoss(loss: number): void {
    this.pendingLoss = loss;
  }

  /**
   * Records an applied update: advances the clock by its batch size, publishes its signals, then
   * syncs parameters to the new clock. The batch size is, in this order: the report's (what the
   * caller measured), the batches counted by {@link HyperscheduleSession.queueBatch}, the
   * `'batchSize'` parameter; else unknown. Inside a batch (see
   * {@link HyperscheduleSession.beginBatch}) the update is recorded at `endBatch` instead.
   */
  completeUpdate(report: UpdateReport = {}): void {
    if (this.batch) {
      // A second update in one batch: record the first now, hold the new one for the logs.
      if (this.batch.report) this.record(this.batch.report);
      this.batch.report = report;
      return;
    }
    this.record(report);
  }

  /**
   * Records an update that was *not* applied (non-finite gradients): the clock does not move, no
   * update signal fires, the counted batches are forgotten and the event goes to `nonFinite$`.
   */
  skipUpdate(values: PerVariable, source = 'gradients'): void {
    this.queued = [];
    this.pendingLoss = undefined;
    if (this.batch) this.batch.skipped = true;
    this.signals.reportNonFinite({ source, values, action: 'skipped-update', clock: this.clock.snapshot() });
  }

  /**
   * Opens a batch (the fit callback does this at each batch begin): an update applied before
   * {@link HyperscheduleSession.endBatch} waits there for the batch's logs (loss, size), which
   * tfjs reports only after the update.
   */
  beginBatch(): void {
    this.endBatch();
    this.batch = { report: undefined, skipped: false };
  }

  /** Closes the batch: records its waiting update with the batch's loss and size, and says what happened. */
  endBatch(logs: { readonly loss?: number; readonly batchSize?: number } = {}): BatchOutcome {
    const open = this.batch;
    this.batch = undefined;
    if (!open) return 'none';
    if (!open.report) return open.skipped ? 'skipped' : 'none';
    const { report } = open;
    this.record({
      ...report,
      ...(report.loss === undefined && logs.loss !== undefined ? { loss: logs.loss } : {}),
      ...(logs.batchSize !== undefined ? { batchSize: logs.batchSize } : {}),
    });
    return 'applied';
  }

  /** True between {@link HyperscheduleSession.beginBatch} and `endBatch` (the batch's logs will carry the loss). */
  get inBatch(): boolean {
    return this.batch !== undefined;
  }

  /** Records an epoch boundary with its logs (published on `metrics$` as scope `epoch`, then `epochEnd$`). */
  endEpoch(logs: PerVariable = {}): ClockSnapshot {
    const index = this.clock.state.epochsCompleted;
    const clock = this.clock.endEpoch();
    if (Object.keys(logs).length > 0) this.signals.publishMetrics('epoch', logs, clock);
    this.signals.publishEpochEnd(index, logs, clock);
    this.sync();
    this.throwFailures();
    return clock;
  }

  /**
   * Says that something will call {@link HyperscheduleSession.endEpoch} at every epoch end (the
   * fit callback and `scheduledBatches` say so themselves; a loop of your own that calls
   * `endEpoch()` may too), so a first epoch longer than 100 updates is not mistaken for a loop
   * that never marks epochs.
   */
  expectEpochEnds(): void {
    this.epochEndsExpected = true;
  }

  /** Publishes metrics measured outside the update loop (e.g. a validation run) on `metrics$`. */
  reportMetrics(values: PerVariable, scope: MetricScope = 'eval'): void {
    this.signals.publishMetrics(scope, values, this.clock.snapshot());
    this.throwFailures();
  }

  /** The JSON state (see {@link SessionState}). */
  state(): SessionState {
    return {
      version: 1,
      clock: this.clock.state,
      params: Object.fromEntries([...this.registry].map(([name, p]) => [name, p.state()])),
      batches: { queued: [...this.queued] },
    };
  }

  /**
   * Restores a state saved by {@link HyperscheduleSession.state} into a session built with the
   * same parameters (same names, drivers and controllers). All or nothing: the whole state is
   * validated first (see {@link HyperscheduleSession.prepareRestore}), and a refused state leaves
   * the clock, every parameter and the queued batches as they were.
   */
  restore(state: SessionState): void {
    this.prepareRestore(state)();
  }

  /**
   * Validates a saved state against this session — its fields, the clock, one state per
   * parameter (value in the domain, controller and source states), and that every schedule can
   * be evaluated at the restored clock — and returns the restore, which cannot fail. Nothing
   * changes until it runs. `adding` are parameters to register first (checked like `add()`),
   * whose states the saved state also holds: those an optimizer reads (`restoreCheckpoint`).
   */
  prepareRestore(state: SessionState, field = 'state', adding: readonly ScheduledParameter[] = []): () => void {
    const raw = readSessionState(state, field);
    const added = this.checkCanAdd(adding);
    const params = new Map(this.registry);
    for (const p of added) params.set(p.name, p);
    const names = [...params.keys()];
    for (const name of Object.keys(raw.params)) {
      if (!params.has(name)) throw new HyperscheduleError(`${field}.params.${name}`, name, `a parameter of this session (${names.join(', ') || 'none'})`);
    }
    for (const name of names) {
      if (!(name in raw.params)) throw new HyperscheduleError(`${field}.params.${name}`, undefined, `the saved state of parameter "${name}"`);
    }
    const clock = parseClockState(raw.clock, `${field}.clock`);
    checkScheduleTimes(params.values(), clock, this.clock.run, `${field}.clock`);
    const restoreClock = this.clock.prepareRestore(clock, `${field}.clock`);
    const restores = [...params].map(([name, p]) => p.prepareRestore(raw.params[name] as ParamState, `${field}.params.${name}`));
    const next = raw.batches.next;
    const queued = [...raw.batches.queued, ...(next !== undefined && next !== null ? [next] : [])];
    return () => {
      restoreClock();
      // After the clock: add() syncs them to it, and every schedule was checked at it.
      this.add(...added);
      for (const restore of restores) restore();
      this.queued = queued;
      this.pendingLoss = undefined;
      this.batch = undefined;
      this.sync();
    };
  }

  /**
   * Unbinds every controller, stops forwarding, completes the hub if the session created it, and
   * releases the parameters (they may join another session).
   */
  dispose(): void {
    for (const unbind of this.unbinders.splice(0)) unbind();
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    for (const p of this.registry.values()) releaseParameter(this, p);
    if (this.ownsSignals) this.signals.complete();
  }

  private record(report: UpdateReport): void {
    const batchSize = this.takeBatchSize(report);
    this.queued = [];
    const clock = this.clock.advance(batchSize);
    const loss = report.loss ?? this.pendingLoss;
    this.pendingLoss = undefined;
    const { batchSize: _measured, ...stats } = report;
    this.signals.publishUpdate({ ...stats, ...(loss !== undefined ? { loss } : {}), clock, batchSize });
    this.sync();
    this.checkEpochTime();
    this.throwFailures();
  }

  /** Rethrows the first controller exception of the signals just published (the update itself stands). */
  private throwFailures(): void {
    const [first, ...more] = this.failures.splice(0);
    if (first === undefined) return;
    if (more.length > 0) first.message += ` (+${more.length} more)`;
    throw first;
  }

  private takeBatchSize(report: UpdateReport): number | undefined {
    if (report.batchSize !== undefined) return batchSizeValue(report.batchSize, 'batchSize');
    if (this.queued.length > 0) return this.queued.reduce((a, b) => a + b, 0);
    const parameter = this.registry.get(BATCH_SIZE);
    return parameter === undefined ? undefined : batchSizeValue(parameter.value, `params.${BATCH_SIZE}`);
  }

  /** Warns once when an epoch-time parameter cannot move (see `epochTimeWarning`); checked every 100 updates. */
  private checkEpochTime(): void {
    const state = this.clock.state;
    if (this.epochWarned || this.epochEndsExpected || state.step % EPOCH_WARNING_AFTER !== 0) return;
    const message = epochTimeWarning(state, epochTimeParameter(this.registry.values(), this.clock.run));
    if (message === undefined) return;
    this.epochWarned = true;
    console.warn(message);
  }

  private forwardRejections(p: ScheduledParameter): void {
    if (this.forwarded.has(p)) return;
    this.forwarded.add(p);
    this.subscriptions.push(p.rejected$.subscribe((r) => {
      this.signals.reportRejection(r);
      if (!Number.isFinite(r.candidate)) {
        this.signals.reportNonFinite({ source: `param:${r.param}`, values: { [r.param]: r.candidate }, action: 'kept-value', clock: this.clock.snapshot() });
      }
    }));
    for (const source of p.sources) this.forwardRejections(source);
  }
}

/** Every time unit the schedules of `p` (and of its sources) read. */
function scheduleUnits(p: ScheduledParameter, into: Set<TimeUnit>): Set<TimeUnit> {
  if (p.schedule) into.add(p.schedule.unit);
  for (const source of p.sources) scheduleUnits(source, into);
  return into;
}

/**
 * Throws unless every schedule of `params` can be evaluated at `clock` (sample time needs batch
 * sizes, progress a run length), so a restored session never fails at its first sync.
 */
function checkScheduleTimes(params: Iterable<ScheduledParameter>, clock: ClockState, run: ClockRun, field: string): void {
  const units = new Set<TimeUnit>();
  for (const p of params) scheduleUnits(p, units);
  for (const unit of units) {
    try {
      timeIn(clock, unit, run);
    } catch (error) {
      throw new HyperscheduleError(field, clock, `a clock the ${unit} schedules can read (${(error as Error).message})`);
    }
  }
}



/** The `'batchSize'` parameter behind {@link SessionOptions.batchSize}. */
function batchSizeParameter(batchSize: number | ScheduledParameter): ScheduledParameter {
  if (batchSize instanceof ScheduledParameter) {
    if (batchSize.name !== BATCH_SIZE) throw new HyperscheduleError('batchSize', batchSize.name, `a parameter named "${BATCH_SIZE}" (the session's one batch size)`);
    return batchSize;
  }
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new HyperscheduleError('batchSize', batchSize, `an integer >= 1 or a parameter named "${BATCH_SIZE}"`);
  }
  return param(BATCH_SIZE, { initial: batchSize }, { domain: positiveInteger() });
}

/**
 * Creates a {@link HyperscheduleSession}.
 *
 * @example
 * ```ts
 * import { createSession, param } from 'hyperschedule';
 * const session = createSession({
 *   params: [param('lr', { initial: 1e-3 }, { domain: 'positive' })],
 *   run: { epochs: 20, samplesPerEpoch: 60000 },
 * });
 * session.values(); // { lr: 0.001 }
 * ```
 */
export function createSession(options: SessionOptions = {}): HyperscheduleSession {
  return new HyperscheduleSession(options);
}
