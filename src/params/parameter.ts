import { BehaviorSubject, Subject, skip, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import type { ClockSnapshot } from '../clock/state.js';
import { parseWithSchema } from '../clock/parse.js';
import type { Controller } from '../controllers/controller.js';
import { HyperscheduleError, describeValue } from '../errors.js';
import type { Schedule, ScheduleSpec, TimeUnit } from '../schedules/schedule.js';
import { nonFiniteFields } from '../signals/finite.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { RejectionReport } from '../signals/types.js';
import { toDomain, type DomainLike, type ParamDomain } from './domain.js';
import type { ValueSource } from './value-source.js';

/**
 * What a parameter needs from a clock to evaluate its schedule (a `TrainingClock` is one).
 *
 * @example
 * ```ts
 * import type { ClockReader } from 'hyperschedule';
 * const atStep10: ClockReader = { step: 10, timeIn: (unit) => (unit === 'step' ? 10 : 0) };
 * ```
 */
export interface ClockReader {
  readonly step: number;
  timeIn(unit: TimeUnit): number;
}

/**
 * A value in a parameter's history: `value` is in effect from clock step `step` (updates applied)
 * until the next point. The history is a step function.
 *
 * @example
 * ```ts
 * import type { HistoryPoint } from 'hyperschedule';
 * const p: HistoryPoint = { step: 0, value: 0.1 };
 * ```
 */
export interface HistoryPoint {
  readonly step: number;
  readonly value: number;
}

/**
 * A parameter's input to a combination: another parameter or a constant.
 *
 * @example
 * ```ts
 * import type { ParamSource } from 'hyperschedule';
 * const two: ParamSource = 2;
 * ```
 */
export type ParamSource = ScheduledParameter | number;

/**
 * What drives a parameter — exactly one of:
 * - `{ schedule }`: a pure schedule evaluated at the clock in the schedule's unit;
 * - `{ controller, state? }`: a controller reacting to training signals (optionally resumed);
 * - `{ initial }`: a value set by hand with `set()`;
 * - `{ combine, fn }`: a function of other parameters (see `combine`, `times`).
 *
 * @example
 * ```ts
 * import type { ParamDriver } from 'hyperschedule';
 * const manual: ParamDriver = { initial: 128 };
 * ```
 */
export type ParamDriver =
  | { readonly schedule: Schedule }
  | { readonly controller: Controller; readonly state?: unknown }
  | { readonly initial: number }
  | { readonly combine: readonly ParamSource[]; readonly fn: (...values: number[]) => number; readonly label?: string };

/**
 * Options of {@link param}.
 *
 * @example
 * ```ts
 * import type { ParamOptions } from 'hyperschedule';
 * const o: ParamOptions = { domain: 'positive', historyLimit: 10_000 };
 * ```
 */
export interface ParamOptions {
  /** Allowed values (default `'finite'`). Candidates outside are refused; the last good value stays. */
  readonly domain?: DomainLike;
  /** Keep at most this many history points (the most recent). Default: all. */
  readonly historyLimit?: number;
}

/**
 * The JSON state of a parameter: enough to resume its exact trajectory.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * param('wd', { initial: 0.01 }).state(); // { value: 0.01, step: 0, history: [{ step: 0, value: 0.01 }] }
 * ```
 */
export interface ParamState {
  readonly value: number;
  readonly step: number;
  readonly history: readonly HistoryPoint[];
  /** The controller's state (controller-driven parameters). */
  readonly controller?: unknown;
  /** States of the combined sources (combined parameters), in order. */
  readonly sources?: readonly (ParamState | null)[];
}

/**
 * A JSON description of a parameter, for configs and reports.
 *
 * @example
 * ```ts
 * import type { ParamDescription } from 'hyperschedule';
 * const d: ParamDescription = { name: 'lr', kind: 'manual', domain: 'positive', value: 0.1 };
 * ```
 */
export interface ParamDescription {
  readonly name: string;
  readonly kind: 'schedule' | 'controller' | 'manual' | 'combined';
  readonly domain: string;
  readonly value: number;
  readonly schedule?: ScheduleSpec;
  readonly controller?: string;
  readonly sources?: readonly (ParamDescription | number)[];
}

/**
 * How a bound parameter reaches its session: the signals hub and the current clock.
 *
 * @example
 * ```ts
 * import { param, TrainingClock, TrainingSignals, type ParamBinding } from 'hyperschedule';
 * const clock = new TrainingClock();
 * const binding: ParamBinding = { signals: new TrainingSignals(), now: () => clock.snapshot() };
 * param('lr', { initial: 0.1 }).bind(binding);
 * ```
 */
export interface ParamBinding {
  readonly signals: TrainingSignals;
  readonly now: () => ClockSnapshot;
}

const historyPoint = z.object({ step: z.number().int().nonnegative(), value: z.number() });
type RawState = { value: number; step: number; history: HistoryPoint[]; controller?: unknown; sources?: (RawState | null)[] | undefined };
const paramStateSchema: z.ZodType<RawState> = z.lazy(() =>
  z.object({
    value: z.number(),
    step: z.number().int().nonnegative(),
    history: z.array(historyPoint),
    controller: z.unknown().optional(),
    sources: z.array(paramStateSchema.nullable()).optional(),
  }),
);

/**
 * A named hyperparameter with a live value, driven by a schedule, a controller, by hand, or by a
 * combination of other parameters. Optimizers read `.value` (it is a `ValueSource`).
 *
 * - `value` is synchronous; `value$` emits the current value and every change; `history` holds
 *   the trajectory as `{ step, value }` change points (for plots).
 * - Every candidate is validated against the domain: a NaN/±Infinity or out-of-domain candidate
 *   is refused, the last good value is kept and the refusal is emitted on `rejected$`.
 * - Schedule-driven values move only when the parameter is synced to a clock (the session does
 *   this before and after every update), so the value used by update k is `schedule.at(t_k)`.
 *
 * @example
 * ```ts
 * import { param, TrainingClock } from 'hyperschedule';
 * const halving = { type: 'halving', unit: 'step' as const, at: (t: number) => 0.1 / 2 ** t, toJSON: () => ({ type: 'halving' }) };
 * const lr = param('lr', { schedule: halving }, { domain: 'positive' });
 * const clock = new TrainingClock();
 * clock.advance(32);
 * lr.sync(clock);
 * lr.value;   // 0.05
 * lr.history; // [{ step: 0, value: 0.1 }, { step: 1, value: 0.05 }]
 * ```
 */
export class ScheduledParameter implements ValueSource {
  readonly name: string;
  readonly domain: ParamDomain;
  readonly kind: ParamDescription['kind'];
  private current: number;
  private lastStep = 0;
  private points: HistoryPoint[];
  private readonly historyLimit: number;
  private readonly subject: BehaviorSubject<number>;
  private readonly rejectedSubject = new Subject<RejectionReport>();
  private readonly driver: ParamDriver;
  private readonly sourceList: readonly ParamSource[];
  private controllerState: unknown;
  private binding: { context: ParamBinding; subscription: Subscription | undefined } | undefined;
  private syncing = false;
  private readonly sourceSubscriptions: Subscription[] = [];

  constructor(name: string, driver: ParamDriver, options: ParamOptions = {}) {
    if (typeof name !== 'string' || name === '') throw new HyperscheduleError('param.name', name, 'a non-empty string');
    this.name = name;
    this.domain = toDomain(options.domain, `${name}.domain`);
    const limit = options.historyLimit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 1)) throw new HyperscheduleError(`${name}.historyLimit`, limit, 'a number >= 1');
    this.historyLimit = limit;
    this.driver = driver;
    this.kind = driverKind(name, driver);
    this.sourceList = 'combine' in driver ? driver.combine : [];
    for (const [i, source] of this.sourceList.entries()) {
      if (typeof source === 'number' ? !Number.isFinite(source) : !(source instanceof ScheduledParameter)) {
        throw new HyperscheduleError(`${name}.combine.${i}`, source, 'a ScheduledParameter or a finite number');
      }
    }
    if ('controller' in driver) {
      const c = driver.controller;
      this.controllerState = driver.state === undefined ? c.initialState : (c.parseState ? c.parseState(driver.state) : driver.state);
    }
    const first = this.candidate();
    const checked = this.validate(first);
    if (!checked.ok) throw new HyperscheduleError(`${name} (initial value)`, first, this.domain.allowed);
    this.current = checked.value;
    this.points = [{ step: 0, value: this.current }];
    this.subject = new BehaviorSubject(this.current);
    // A controller-driven source can change between syncs; recompute then (not while syncing,
    // which recomputes once at the end and would otherwise see half-updated sources).
    for (const source of this.sourceList) {
      if (typeof source === 'number') continue;
      this.sourceSubscriptions.push(source.value$.pipe(skip(1)).subscribe(() => {
        if (!this.syncing) this.propose(this.candidate(), 'combine', Math.max(this.lastStep, source.lastStep));
      }));
    }
  }

  /** The current value (synchronous). */
  get value(): number {
    return this.current;
  }

  /** The current value on subscribe, then every change. */
  get value$(): Observable<number> {
    return this.subject.asObservable();
  }

  /** Every refused candidate. */
  get rejected$(): Observable<RejectionReport> {
    return this.rejectedSubject.asObservable();
  }

  /** Change points `{ step, value }`, oldest first. */
  get history(): readonly HistoryPoint[] {
    return this.points;
  }

  /** The schedule driving this parameter, if any. */
  get schedule(): Schedule | undefined {
    return 'schedule' in this.driver ? this.driver.schedule : undefined;
  }

  /** The controller driving this parameter, if any. */
  get controller(): Controller | undefined {
    return 'controller' in this.driver ? this.driver.controller : undefined;
  }

  /** The controller's current (committed) state, if controller-driven. */
  get controllerStateValue(): unknown {
    return this.controllerState;
  }

  /** The parameters this one combines (combined parameters), constants excluded. */
  get sources(): readonly ScheduledParameter[] {
    return this.sourceList.filter((s): s is ScheduledParameter => typeof s !== 'number');
  }

  /**
   * Sets the value by hand (manual parameters only). Returns whether it was accepted; a refused
   * value leaves the parameter unchanged and is reported on `rejected$`.
   */
  set(value: number, step = this.lastStep): boolean {
    if (this.kind !== 'manual') throw new HyperscheduleError(`${this.name}.set`, value, `a parameter driven by { initial } (this one is ${this.kind}-driven)`);
    return this.propose(value, 'set', step);
  }

  /**
   * Re-evaluates time-driven values at `clock` (schedules; combinations after syncing their
   * sources). Idempotent: syncing twice at the same time changes nothing.
   */
  sync(clock: ClockReader): void {
    this.lastStep = Math.max(this.lastStep, clock.step);
    if (this.kind === 'schedule') {
      const schedule = (this.driver as { schedule: Schedule }).schedule;
      this.propose(schedule.at(clock.timeIn(schedule.unit)), 'schedule', clock.step);
    } else if (this.kind === 'combined') {
      this.syncing = true;
      try {
        for (const source of this.sources) source.sync(clock);
      } finally {
        this.syncing = false;
      }
      this.propose(this.candidate(), 'combine', clock.step);
    }
  }

  /**
   * Connects a controller (and those of combined sources) to a signals hub. Idempotent for the
   * same hub; binding to another hub first unbinds. Returns a function that unbinds.
   */
  bind(context: ParamBinding): () => void {
    if (this.binding?.context.signals !== context.signals) {
      this.binding?.subscription?.unsubscribe();
      const controller = this.controller;
      const subscription = controller
        ? controller.input(context.signals).subscribe((input: unknown) => this.onControllerInput(controller, input, context))
        : undefined;
      this.binding = { context, subscription };
    }
    for (const source of this.sources) source.bind(context);
    return () => this.unbind();
  }

  /** Disconnects from the signals hub (and unbinds combined sources). */
  unbind(): void {
    this.binding?.subscription?.unsubscribe();
    this.binding = undefined;
    for (const source of this.sources) source.unbind();
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
    return new ScheduledParameter(name, { combine: [this, factor], fn: (a, b) => a * b, label: 'times' }, { domain: this.domain });
  }

  /** The JSON state (value, history, controller state, sources' states). */
  state(): ParamState {
    const base = { value: this.current, step: this.lastStep, history: [...this.points] };
    if (this.kind === 'controller') return { ...base, controller: this.controllerState };
    if (this.kind === 'combined') return { ...base, sources: this.sourceList.map((s) => (typeof s === 'number' ? null : s.state())) };
    return base;
  }

  /** Restores a state from {@link ScheduledParameter.state} (validated). */
  restore(state: ParamState, field = this.name): void {
    const raw = parseWithSchema(paramStateSchema, state, field);
    const checked = this.validate(raw.value);
    if (!checked.ok || checked.value !== raw.value) throw new HyperscheduleError(`${field}.value`, raw.value, this.domain.allowed);
    if (this.kind === 'controller') {
      const c = this.controller!;
      if (raw.controller === undefined) throw new HyperscheduleError(`${field}.controller`, undefined, `the state of controller ${c.name}`);
      this.controllerState = c.parseState ? c.parseState(raw.controller) : raw.controller;
    }
    if (this.kind === 'combined') {
      const sources = raw.sources ?? [];
      if (sources.length !== this.sourceList.length) {
        throw new HyperscheduleError(`${field}.sources`, sources.length, `${this.sourceList.length} source states`);
      }
      this.syncing = true;
      try {
        this.sourceList.forEach((source, i) => {
          const s = sources[i];
          if (typeof source !== 'number') {
            if (!s) throw new HyperscheduleError(`${field}.sources.${i}`, s, `the state of ${source.name}`);
            source.restore(s, `${field}.sources.${i}`);
          }
        });
      } finally {
        this.syncing = false;
      }
    }
    this.lastStep = raw.step;
    this.points = raw.history.length > 0 ? raw.history : [{ step: raw.step, value: raw.value }];
    if (this.current !== raw.value) {
      this.current = raw.value;
      this.subject.next(this.current);
    }
  }

  /** A JSON description (kind, domain, schedule spec, controller name, sources). */
  describe(): ParamDescription {
    const base = { name: this.name, kind: this.kind, domain: this.domain.name, value: this.current };
    const schedule = this.schedule;
    if (schedule) return { ...base, schedule: schedule.toJSON() };
    const controller = this.controller;
    if (controller) return { ...base, controller: controller.name };
    if (this.kind === 'combined') return { ...base, sources: this.sourceList.map((s) => (typeof s === 'number' ? s : s.describe())) };
    return base;
  }

  /** Unbinds and completes `value$` and `rejected$`. */
  dispose(): void {
    this.unbind();
    for (const s of this.sourceSubscriptions) s.unsubscribe();
    this.subject.complete();
    this.rejectedSubject.complete();
  }

  private candidate(): number {
    const d = this.driver;
    if ('schedule' in d) return d.schedule.at(0);
    if ('controller' in d) return d.controller.value(this.controllerState);
    if ('initial' in d) return d.initial;
    return d.fn(...this.sourceList.map((s) => (typeof s === 'number' ? s : s.value)));
  }

  private validate(candidate: number): { ok: true; value: number } | { ok: false; reason: string } {
    if (typeof candidate !== 'number' || !Number.isFinite(candidate)) return { ok: false, reason: `non-finite candidate ${describeValue(candidate)}` };
    // -0 is stored as 0: it compares equal, so keeping it would make the value depend on history.
    return this.domain.check(candidate === 0 ? 0 : candidate);
  }

  /** Validates and, if good, adopts `candidate` as the value from `step` on. */
  private propose(candidate: number, origin: string, step: number): boolean {
    this.lastStep = Math.max(this.lastStep, step);
    const checked = this.validate(candidate);
    if (!checked.ok) {
      this.rejectedSubject.next({ param: this.name, candidate, reason: checked.reason, kept: this.current, step, origin });
      return false;
    }
    this.adopt(checked.value, step);
    return true;
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

  private onControllerInput(controller: Controller, input: unknown, context: ParamBinding): void {
    const clock = context.now();
    const bad = nonFiniteFields(input);
    if (Object.keys(bad).length > 0) {
      context.signals.reportNonFinite({ source: `controller:${this.name}`, values: bad, action: 'kept-value', clock });
      return;
    }
    const next: unknown = controller.step(this.controllerState, input);
    // Commit the state only with its value, so a refused value leaves the controller where it was.
    if (this.propose(controller.value(next), 'controller', clock.step)) this.controllerState = next;
  }
}

function driverKind(name: string, driver: ParamDriver): ParamDescription['kind'] {
  if (typeof driver !== 'object' || driver === null) throw new HyperscheduleError(`${name}.driver`, driver, 'one of { schedule }, { controller }, { initial }, { combine, fn }');
  const keys = (['schedule', 'controller', 'initial', 'combine'] as const).filter((k) => k in driver);
  if (keys.length !== 1) throw new HyperscheduleError(`${name}.driver`, Object.keys(driver), 'exactly one of schedule, controller, initial, combine');
  const d = driver as Record<string, unknown>;
  switch (keys[0]) {
    case 'schedule': {
      const s = d.schedule as Partial<Schedule> | null;
      if (typeof s !== 'object' || s === null || typeof s.at !== 'function') throw new HyperscheduleError(`${name}.schedule`, s, 'a Schedule (with at(t) and unit)');
      return 'schedule';
    }
    case 'controller': {
      const c = d.controller as Partial<Controller> | null;
      if (typeof c !== 'object' || c === null || typeof c.step !== 'function' || typeof c.value !== 'function' || typeof c.input !== 'function') {
        throw new HyperscheduleError(`${name}.controller`, c, 'a Controller (with input, step and value)');
      }
      return 'controller';
    }
    case 'initial':
      if (typeof d.initial !== 'number') throw new HyperscheduleError(`${name}.initial`, d.initial, 'a number');
      return 'manual';
    default:
      if (!Array.isArray(d.combine) || d.combine.length === 0) throw new HyperscheduleError(`${name}.combine`, d.combine, 'a non-empty array of parameters or numbers');
      if (typeof d.fn !== 'function') throw new HyperscheduleError(`${name}.fn`, d.fn, 'a function of the source values');
      return 'combined';
  }
}

/**
 * Creates a named hyperparameter. See {@link ScheduledParameter} and {@link ParamDriver}.
 *
 * @example
 * ```ts
 * import { param, positiveInteger } from 'hyperschedule';
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
