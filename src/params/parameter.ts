import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { checkArray, checkNullable, checkNumber, checkObject, checkOptional, checkUnknown } from '../check.js';
import type { Controller } from '../controllers/controller.js';
import { HyperscheduleError, describeValue } from '../errors.js';
import { checkSchedule } from '../schedules/define.js';
import type { Schedule } from '../schedules/schedule.js';
import type { RejectionReport } from '../signals/types.js';
import type { ValueSource } from '../values/value-source.js';
import { combinedDriver } from './combined-driver.js';
import { controllerDriver } from './controller-driver.js';
import { checkCandidate, toDomain, type DomainLike, type ParamDomain } from './domain.js';
import type { ClockReader, Driver, DriverHost, HistoryPoint, ParamBinding, ParamDescription, ParamKind, ParamNode, ParamState } from './driver.js';
import { manualDriver } from './manual-driver.js';
import { scheduleDriver } from './schedule-driver.js';

export type { ClockReader, HistoryPoint, ParamBinding, ParamDescription, ParamKind, ParamState } from './driver.js';

/**
 * A parameter's input to a combination: another parameter or a constant.
 */
export type ParamSource = ScheduledParameter | number;

/**
 * What drives a parameter — exactly one of:
 * - `{ schedule }`: a pure schedule evaluated at the clock in the schedule's unit;
 * - `{ controller, state? }`: a controller reacting to training signals (optionally resumed);
 * - `{ initial }`: a value set by hand with `set()`;
 * - `{ combine, fn }`: a function of other parameters (see `combine`, `times`).
 */
export type ParamDriver =
  | { readonly schedule: Schedule }
  | { readonly controller: Controller; readonly state?: unknown }
  | { readonly initial: number }
  | { readonly combine: readonly ParamSource[]; readonly fn: (...values: number[]) => number };

/**
 * Options of {@link param}.
 */
export interface ParamOptions {
  /**
   * Allowed values (default `'finite'`; usually `'positive'` for a learning rate, `'nonNegative'`
   * for a weight decay, `'unitInterval'` for a momentum or beta). A schedule with a known `end`
   * is checked against it over [0, end] at construction; at run time an out-of-domain candidate
   * is refused (the last good value stays), reported on `rejected$` and warned about once.
   */
  readonly domain?: DomainLike;
  /** Keep at most this many history points (the most recent). Default: all. */
  readonly historyLimit?: number;
}

/** A step count: beyond 2^53 - 1, adding one update no longer changes it. */
const stepCount = checkNumber({ ge: 0, le: Number.MAX_SAFE_INTEGER, integer: true });
const historyPoint = checkObject({ step: stepCount, value: checkNumber() });
const readState = checkObject({
  value: checkNumber(),
  step: stepCount,
  history: checkArray(historyPoint),
  controller: checkUnknown(),
  // Each source's own prepareRestore() validates its state.
  sources: checkOptional(checkArray(checkNullable(checkUnknown()))),
});

const DRIVER_KEYS = ['schedule', 'controller', 'initial', 'combine'] as const;

/** Checks the shape of a {@link ParamDriver} and builds the driver of its kind. */
function createDriver(host: DriverHost, spec: ParamDriver, domain: ParamDomain): Driver {
  const name = host.name;
  if (typeof spec !== 'object' || spec === null) throw new HyperscheduleError(`${name}.driver`, spec, 'one of { schedule }, { controller }, { initial }, { combine, fn }');
  const keys = DRIVER_KEYS.filter((k) => k in spec);
  if (keys.length !== 1) throw new HyperscheduleError(`${name}.driver`, Object.keys(spec), 'exactly one of schedule, controller, initial, combine');
  if ('schedule' in spec) return scheduleDriver(host, checkSchedule(spec.schedule, `${name}.schedule`), domain);
  if ('controller' in spec) {
    const c = spec.controller as Partial<Controller> | null;
    if (typeof c !== 'object' || c === null || typeof c.step !== 'function' || typeof c.value !== 'function' || typeof c.input !== 'function') {
      throw new HyperscheduleError(`${name}.controller`, c, 'a Controller (with input, step and value)');
    }
    return controllerDriver(host, spec.controller, spec.state);
  }
  if ('initial' in spec) {
    if (typeof spec.initial !== 'number') throw new HyperscheduleError(`${name}.initial`, spec.initial, 'a number');
    return manualDriver(host, spec.initial);
  }
  const { combine: sources, fn } = spec as { combine: unknown; fn: unknown };
  if (!Array.isArray(sources) || sources.length === 0) throw new HyperscheduleError(`${name}.combine`, sources, 'a non-empty array of parameters or numbers');
  if (typeof fn !== 'function') throw new HyperscheduleError(`${name}.fn`, fn, 'a function of the source values');
  sources.forEach((source: unknown, i) => {
    if (typeof source === 'number' ? !Number.isFinite(source) : !(source instanceof ScheduledParameter)) {
      throw new HyperscheduleError(`${name}.combine.${i}`, source, 'a ScheduledParameter or a finite number');
    }
  });
  return combinedDriver(host, sources as ParamSource[], fn as (...values: number[]) => number);
}

/**
 * A named hyperparameter with a live value, driven by a schedule, a controller, by hand, or by a
 * combination of other parameters. Optimizers read `.value` (it is a `ValueSource`).
 *
 * - `value` is synchronous; `value$` emits the current value and every change; `history` holds
 *   the trajectory as `{ step, value }` change points (for plots).
 * - Every candidate is validated against the domain: a NaN/±Infinity or out-of-domain candidate
 *   is refused and the last good value kept; every refusal is emitted on `rejected$`, and the
 *   first one from a schedule, a controller or a combination is also warned about
 *   (`console.warn`, naming the parameter and what to do; `set()` returns false instead).
 *   A schedule that settles (`schedule.end` is known: cosine, linear, warmup, ...) is checked over
 *   [0, end] at construction instead, so a cosine to `min: 0` under `'positive'` throws right away.
 * - Schedule-driven values move only when the parameter is synced to a clock (the session does
 *   this before and after every update), so the value used by update k is `schedule.at(t_k)`.
 * - A parameter driven by a per-variable controller (`adaptiveMomentum({ perVariable: true })`)
 *   has `valueFor(variableName)`: each variable's own value, which optimizers read per variable;
 *   `value` is then the controller's summary (the mean). Other parameters have no `valueFor`.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { TrainingClock } from '../clock/clock.js';
 * const halving = { type: 'halving', unit: 'step' as const, at: (t: number) => 0.1 / 2 ** t, toJSON: () => ({ type: 'halving' }) };
 * const lr = param('lr', { schedule: halving }, { domain: 'positive' });
 * const clock = new TrainingClock();
 * clock.advance(32);
 * lr.sync(clock);
 * lr.value;   // 0.05
 * lr.history; // [{ step: 0, value: 0.1 }, { step: 1, value: 0.05 }]
 * ```
 */
export class ScheduledParameter implements ValueSource, ParamNode {
  readonly name: string;
  readonly domain: ParamDomain;
  readonly kind: ParamKind;
  /**
   * Each variable's own value, when the driver has per-variable values (a per-variable
   * controller); absent otherwise, so optimizers read one `value` for every variable. A variable
   * the driver has no value for, or whose value the domain refuses, gets `value`.
   */
  readonly valueFor?: (variableName: string) => number;
  private current: number;
  private lastStep = 0;
  private points: HistoryPoint[];
  private readonly historyLimit: number;
  private readonly subject: BehaviorSubject<number>;
  private readonly rejectedSubject = new Subject<RejectionReport>();
  private readonly driver: Driver;
  private warned = false;

  constructor(name: string, driver: ParamDriver, options: ParamOptions = {}) {
    if (typeof name !== 'string' || name === '') throw new HyperscheduleError('param.name', name, 'a non-empty string');
    this.name = name;
    this.domain = toDomain(options.domain, `${name}.domain`);
    const limit = options.historyLimit;
    this.historyLimit = limit === undefined || limit === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : checkNumber({ ge: 1 })(limit, `${name}.historyLimit`);
    const lastStep = (): number => this.lastStep;
    const host: DriverHost = {
      name,
      get step() {
        return lastStep();
      },
      propose: (candidate, step) => this.propose(candidate, step),
    };
    this.driver = createDriver(host, driver, this.domain);
    this.kind = this.driver.kind;
    const perVariable = this.driver.valueFor?.bind(this.driver);
    if (perVariable) {
      this.valueFor = (variableName) => {
        const v = perVariable(variableName);
        const checked = v === undefined ? undefined : checkCandidate(this.domain, v);
        return checked?.ok ? checked.value : this.current;
      };
    }
    const first = this.driver.initial();
    const checked = checkCandidate(this.domain, first);
    if (!checked.ok) throw new HyperscheduleError(`${name} (initial value)`, first, this.domain.allowed);
    this.current = checked.value;
    this.points = [{ step: 0, value: this.current }];
    this.subject = new BehaviorSubject(this.current);
  }

  /** The current value (synchronous). */
  get value(): number {
    return this.current;
  }

  /** The current value on subscribe, then every change. */
  get value$(): Observable<number> {
    return this.subject.asObservable();
  }

  /** Every refused candidate (the first from a schedule, controller or combination is also warned about on the console). */
  get rejected$(): Observable<RejectionReport> {
    return this.rejectedSubject.asObservable();
  }

  /** Change points `{ step, value }`, oldest first. */
  get history(): readonly HistoryPoint[] {
    return this.points;
  }

  /** The latest clock step this parameter has seen (synced to, or proposed at). */
  get step(): number {
    return this.lastStep;
  }

  /** The schedule driving this parameter, if any. */
  get schedule(): Schedule | undefined {
    return this.driver.schedule;
  }

  /** The controller driving this parameter, if any. */
  get controller(): Controller | undefined {
    return this.driver.controller;
  }

  /** The controller's current (committed) state, if controller-driven. */
  get controllerStateValue(): unknown {
    return this.driver.controllerState;
  }

  /** The parameters this one combines (combined parameters), constants excluded. */
  get sources(): readonly ScheduledParameter[] {
    // createDriver admits only ScheduledParameter instances as sources.
    return (this.driver.sources ?? []) as readonly ScheduledParameter[];
  }

  /**
   * Sets the value by hand (manual parameters only). Returns whether it was accepted; a refused
   * value leaves the parameter unchanged and is reported on `rejected$`.
   */
  set(value: number, step = this.lastStep): boolean {
    if (!this.driver.set) throw new HyperscheduleError(`${this.name}.set`, value, `a parameter driven by { initial } (this one is ${this.kind}-driven)`);
    return this.driver.set(value, step);
  }

  /**
   * Re-evaluates time-driven values at `clock` (schedules; combinations after syncing their
   * sources). Idempotent: syncing twice at the same time changes nothing.
   */
  sync(clock: ClockReader): void {
    this.lastStep = Math.max(this.lastStep, clock.step);
    this.driver.sync?.(clock);
  }

  /**
   * Connects a controller (and those of combined sources) to a signals hub. Idempotent for the
   * same hub; binding to another hub first unbinds. Returns a function that unbinds.
   */
  bind(binding: ParamBinding): () => void {
    this.driver.bind?.(binding);
    return () => this.unbind();
  }

  /** Disconnects from the signals hub (and unbinds combined sources). */
  unbind(): void {
    this.driver.unbind?.();
  }

  /**
   * This parameter times `factor` (another parameter or a constant): a new combined parameter
   * (by default with the same name and domain) whose value follows both — e.g. a cosine schedule
   * times a plateau controller's factor, so the two no longer fight over one value.
   *
   * @example
   * ```ts
   * import { param } from 'hyperschedule';
   * const base = param('lr.base', { initial: 0.1 });
   * const factor = param('lr.factor', { initial: 1 });
   * const lr = base.times(factor, 'lr');
   * factor.set(0.5);
   * lr.value; // 0.05
   * ```
   */
  times(factor: ParamSource, name = this.name): ScheduledParameter {
    return new ScheduledParameter(name, { combine: [this, factor], fn: (a, b) => a * b }, { domain: this.domain });
  }

  /** The JSON state (value, history, and the driver's part: controller state or sources' states). */
  state(): ParamState {
    return { value: this.current, step: this.lastStep, history: [...this.points], ...this.driver.state?.() };
  }

  /**
   * Restores a state from {@link ScheduledParameter.state}: validated whole first (errors name
   * `field`), so a refused state changes nothing — not even a combined parameter's sources.
   */
  restore(state: ParamState, field = this.name): void {
    this.prepareRestore(state, field)();
  }

  /**
   * Validates a state from {@link ScheduledParameter.state} — fields, the value in the domain,
   * the driver's part (controller state, every source's state) — and returns the restore, which
   * cannot fail. Nothing changes until it runs, so several pieces can be checked before any is
   * applied (a checkpoint restore is all-or-nothing this way).
   */
  prepareRestore(state: ParamState, field = this.name): () => void {
    const raw = readState(state, field);
    const checked = checkCandidate(this.domain, raw.value);
    if (!checked.ok || checked.value !== raw.value) throw new HyperscheduleError(`${field}.value`, raw.value, this.domain.allowed);
    for (const [key, kind] of [['controller', 'controller'], ['sources', 'combined']] as const) {
      if (raw[key] !== undefined && this.kind !== kind) throw new HyperscheduleError(`${field}.${key}`, raw[key], `nothing (${this.name} is ${this.kind}-driven)`);
    }
    const restoreDriver = this.driver.prepareRestore?.(raw as ParamState, field);
    const history = raw.history.length > 0 ? raw.history : [{ step: raw.step, value: raw.value }];
    return () => {
      restoreDriver?.();
      this.lastStep = raw.step;
      this.points = history;
      if (this.current !== raw.value) {
        this.current = raw.value;
        this.subject.next(this.current);
      }
    };
  }

  /** A JSON description (kind, domain, and the schedule spec, controller name or sources). */
  describe(): ParamDescription {
    return { name: this.name, kind: this.kind, domain: this.domain.name, value: this.current, ...this.driver.describe?.() };
  }

  /** Unbinds and completes `value$` and `rejected$`. */
  dispose(): void {
    this.unbind();
    this.driver.dispose?.();
    this.subject.complete();
    this.rejectedSubject.complete();
  }

  /** Validates and, if good, adopts `candidate` as the value from `step` on. */
  private propose(candidate: number, step: number): boolean {
    this.lastStep = Math.max(this.lastStep, step);
    const checked = checkCandidate(this.domain, candidate);
    if (!checked.ok) {
      const report: RejectionReport = { param: this.name, candidate, reason: checked.reason, kept: this.current, step, origin: this.driver.origin };
      this.warnOnce(report);
      this.rejectedSubject.next(report);
      return false;
    }
    this.adopt(checked.value, step);
    return true;
  }

  /** The first refusal goes to the console too: nobody may be watching `rejected$`. */
  private warnOnce(r: RejectionReport): void {
    const advice = this.driver.advice;
    if (this.warned || advice === undefined) return;
    this.warned = true;
    console.warn(
      `hyperschedule: parameter "${r.param}" refused ${describeValue(r.candidate)} from its ${r.origin} at step ${r.step} ` +
        `(${r.reason}) and keeps ${describeValue(r.kept)}; ${advice}. Later refusals: rejected$ only.`,
    );
  }

  private adopt(value: number, step: number): void {
    if (value === this.current) return;
    const last = this.points[this.points.length - 1];
    if (last && last.step >= step) {
      // A later value within the same step supersedes the earlier one.
      this.points[this.points.length - 1] = { step: last.step, value };
      const before = this.points[this.points.length - 2];
      if (before && before.value === value) this.points.pop();
    } else {
      this.points.push({ step, value });
    }
    if (this.points.length > this.historyLimit) this.points.splice(0, this.points.length - this.historyLimit);
    this.current = value;
    this.subject.next(value);
  }
}

/**
 * Creates a named hyperparameter. See {@link ScheduledParameter} and {@link ParamDriver}.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { positiveInteger } from './domain.js';
 * const momentum = param('momentum', { initial: 0.9 }, { domain: 'unitInterval' });
 * const batch = param('batchSize', { initial: 64 }, { domain: positiveInteger({ max: 1024 }) });
 * momentum.set(1.2); // false: refused (not in [0, 1)), value stays 0.9
 * ```
 */
export function param(name: string, driver: ParamDriver, options?: ParamOptions): ScheduledParameter {
  return new ScheduledParameter(name, driver, options);
}

/**
 * A parameter computed from others: `fn` receives the sources' current values in order.
 *
 * @example
 * ```ts
 * import { combine, param } from 'hyperschedule';
 * const lr = param('lr', { initial: 0.1 });
 * const wd = param('wd', { initial: 0.05 });
 * const decayPerStep = combine('lr*wd', [lr, wd], (a, b) => a * b, { domain: 'nonNegative' });
 * decayPerStep.value; // 0.005 (approx.)
 * ```
 */
export function combine(name: string, sources: readonly ParamSource[], fn: (...values: number[]) => number, options?: ParamOptions): ScheduledParameter {
  return new ScheduledParameter(name, { combine: sources, fn }, options);
}
