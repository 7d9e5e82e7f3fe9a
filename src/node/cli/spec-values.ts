import { HyperscheduleError } from '../../errors.js';
import type { RunLength } from '../../schedules/duration.js';
import { fromJSON, scheduleTypes } from '../../schedules/json.js';
import type { Schedule, TimeUnit } from '../../schedules/schedule.js';
import { fromTorch } from '../../schedules/torch/from-torch.js';
import { TORCH_SCHEDULER_TYPES, isTorchSchedulerType } from '../../schedules/torch/spec.js';

/**
 * How to tabulate a spec: over `steps` optimizer steps (also the run length that time strings
 * such as `"0.1dur"` resolve against), with the epoch size when the schedule counts epochs or
 * samples.
 */
export interface SpecValuesOptions {
  /** Number of optimizer steps: rows are steps 0 .. steps-1. */
  readonly steps: number;
  /** Optimizer steps per epoch (needed for epoch time and `"ep"` time strings). */
  readonly stepsPerEpoch?: number;
  /** Training samples per epoch (needed for sample time and `"sp"` time strings). */
  readonly samplesPerEpoch?: number;
  /** A PyTorch spec whose scheduler is stepped once per epoch instead of once per step. */
  readonly perEpoch?: boolean;
  /** Keep every k-th step only (the last step is always kept). Default 1. */
  readonly every?: number;
}

/**
 * Values of a spec by optimizer step: `columns[0]` is `"step"`; a hyperschedule spec adds
 * `"value"`, a PyTorch spec `"lr"` (and `"momentum"` when it has one).
 */
export interface SpecValues {
  /** Whether the spec was read as a PyTorch scheduler (its `type` is a PyTorch class name). */
  readonly torch: boolean;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

function positiveInteger(value: number | undefined, field: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new HyperscheduleError(field, value, 'a positive integer');
}

/** Converts an optimizer step into the unit a schedule counts. */
function timeAt(unit: TimeUnit, step: number, options: SpecValuesOptions): number {
  switch (unit) {
    case 'step': return step;
    case 'progress': return step / options.steps;
    case 'epoch':
      if (options.stepsPerEpoch === undefined) throw new HyperscheduleError('--steps-per-epoch', undefined, 'a positive integer: the schedule counts epochs');
      return step / options.stepsPerEpoch;
    case 'sample':
      if (options.stepsPerEpoch === undefined || options.samplesPerEpoch === undefined) {
        throw new HyperscheduleError(options.stepsPerEpoch === undefined ? '--steps-per-epoch' : '--samples-per-epoch', undefined, 'a positive integer: the schedule counts samples');
      }
      return (step * options.samplesPerEpoch) / options.stepsPerEpoch;
  }
}

/**
 * Tabulates a spec — a hyperschedule spec (`fromJSON`) or a PyTorch scheduler (`fromTorch`,
 * recognised by a PyTorch class name in `type`) — at every optimizer step of a run.
 *
 * @example
 * ```ts
 * import { specValues } from './spec-values.js';
 * specValues({ type: 'StepLR', base: 0.1, stepSize: 2, gamma: 0.5 }, { steps: 4 });
 * // { torch: true, columns: ['step', 'lr'], rows: [[0, 0.1], [1, 0.1], [2, 0.05], [3, 0.05]] }
 * ```
 */
export function specValues(spec: unknown, options: SpecValuesOptions): SpecValues {
  positiveInteger(options.steps, '--steps');
  positiveInteger(options.stepsPerEpoch, '--steps-per-epoch');
  positiveInteger(options.samplesPerEpoch, '--samples-per-epoch');
  positiveInteger(options.every, '--every');
  const run: RunLength = {
    totalSteps: options.steps,
    ...(options.stepsPerEpoch !== undefined ? { stepsPerEpoch: options.stepsPerEpoch, epochs: options.steps / options.stepsPerEpoch } : {}),
    ...(options.samplesPerEpoch !== undefined ? { samplesPerEpoch: options.samplesPerEpoch } : {}),
  };
  const torch = typeof spec === 'object' && spec !== null && isTorchSchedulerType((spec as { type?: unknown }).type);
  let series: [string, Schedule][];
  if (torch) {
    if (options.perEpoch && options.stepsPerEpoch === undefined) {
      throw new HyperscheduleError('--steps-per-epoch', undefined, 'a positive integer with --per-epoch (the scheduler steps once per epoch)');
    }
    const built = fromTorch(spec as Record<string, unknown>, { unit: options.perEpoch ? 'epoch' : 'step', run });
    series = [['lr', built.lr], ...(built.momentum ? [['momentum', built.momentum] as [string, Schedule]] : [])];
  } else {
    const type = typeof spec === 'object' && spec !== null ? (spec as { type?: unknown }).type : undefined;
    if (!scheduleTypes().includes(type as string)) {
      throw new HyperscheduleError('spec.type', type, `a hyperschedule schedule type (${scheduleTypes().join(', ')}) or a PyTorch scheduler class (${TORCH_SCHEDULER_TYPES.join(', ')})`);
    }
    if (options.perEpoch) throw new HyperscheduleError('--per-epoch', true, 'only with a PyTorch spec (a hyperschedule spec declares its own unit)');
    series = [['value', fromJSON(spec, { run })]];
  }
  const every = options.every ?? 1;
  const rows: number[][] = [];
  for (let step = 0; step < options.steps; step++) {
    if (step % every !== 0 && step !== options.steps - 1) continue;
    rows.push([step, ...series.map(([, schedule]) => schedule.at(timeAt(schedule.unit, step, options)))]);
  }
  return { torch, columns: ['step', ...series.map(([name]) => name)], rows };
}
