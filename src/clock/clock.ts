import { checkNumber } from '../check.js';
import type { TimeUnit } from '../schedules/schedule.js';
import {
  advanceClock,
  clockSnapshot,
  endClockEpoch,
  initialClockState,
  parseClockState,
  timeIn,
  type ClockRun,
  type ClockSnapshot,
  type ClockState,
} from './state.js';

const positive = checkNumber({ gt: 0 });

/**
 * Training time of one run: optimizer updates applied, samples seen, fractional epochs and
 * progress. A thin stateful wrapper over the pure functions in `state.ts`; its whole state is the
 * JSON {@link ClockState}, so resuming a run is `clock.restore(saved)`.
 *
 * Epoch and sample time come from samples seen, so they stay right when the batch size changes.
 *
 * @example
 * ```ts
 * import { TrainingClock } from './clock.js';
 * const clock = new TrainingClock({ samplesPerEpoch: 100, epochs: 2 });
 * clock.advance(25);
 * [clock.step, clock.epoch, clock.progress]; // [1, 0.25, 0.125]
 * clock.timeIn('sample'); // 25
 * ```
 */
export class TrainingClock {
  private current: ClockState;
  private runLength: ClockRun;

  constructor(run: ClockRun = {}) {
    this.runLength = { ...run };
    this.current = initialClockState(run);
  }

  /** The run length progress is measured against (also usable as `fromJSON`'s `run`). */
  get run(): ClockRun {
    return { ...this.runLength, ...(this.current.samplesPerEpoch !== null ? { samplesPerEpoch: this.current.samplesPerEpoch } : {}) };
  }

  /** The serialisable state. */
  get state(): ClockState {
    return this.current;
  }

  /** Updates applied so far. */
  get step(): number {
    return this.current.step;
  }

  /** Samples consumed by applied updates. */
  get samples(): number {
    return this.current.samples;
  }

  /** Fractional epochs. */
  get epoch(): number {
    return this.snapshot().epoch;
  }

  /** Fraction of the run in [0, 1], or `undefined` without a run length. */
  get progress(): number | undefined {
    return this.snapshot().progress;
  }

  /** State plus derived epoch and progress, frozen at this moment. */
  snapshot(): ClockSnapshot {
    return clockSnapshot(this.current, this.runLength);
  }

  /** Training time in `unit` (throws when it cannot be known; see `timeIn`). */
  timeIn(unit: TimeUnit): number {
    return timeIn(this.current, unit, this.runLength);
  }

  /** Records one applied update of `batchSize` samples (`undefined`: unknown) and returns the new snapshot. */
  advance(batchSize?: number): ClockSnapshot {
    this.current = advanceClock(this.current, batchSize);
    return this.snapshot();
  }

  /** Records an epoch boundary and returns the new snapshot. */
  endEpoch(): ClockSnapshot {
    this.current = endClockEpoch(this.current);
    return this.snapshot();
  }

  /**
   * Fills in run-length fields that are still unknown (the fit callback and the batcher learn
   * them from tfjs / the data); fields already given are kept.
   */
  completeRun(run: ClockRun): void {
    const filled: Record<string, number> = {};
    for (const [key, value] of Object.entries(run)) {
      if (value === undefined || value === null) continue;
      positive(value, `run.${key}`);
      if ((this.runLength as Record<string, number | undefined>)[key] === undefined) filled[key] = value;
    }
    this.runLength = { ...this.runLength, ...filled };
    if (this.current.samplesPerEpoch === null && filled.samplesPerEpoch !== undefined) {
      this.current = { ...this.current, samplesPerEpoch: filled.samplesPerEpoch };
    }
  }

  /** Replaces the state (e.g. from a checkpoint); validates it first. */
  restore(state: ClockState, field = 'clock'): void {
    this.prepareRestore(state, field)();
  }

  /** Validates a state (see `parseClockState`) and returns the restore, which cannot fail. */
  prepareRestore(state: ClockState, field = 'clock'): () => void {
    const parsed = parseClockState(state, field);
    return () => {
      this.current = parsed;
    };
  }
}
