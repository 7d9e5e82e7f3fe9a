import type { Subscription } from 'rxjs';
import { z } from 'zod';
import { TrainingClock } from '../clock/clock.js';
import { parseWithSchema } from '../clock/parse.js';
import { parseClockState, type ClockRun, type ClockSnapshot, type ClockState } from '../clock/state.js';
import { HyperscheduleError } from '../errors.js';
import { ScheduledParameter, type ParamDescription, type ParamState } from '../params/parameter.js';
import { readValue, type NumberOrSource } from '../params/value-source.js';
import { TrainingSignals } from '../signals/hub.js';
import type { MetricScope, PerVariable, UpdateSignal } from '../signals/types.js';

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
  /** Batch size of updates nobody else reports one for (a number or a live source, e.g. a batch-size parameter). */
  readonly batchSize?: NumberOrSource;
  /** Use this signals hub instead of a new one (e.g. to share it). */
  readonly signals?: TrainingSignals;
}

/**
 * The statistics a hook measured for one applied update (all optional; see `UpdateSignal`).
 *
 * @example
 * ```ts
 * import type { UpdateReport } from 'hyperschedule';
 * const r: UpdateReport = { loss: 0.7, gradNorm: 1.3 };
 * ```
 */
export type UpdateReport = Partial<Omit<UpdateSignal, 'clock' | 'batchSize'>> & { readonly batchSize?: number };

/**
 * What the session knows of an optimizer hook attached to it (the fit callback uses it to find
 * the hook when it is not given the model).
 *
 * @example
 * ```ts
 * import type { SessionHook } from 'hyperschedule';
 * const count = (hooks: readonly SessionHook[]) => hooks.length;
 * ```
 */
export interface SessionHook {
  /** When true, an applied update waits for `completeDeferred` (batch logs) before it is recorded. */
  deferCompletion: boolean;
  /** Records the waiting update, if any, with the batch's loss and size; false when none waits. */
  completeDeferred(extra?: { loss?: number; batchSize?: number }): boolean;
}

/**
 * Everything needed to resume a session exactly: the clock, every parameter (value, history,
 * controller state, combined sources) and batch sizes already announced for the next update.
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
  readonly batches: { readonly next: number | null; readonly queued: readonly number[] };
}

const sessionStateSchema = z.object({
  version: z.literal(1),
  clock: z.unknown(),
  params: z.record(z.string(), z.unknown()),
  batches: z.object({ next: z.number().int().nonnegative().nullable(), queued: z.array(z.number().int().nonnegative()) }),
});

/**
 * Ties a {@link TrainingClock}, a {@link TrainingSignals} hub and named parameters together: the
 * one object the hooks (`hook`, `fitCallback`, `scheduledBatches`) drive. It binds each
 * parameter's controller to the hub, syncs schedule-driven values to the clock before and after
 * every update, forwards refused values to `signals.rejected$` / `nonFinite$`, and saves or
 * restores the whole state as JSON.
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
  readonly clock: TrainingClock;
  readonly signals: TrainingSignals;
  private readonly registry = new Map<string, ScheduledParameter>();
  private readonly unbinders: (() => void)[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly forwarded = new WeakSet<ScheduledParameter>();
  private readonly ownsSignals: boolean;
  private readonly defaultBatchSize: NumberOrSource | undefined;
  private nextBatch: number | undefined;
  private queued: number[] = [];
  private pendingLoss: number | undefined;
  private readonly attached: SessionHook[] = [];

  constructor(options: SessionOptions = {}) {
    this.clock = new TrainingClock(options.run);
    this.ownsSignals = options.signals === undefined;
    this.signals = options.signals ?? new TrainingSignals();
    this.defaultBatchSize = options.batchSize;
    const params = options.params ?? [];
    if (Array.isArray(params)) {
      this.add(...(params as readonly ScheduledParameter[]));
    } else {
      for (const [key, p] of Object.entries(params as Record<string, ScheduledParameter>)) {
        if (p?.name !== key) throw new HyperscheduleError(`params.${key}`, p?.name, `a parameter named "${key}"`);
        this.add(p);
      }
    }
  }

  /** The registered parameters by name. */
  get params(): ReadonlyMap<string, ScheduledParameter> {
    return this.registry;
  }

  /** Registers parameters: binds their controllers to the hub and syncs them to the clock. */
  add(...params: ScheduledParameter[]): this {
    for (const p of params) {
      if (!(p instanceof ScheduledParameter)) throw new HyperscheduleError('session.add', p, 'a ScheduledParameter (from param())');
      const existing = this.registry.get(p.name);
      if (existing === p) continue;
      if (existing) throw new HyperscheduleError(`params.${p.name}`, p.name, 'a name not used by another parameter of this session');
      this.registry.set(p.name, p);
      this.unbinders.push(p.bind({ signals: this.signals, now: () => this.clock.snapshot() }));
      this.forwardRejections(p);
      p.sync(this.clock);
    }
    return this;
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

  /** Optimizer hooks attached to this session (see `hook`). */
  get hooks(): readonly SessionHook[] {
    return this.attached;
  }

  /** Called by `hook()`: registers an optimizer hook. */
  attachHook(h: SessionHook): void {
    if (!this.attached.includes(h)) this.attached.push(h);
  }

  /** Called by `unhook()`. */
  detachHook(h: SessionHook): void {
    const i = this.attached.indexOf(h);
    if (i >= 0) this.attached.splice(i, 1);
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
   * Announces the batch size of the next update (the fit callback does this from tfjs's logs).
   * Overrides queued sizes.
   */
  setNextBatchSize(size: number): void {
    this.nextBatch = checkBatchSize(size, 'setNextBatchSize');
  }

  /**
   * Queues the size of a batch handed to the training loop (the scheduled batcher does this).
   * The next update consumes all queued sizes, so gradient accumulation over several batches
   * counts every sample.
   */
  queueBatch(size: number): void {
    this.queued.push(checkBatchSize(size, 'queueBatch'));
  }

  /** The loss of the next update, when the hook cannot see it (e.g. `applyGradients` loops). */
  reportLoss(loss: number): void {
    this.pendingLoss = loss;
  }

  /**
   * Records an applied update: advances the clock by its batch size, publishes its signals, then
   * syncs parameters to the new clock. Returns the clock after the update.
   */
  completeUpdate(report: UpdateReport = {}): ClockSnapshot {
    const batchSize = report.batchSize ?? this.takeBatchSize();
    this.nextBatch = undefined;
    this.queued = [];
    const clock = this.clock.advance(batchSize);
    const loss = report.loss ?? this.pendingLoss;
    this.pendingLoss = undefined;
    const { batchSize: _ignored, ...stats } = report;
    this.signals.publishUpdate({ ...stats, ...(loss !== undefined ? { loss } : {}), clock, batchSize });
    this.sync();
    return clock;
  }

  /**
   * Records an update that was *not* applied (non-finite gradients): the clock does not move, no
   * update signal fires, the announced batch is forgotten and the event goes to `nonFinite$`.
   */
  skipUpdate(values: PerVariable, source = 'gradients'): void {
    this.nextBatch = undefined;
    this.queued = [];
    this.pendingLoss = undefined;
    this.signals.reportNonFinite({ source, values, action: 'skipped-update', clock: this.clock.snapshot() });
  }

  /** Records an epoch boundary with its logs (published on `metrics$` as scope `epoch`, then `epochEnd$`). */
  endEpoch(logs: PerVariable = {}): ClockSnapshot {
    const index = this.clock.state.epochsCompleted;
    const clock = this.clock.endEpoch();
    if (Object.keys(logs).length > 0) this.signals.publishMetrics('epoch', logs, clock);
    this.signals.publishEpochEnd(index, logs, clock);
    this.sync();
    return clock;
  }

  /** Publishes metrics measured outside the update loop (e.g. a validation run) on `metrics$`. */
  reportMetrics(values: PerVariable, scope: MetricScope = 'eval'): void {
    this.signals.publishMetrics(scope, values, this.clock.snapshot());
  }

  /** The JSON state (see {@link SessionState}). */
  state(): SessionState {
    return {
      version: 1,
      clock: this.clock.state,
      params: Object.fromEntries([...this.registry].map(([name, p]) => [name, p.state()])),
      batches: { next: this.nextBatch ?? null, queued: [...this.queued] },
    };
  }

  /**
   * Restores a state saved by {@link HyperscheduleSession.state} into a session built with the
   * same parameters (same names, drivers and controllers). Validates everything first.
   */
  restore(state: SessionState): void {
    const raw = parseWithSchema(sessionStateSchema, state, 'state');
    const clock = parseClockState(raw.clock, 'state.clock');
    const names = [...this.registry.keys()];
    for (const name of Object.keys(raw.params)) {
      if (!this.registry.has(name)) throw new HyperscheduleError(`state.params.${name}`, name, `a parameter of this session (${names.join(', ')})`);
    }
    for (const name of names) {
      if (!(name in raw.params)) throw new HyperscheduleError(`state.params.${name}`, undefined, `the saved state of parameter "${name}"`);
    }
    this.clock.restore(clock);
    for (const [name, p] of this.registry) p.restore(raw.params[name] as ParamState, `state.params.${name}`);
    this.nextBatch = raw.batches.next ?? undefined;
    this.queued = [...raw.batches.queued];
    this.pendingLoss = undefined;
    this.sync();
  }

  /** Unbinds every controller, stops forwarding, and completes the hub if the session created it. */
  dispose(): void {
    for (const unbind of this.unbinders.splice(0)) unbind();
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    if (this.ownsSignals) this.signals.complete();
  }

  private takeBatchSize(): number | undefined {
    if (this.nextBatch !== undefined) return this.nextBatch;
    if (this.queued.length > 0) return this.queued.reduce((a, b) => a + b, 0);
    if (this.defaultBatchSize === undefined) return undefined;
    return checkBatchSize(readValue(this.defaultBatchSize), 'session.batchSize');
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

function checkBatchSize(size: number, field: string): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw new HyperscheduleError(field, size, 'an integer >= 0');
  return size;
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
