import { checkBoolean, checkNullable, checkNumber, checkObject } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { RunLength } from '../schedules/duration.js';
import type { TimeUnit } from '../schedules/schedule.js';

/** A run-length field: a finite number > 0. */
const positive = checkNumber({ gt: 0 });

/**
 * The serialisable state of a training clock. Epoch time is derived from samples, so it stays
 * right when the batch size changes mid-run.
 *
 * @example
 * ```ts
 * import { initialClockState } from './state.js';
 * JSON.stringify(initialClockState());
 * // '{"step":0,"samples":0,"epochsCompleted":0,"samplesInEpoch":0,"samplesPerEpoch":null,"samplesCounted":true}'
 * ```
 */
export interface ClockState {
  /** Optimizer updates applied so far. */
  readonly step: number;
  /** Training samples consumed by applied updates. */
  readonly samples: number;
  /** Epoch boundaries passed (each `endEpoch`). */
  readonly epochsCompleted: number;
  /** Samples consumed since the last epoch boundary. */
  readonly samplesInEpoch: number;
  /** Samples in one epoch (dataset size); `null` until known (given, or learnt at the first epoch end). */
  readonly samplesPerEpoch: number | null;
  /** False once an update was recorded without a batch size: sample time is then unknown. */
  readonly samplesCounted: boolean;
}

/**
 * The run length a clock measures progress against, plus what `resolveDuration` needs. Progress
 * is counted in samples when it can be: `epochs` (once `samplesPerEpoch` is known and every update
 * reported its batch size), else `totalSamples` (batch sizes reported); only then in steps,
 * `totalSteps` (or `epochs * stepsPerEpoch`), which is right for a constant batch size only; else
 * whole epochs passed over `epochs`.
 */
export interface ClockRun extends RunLength {
  /** Total training samples of the run. */
  readonly totalSamples?: number;
}

/**
 * A read-only view of the clock at one moment: its state plus derived times.
 *
 * @example
 * ```ts
 * import { clockSnapshot, initialClockState } from './state.js';
 * clockSnapshot(initialClockState(), { epochs: 10 }).progress; // 0
 * ```
 */
export interface ClockSnapshot extends ClockState {
  /** Fractional epochs: `epochsCompleted + samplesInEpoch / samplesPerEpoch`. */
  readonly epoch: number;
  /** Fraction of the run in [0, 1], or `undefined` when the run length is unknown. */
  readonly progress: number | undefined;
}

/**
 * The clock before any update.
 *
 * @example
 * ```ts
 * import { initialClockState } from './state.js';
 * initialClockState({ samplesPerEpoch: 50000 }).samplesPerEpoch; // 50000
 * ```
 */
export function initialClockState(run: ClockRun = {}): ClockState {
  const perEpoch = run.samplesPerEpoch;
  if (perEpoch !== undefined) positive(perEpoch, 'run.samplesPerEpoch');
  return { step: 0, samples: 0, epochsCompleted: 0, samplesInEpoch: 0, samplesPerEpoch: perEpoch ?? null, samplesCounted: true };
}

/**
 * The clock after one applied update of `batchSize` samples (`undefined`: batch size unknown;
 * the step still counts but sample time becomes unknown).
 *
 * @example
 * ```ts
 * import { advanceClock, initialClockState } from './state.js';
 * advanceClock(initialClockState(), 32).samples; // 32
 * ```
 */
export function advanceClock(state: ClockState, batchSize: number | undefined): ClockState {
  if (batchSize === undefined) return { ...state, step: state.step + 1, samplesCounted: false };
  if (!Number.isInteger(batchSize) || batchSize < 0) throw new HyperscheduleError('batchSize', batchSize, 'an integer >= 0');
  return {
    ...state,
    step: state.step + 1,
    samples: state.samples + batchSize,
    samplesInEpoch: state.samplesInEpoch + batchSize,
  };
}

/**
 * The clock after an epoch boundary. The first boundary teaches an unknown `samplesPerEpoch`
 * (the samples seen in that epoch), so later epochs get fractional time.
 *
 * @example
 * ```ts
 * import { advanceClock, endClockEpoch, initialClockState } from './state.js';
 * const s = endClockEpoch(advanceClock(initialClockState(), 100));
 * [s.epochsCompleted, s.samplesPerEpoch]; // [1, 100]
 * ```
 */
export function endClockEpoch(state: ClockState): ClockState {
  const learnt = state.samplesPerEpoch ?? (state.samplesCounted && state.samplesInEpoch > 0 ? state.samplesInEpoch : null);
  return { ...state, epochsCompleted: state.epochsCompleted + 1, samplesInEpoch: 0, samplesPerEpoch: learnt };
}

/**
 * Fractional epochs of a clock state. Within an epoch it grows with samples seen; it snaps to the
 * integer at each boundary (so a dropped last partial batch does not make epochs drift).
 *
 * @example
 * ```ts
 * import { advanceClock, clockEpoch, initialClockState } from './state.js';
 * clockEpoch(advanceClock(initialClockState({ samplesPerEpoch: 100 }), 25)); // 0.25
 * ```
 */
export function clockEpoch(state: ClockState): number {
  const fraction = state.samplesPerEpoch !== null && state.samplesCounted ? state.samplesInEpoch / state.samplesPerEpoch : 0;
  return state.epochsCompleted + fraction;
}

/**
 * Fraction of the run done, in [0, 1], or `undefined` when `run` says nothing of its length.
 *
 * @example
 * ```ts
 * import { advanceClock, clockProgress, initialClockState } from './state.js';
 * clockProgress(advanceClock(initialClockState(), 1), { totalSteps: 4 }); // 0.25
 * ```
 */
export function clockProgress(state: ClockState, run: ClockRun = {}): number | undefined {
  const totalSteps = run.totalSteps ?? (run.epochs !== undefined && run.stepsPerEpoch !== undefined ? run.epochs * run.stepsPerEpoch : undefined);
  const samplesKnown = state.samplesCounted;
  let fraction: number | undefined;
  // Samples first: a step count assumes a constant batch size, and a growing batch finishes the
  // epochs in fewer steps (progress would stop short of 1).
  if (run.epochs !== undefined && samplesKnown && state.samplesPerEpoch !== null) fraction = clockEpoch(state) / positive(run.epochs, 'run.epochs');
  else if (run.totalSamples !== undefined && samplesKnown) fraction = state.samples / positive(run.totalSamples, 'run.totalSamples');
  else if (totalSteps !== undefined) fraction = state.step / positive(totalSteps, 'run.totalSteps');
  else if (run.epochs !== undefined) fraction = clockEpoch(state) / positive(run.epochs, 'run.epochs');
  return fraction === undefined ? undefined : Math.min(1, Math.max(0, fraction));
}

/**
 * The state plus derived epoch and progress.
 *
 * @example
 * ```ts
 * import { clockSnapshot, initialClockState } from './state.js';
 * clockSnapshot(initialClockState()).epoch; // 0
 * ```
 */
export function clockSnapshot(state: ClockState, run: ClockRun = {}): ClockSnapshot {
  return { ...state, epoch: clockEpoch(state), progress: clockProgress(state, run) };
}

/**
 * Training time in `unit`, for evaluating a schedule. Throws a `HyperscheduleError` when the
 * clock cannot know it (sample time without batch sizes, progress without a run length).
 *
 * @example
 * ```ts
 * import { advanceClock, initialClockState, timeIn } from './state.js';
 * const s = advanceClock(initialClockState({ samplesPerEpoch: 64 }), 32);
 * [timeIn(s, 'step'), timeIn(s, 'sample'), timeIn(s, 'epoch')]; // [1, 32, 0.5]
 * ```
 */
export function timeIn(state: ClockState, unit: TimeUnit, run: ClockRun = {}): number {
  switch (unit) {
    case 'step':
      return state.step;
    case 'sample':
      if (!state.samplesCounted) {
        throw new HyperscheduleError('clock.samples', 'unknown', 'batch sizes for every update (session batchSize, scheduledBatches or fitCallback)');
      }
      return state.samples;
    case 'epoch':
      return clockEpoch(state);
    case 'progress': {
      const progress = clockProgress(state, run);
      // Before anything happened progress is 0 whatever the run length (the fit callback learns
      // the length only when training starts).
      if (progress === undefined && state.step === 0 && state.samples === 0 && state.epochsCompleted === 0) return 0;
      if (progress === undefined) {
        throw new HyperscheduleError('clock.run', run, 'a run length (totalSteps, epochs or totalSamples) to measure progress');
      }
      return progress;
    }
    default:
      throw new HyperscheduleError('unit', unit, '"step", "epoch", "sample" or "progress"');
  }
}

/** A count: an integer in [0, 2^53 - 1] (beyond, adding one no longer changes it). */
const count = checkNumber({ integer: true, ge: 0, le: Number.MAX_SAFE_INTEGER });

/** Reads a {@link ClockState}: exactly its fields, each checked. */
const readClockState = checkObject({
  step: count,
  samples: count,
  epochsCompleted: count,
  samplesInEpoch: count,
  samplesPerEpoch: checkNullable(checkNumber({ gt: 0 })),
  samplesCounted: checkBoolean(),
});

/**
 * Checks that `json` is a {@link ClockState} (e.g. read from a checkpoint) and returns it; an
 * error names the field (`clock.step`), the value and what is allowed. Besides each field's
 * range, the fields must agree: the samples of the current epoch are part of all samples seen.
 *
 * @example
 * ```ts
 * parseClockState(JSON.parse(JSON.stringify(initialClockState()))).step; // 0
 * ```
 */
export function parseClockState(json: unknown, field = 'clock'): ClockState {
  const state = readClockState(json, field);
  if (state.samplesInEpoch > state.samples) {
    throw new HyperscheduleError(`${field}.samplesInEpoch`, state.samplesInEpoch, `at most samples (${state.samples})`);
  }
  return state;
}
