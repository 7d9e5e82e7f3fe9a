import type { ClockRun, ClockState } from '../clock/state.js';
import type { ScheduledParameter } from '../params/parameter.js';

/** Updates without any way to place them in an epoch before the session warns (see {@link epochTimeWarning}). */
export const EPOCH_WARNING_AFTER = 100;

/** Whether progress is measured in epochs (only `run.epochs` gives the run length). */
function progressInEpochs(run: ClockRun): boolean {
  return run.epochs !== undefined && run.totalSteps === undefined && run.stepsPerEpoch === undefined;
}

/**
 * The first parameter (a combined parameter's sources included) whose schedule moves only with
 * epoch time: unit `'epoch'`, or `'progress'` when the run length is a number of epochs.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { epochTimeParameter } from './epoch-time.js';
 * const lr = param('lr', { schedule: { type: 'e', unit: 'epoch', at: (e: number) => 0.1 / (1 + e), toJSON: () => ({ type: 'e' }) } });
 * epochTimeParameter([lr], {}); // 'lr'
 * ```
 */
export function epochTimeParameter(params: Iterable<ScheduledParameter>, run: ClockRun): string | undefined {
  for (const p of params) {
    const unit = p.schedule?.unit;
    if (unit === 'epoch' || (unit === 'progress' && progressInEpochs(run))) return p.name;
    const inSources = epochTimeParameter(p.sources, run);
    if (inSources !== undefined) return inSources;
  }
  return undefined;
}

/**
 * The warning for a session whose epoch time cannot move (no epoch end seen, and fractional
 * epochs unknown because `samplesPerEpoch` or the batch sizes are), naming the parameter that
 * depends on it; `undefined` when epoch time can move or nothing depends on it.
 *
 * @example
 * ```ts
 * import { initialClockState } from '../clock/state.js';
 * import { epochTimeWarning } from './epoch-time.js';
 * epochTimeWarning({ ...initialClockState(), step: 100 }, 'lr'); // 'hyperschedule: parameter "lr" ...'
 * ```
 */
export function epochTimeWarning(state: ClockState, name: string | undefined): string | undefined {
  if (name === undefined || state.epochsCompleted > 0) return undefined;
  const start = `hyperschedule: parameter "${name}" follows epoch time, but after ${state.step} updates this session has seen no epoch end and`;
  // A loop that marks its own epochs looks the same until its first epoch ends.
  const longEpochs = ' (or, if your epochs are longer, call session.expectEpochEnds() once).';
  if (state.samplesPerEpoch === null) {
    return `${start} does not know run.samplesPerEpoch, so its value has not moved. Call session.endEpoch() at each epoch end or give run.samplesPerEpoch${longEpochs}`;
  }
  if (!state.samplesCounted) {
    return `${start} no batch sizes, so epochs do not advance. Give a batchSize or call session.endEpoch() at each epoch end${longEpochs}`;
  }
  return undefined;
}
