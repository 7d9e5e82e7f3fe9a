import type { Observable } from 'rxjs';
import type { ClockSnapshot } from '../clock/state.js';
import type { Controller } from '../controllers/controller.js';
import type { Schedule, ScheduleSpec, TimeUnit } from '../schedules/schedule.js';
import type { TrainingSignals } from '../signals/hub.js';

/**
 * What a parameter needs from a clock to evaluate its schedule (a `TrainingClock` is one).
 */
export interface ClockReader {
  readonly step: number;
  timeIn(unit: TimeUnit): number;
}

/**
 * A value in a parameter's history: `value` is in effect from clock step `step` (updates applied)
 * until the next point. The history is a step function.
 */
export interface HistoryPoint {
  readonly step: number;
  readonly value: number;
}

/**
 * How a bound parameter reaches its session: the signals hub and the current clock.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { TrainingClock } from '../clock/clock.js';
 * import { TrainingSignals } from '../signals/hub.js';
 * import type { ParamBinding } from './driver.js';
 * const clock = new TrainingClock();
 * const binding: ParamBinding = { signals: new TrainingSignals(), now: () => clock.snapshot() };
 * param('lr', { initial: 0.1 }).bind(binding);
 * ```
 */
export interface ParamBinding {
  readonly signals: TrainingSignals;
  readonly now: () => ClockSnapshot;
  /**
   * Hears an exception a controller threw while handling a signal; the session rethrows it from
   * the call that published the signal. Without it the exception is rethrown inside the stream.
   */
  readonly fail?: (error: Error) => void;
}

/** What drives a parameter: a schedule, a controller, a hand-set value, or a combination. */
export type ParamKind = 'schedule' | 'controller' | 'manual' | 'combined';

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
  /** States of the combined sources (combined parameters), in order; `null` for constants. */
  readonly sources?: readonly (ParamState | null)[];
}

/**
 * A JSON description of a parameter, for configs and reports.
 */
export interface ParamDescription {
  readonly name: string;
  readonly kind: ParamKind;
  readonly domain: string;
  readonly value: number;
  readonly schedule?: ScheduleSpec;
  readonly controller?: string;
  readonly sources?: readonly (ParamDescription | number)[];
}

/**
 * What a driver may ask of its parameter: propose a candidate (the parameter validates it against
 * its domain, adopts or refuses it, and reports a refusal) and read the latest step it has seen.
 */
export interface DriverHost {
  readonly name: string;
  /** The latest clock step the parameter has seen. */
  readonly step: number;
  /** Validates `candidate`; adopts it as the value from `step` on and returns true, or refuses it. */
  propose(candidate: number, step: number): boolean;
}

/**
 * What a combined parameter needs of each parameter it combines (a `ScheduledParameter` is one).
 */
export interface ParamNode {
  readonly name: string;
  readonly value: number;
  readonly value$: Observable<number>;
  /** The latest clock step this parameter has seen. */
  readonly step: number;
  sync(clock: ClockReader): void;
  bind(binding: ParamBinding): () => void;
  unbind(): void;
  state(): ParamState;
  restore(state: ParamState, field?: string): void;
  /** Validates `state` and returns the restore, which cannot fail (see `ScheduledParameter.prepareRestore`). */
  prepareRestore(state: ParamState, field?: string): () => void;
  describe(): ParamDescription;
}

/**
 * One kind of driver, as the parameter core sees it: where the first value comes from, and hooks
 * for the clock, the signals hub, state and description. Each kind lives in its own file
 * (`schedule-driver.ts`, `controller-driver.ts`, `manual-driver.ts`, `combined-driver.ts`); the
 * core calls these and knows nothing else about them. Hooks a kind does not need are absent.
 */
export interface Driver {
  readonly kind: ParamKind;
  /** Origin of this driver's candidates in a `RejectionReport`: `"schedule"`, `"controller"`, ... */
  readonly origin: string;
  /**
   * What a user whose candidates from this driver are refused should do: the first refusal is
   * warned about with it. Absent when the caller hears of the refusal directly (`set` returns false).
   */
  readonly advice?: string;
  /** The candidate before any training time has passed. */
  initial(): number;
  /** Re-evaluates at `clock` (proposing through the host). */
  sync?(clock: ClockReader): void;
  /** Connects to a signals hub (idempotent for the same hub). */
  bind?(binding: ParamBinding): void;
  unbind?(): void;
  /** Proposes a hand-set value (manual parameters only). */
  set?(value: number, step: number): boolean;
  /** Per-variable value, or `undefined` when there is none for `variableName`. */
  valueFor?(variableName: string): number | undefined;
  /** The driver's part of the parameter state (`controller`, `sources`). */
  state?(): Pick<ParamState, 'controller' | 'sources'>;
  /** Validates the driver's part of `state` (throws naming `field`) and returns its restore, which cannot fail. */
  prepareRestore?(state: ParamState, field: string): () => void;
  /** The driver's part of the description (`schedule`, `controller`, `sources`). */
  describe?(): Pick<ParamDescription, 'schedule' | 'controller' | 'sources'>;
  dispose?(): void;
  /** For reports: the schedule, the controller and its committed state, the combined sources. */
  readonly schedule?: Schedule;
  readonly controller?: Controller;
  readonly controllerState?: unknown;
  readonly sources?: readonly ParamNode[];
}
