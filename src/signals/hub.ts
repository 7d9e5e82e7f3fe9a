import { Observable, Subject, filter, map } from 'rxjs';
import type { ClockSnapshot } from '../clock/state.js';
import { HyperscheduleError } from '../errors.js';
import { splitFinite } from './finite.js';
import {
  STAT_KINDS,
  type EpochEndSignal,
  type MetricScope,
  type MetricsSignal,
  type NonFiniteReport,
  type PerVariable,
  type PerVariableSignal,
  type RejectionReport,
  type ScalarSignal,
  type StatKind,
  type UpdateSignal,
} from './types.js';

type ScalarStat = 'loss' | 'gradNorm' | 'gradDeltaNorm' | 'paramDeltaNorm';
type VectorStat = 'gradNorms' | 'gradDeltaNorms' | 'paramDeltaNorms';
const SCALAR_STATS: readonly ScalarStat[] = ['loss', 'gradNorm', 'gradDeltaNorm', 'paramDeltaNorm'];
const VECTOR_STATS: readonly VectorStat[] = ['gradNorms', 'gradDeltaNorms', 'paramDeltaNorms'];

/**
 * The hub of training signals: rxjs streams of what training emits, fed by the hooks
 * (`hook`, `fitCallback`) or by hand.
 *
 * - Signals fire when an update was *applied*: a skipped update (non-finite gradients) emits
 *   nothing but a `nonFinite$` report.
 * - Streams are lazy: a device statistic (loss, norms, deltas) is computed only while its stream
 *   is observed, or while someone holds an {@link TrainingSignals.updates} subscription asking for it;
 *   the hook reads all of them in one batched device read per update.
 * - Within one update, streams fire in the order of `STAT_KINDS`, then `updateApplied$` last.
 * - No stream ever carries NaN/±Infinity: such values are dropped and reported on `nonFinite$`.
 *
 * @example
 * ```ts
 * import { TrainingSignals } from './hub.js';
 * const signals = new TrainingSignals();
 * signals.gradNorm$.subscribe(({ clock, value }) => console.log(clock.step, value));
 * signals.wants('gradNorm'); // true: the hook will now compute ||g|| each update
 * signals.wants('paramDeltaNorms'); // false: never computed
 * ```
 */
export class TrainingSignals {
  private readonly updateSubject = new Subject<UpdateSignal>();
  private readonly scalarSubjects: Record<ScalarStat, Subject<ScalarSignal>> = {
    loss: new Subject(),
    gradNorm: new Subject(),
    gradDeltaNorm: new Subject(),
    paramDeltaNorm: new Subject(),
  };
  private readonly vectorSubjects: Record<VectorStat, Subject<PerVariableSignal>> = {
    gradNorms: new Subject(),
    gradDeltaNorms: new Subject(),
    paramDeltaNorms: new Subject(),
  };
  private readonly metricsSubject = new Subject<MetricsSignal>();
  private readonly epochEndSubject = new Subject<EpochEndSignal>();
  private readonly nonFiniteSubject = new Subject<NonFiniteReport>();
  private readonly rejectedSubject = new Subject<RejectionReport>();
  /** Subscriptions made through `updates(kinds)`, counted per statistic. */
  private readonly requested = new Map<StatKind, number>();

  /** Every applied update, with the clock after it and the statistics computed for it. */
  readonly updateApplied$: Observable<UpdateSignal> = this.updateSubject.asObservable();
  /** Training loss of each applied update's batch. */
  readonly loss$: Observable<ScalarSignal> = this.scalarSubjects.loss.asObservable();
  /** Global gradient norm ||g_k||. */
  readonly gradNorm$: Observable<ScalarSignal> = this.scalarSubjects.gradNorm.asObservable();
  /** Per-variable gradient norms. */
  readonly gradNorms$: Observable<PerVariableSignal> = this.vectorSubjects.gradNorms.asObservable();
  /** Global ||g_k - g_{k-1}||. */
  readonly gradDeltaNorm$: Observable<ScalarSignal> = this.scalarSubjects.gradDeltaNorm.asObservable();
  /** Per-variable ||g_k - g_{k-1}||. */
  readonly gradDeltaNorms$: Observable<PerVariableSignal> = this.vectorSubjects.gradDeltaNorms.asObservable();
  /** Global ||x_k - x_{k-1}|| (the previous update's step; see `StatKind`). */
  readonly paramDeltaNorm$: Observable<ScalarSignal> = this.scalarSubjects.paramDeltaNorm.asObservable();
  /** Per-variable ||x_k - x_{k-1}||. */
  readonly paramDeltaNorms$: Observable<PerVariableSignal> = this.vectorSubjects.paramDeltaNorms.asObservable();
  /** Batch, epoch-end and user-reported (eval) metrics. */
  readonly metrics$: Observable<MetricsSignal> = this.metricsSubject.asObservable();
  /** Epoch boundaries. */
  readonly epochEnd$: Observable<EpochEndSignal> = this.epochEndSubject.asObservable();
  /** Every NaN/±Infinity caught (gradients, loss, metrics, parameter candidates, controller inputs). */
  readonly nonFinite$: Observable<NonFiniteReport> = this.nonFiniteSubject.asObservable();
  /** Every candidate value a parameter refused (non-finite or out of its domain). */
  readonly rejected$: Observable<RejectionReport> = this.rejectedSubject.asObservable();

  /**
   * `updateApplied$`, registering demand for `kinds` while subscribed, so each emitted
   * {@link UpdateSignal} carries those statistics (when defined). The way for a controller to get
   * several statistics of the same update in one value.
   *
   * @example
   * ```ts
   * import { TrainingSignals } from './hub.js';
   * const signals = new TrainingSignals();
   * signals.updates(['gradDeltaNorm', 'paramDeltaNorm']).subscribe((u) => {
   *   if (u.gradDeltaNorm !== undefined && u.paramDeltaNorm) console.log(u.gradDeltaNorm / u.paramDeltaNorm);
   * });
   * ```
   */
  updates(kinds: readonly StatKind[]): Observable<UpdateSignal> {
    for (const kind of kinds) {
      if (!STAT_KINDS.includes(kind)) throw new HyperscheduleError('updates.kinds', kind, `one of ${STAT_KINDS.join(', ')}`);
    }
    return new Observable<UpdateSignal>((subscriber) => {
      for (const kind of kinds) this.requested.set(kind, (this.requested.get(kind) ?? 0) + 1);
      const inner = this.updateSubject.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        for (const kind of kinds) this.requested.set(kind, (this.requested.get(kind) ?? 1) - 1);
      };
    });
  }

  /**
   * One named metric as a scalar stream, from `metrics$` (by default epoch-end and eval metrics,
   * not per-batch ones).
   *
   * @example
   * ```ts
   * import { TrainingSignals } from './hub.js';
   * const signals = new TrainingSignals();
   * signals.metric('val_loss').subscribe(({ value }) => console.log('val loss', value));
   * ```
   */
  metric(name: string, scopes: readonly MetricScope[] = ['epoch', 'eval']): Observable<ScalarSignal> {
    return this.metricsSubject.pipe(
      filter((m) => scopes.includes(m.scope) && m.values[name] !== undefined),
      map((m) => ({ clock: m.clock, value: m.values[name] as number })),
    );
  }

  /** True while statistic `kind` has a consumer, i.e. the hook must compute it. */
  wants(kind: StatKind): boolean {
    if ((this.requested.get(kind) ?? 0) > 0) return true;
    const subject = (this.scalarSubjects as Partial<Record<StatKind, Subject<unknown>>>)[kind]
      ?? (this.vectorSubjects as Partial<Record<StatKind, Subject<unknown>>>)[kind];
    return subject?.observed ?? false;
  }

  /** Every statistic currently wanted (see {@link TrainingSignals.wants}). */
  demand(): ReadonlySet<StatKind> {
    return new Set(STAT_KINDS.filter((kind) => this.wants(kind)));
  }

  /**
   * Publishes one applied update (called by the hooks). Non-finite statistics are dropped and
   * reported; then each statistic's stream fires, then `updateApplied$`.
   */
  publishUpdate(update: UpdateSignal): void {
    const bad: Record<string, number> = {};
    const clean: Record<string, unknown> = { clock: update.clock, batchSize: update.batchSize };
    if (update.paramCount !== undefined) clean.paramCount = update.paramCount;
    for (const kind of SCALAR_STATS) {
      const value = update[kind];
      if (value === undefined) continue;
      if (Number.isFinite(value)) clean[kind] = value;
      else bad[kind] = value;
    }
    for (const kind of VECTOR_STATS) {
      const values = update[kind];
      if (values === undefined) continue;
      const split = splitFinite(values);
      clean[kind] = split.finite;
      for (const [name, value] of Object.entries(split.bad)) bad[`${kind}.${name}`] = value;
    }
    const signal = clean as unknown as UpdateSignal;
    if (Object.keys(bad).length > 0) this.reportNonFinite({ source: 'update', values: bad, action: 'dropped', clock: update.clock });
    for (const kind of STAT_KINDS) {
      const value = signal[kind];
      if (value === undefined) continue;
      if (typeof value === 'number') this.scalarSubjects[kind as ScalarStat].next({ clock: signal.clock, value });
      else if (Object.keys(value).length > 0) this.vectorSubjects[kind as VectorStat].next({ clock: signal.clock, values: value });
    }
    this.updateSubject.next(signal);
  }

  /** Publishes metrics (finite ones; others are reported). Nothing is emitted if none is finite. */
  publishMetrics(scope: MetricScope, values: PerVariable, clock: ClockSnapshot): void {
    const { finite, bad } = splitFinite(values);
    if (Object.keys(bad).length > 0) this.reportNonFinite({ source: `metrics:${scope}`, values: bad, action: 'dropped', clock });
    if (Object.keys(finite).length > 0) this.metricsSubject.next({ clock, scope, values: finite });
  }

  /** Publishes an epoch boundary (`epoch`: index of the epoch that ended). */
  publishEpochEnd(epoch: number, logs: PerVariable, clock: ClockSnapshot): void {
    this.epochEndSubject.next({ clock, epoch, logs: splitFinite(logs).finite });
  }

  /** Reports a caught NaN/±Infinity. */
  reportNonFinite(report: NonFiniteReport): void {
    this.nonFiniteSubject.next(report);
  }

  /** Reports a refused parameter candidate. */
  reportRejection(report: RejectionReport): void {
    this.rejectedSubject.next(report);
  }

  /** Completes every stream (end of training); subscribers' `complete` handlers run. */
  complete(): void {
    this.updateSubject.complete();
    for (const s of Object.values(this.scalarSubjects)) s.complete();
    for (const s of Object.values(this.vectorSubjects)) s.complete();
    this.metricsSubject.complete();
    this.epochEndSubject.complete();
    this.nonFiniteSubject.complete();
    this.rejectedSubject.complete();
  }
}
