import { HyperscheduleError } from '../../errors.js';
import type { RunLength } from '../../schedules/duration.js';
import { fromJSON, scheduleTypes } from '../../schedules/json.js';
import type { Schedule, TimeUnit } from '../../schedules/schedule.js';
import { fromTorch } from '../../schedules/torch/from-torch.js';
import { TORCH_SCHEDULER_TYPES, isTorchSchedulerType } from '../../schedules/torch/spec.js';
import { CLI_LIMITS } from './limits.js';

/**
 * How to tabulate a spec: over `steps` optimizer steps (also the run length that time strings
 * such as `"0.1dur"` resolve against), with the epoch size when the schedule counts epochs or
 * samples. Only the steps that become rows are evaluated: every `every`-th (at most
 * `CLI_LIMITS.maxRows` of them), or `points` evenly spaced ones.
 */
export interface SpecValuesOptions {
  /** Number of optimizer steps: rows are steps 0 .. steps-1 (at most `CLI_LIMITS.maxSteps`). */
  readonly steps: number;
  /** Optimizer steps per epoch (needed for epoch time and `"ep"` time strings). */
  readonly stepsPerEpoch?: number;
  /** Training samples per epoch (needed for sample time and `"sp"` time strings). */
  readonly samplesPerEpoch?: number;
  /** A PyTorch spec whose scheduler is stepped once per epoch instead of once per step. */
  readonly perEpoch?: boolean;
  /** Keep every k-th step only (the last step is always kept). Default 1. */
  readonly every?: number;
  /**
   * Instead of every k-th step, this many evenly spaced steps (the first and the last included;
   * every step when there are fewer): what a plot of this width draws.
   */
  readonly points?: number;
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

function positiveInteger(value: number | undefined, field: string, max = Number.MAX_SAFE_INTEGER): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= max)) {
    throw new HyperscheduleError(field, value, max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer in [1, ${max}]`);
  }
}

/** Rows printed for `steps` steps with `every`: steps 0, k, 2k, ... and the last one. */
function rowCount(steps: number, every: number): number {
  return Math.floor((steps - 1) / every) + 1 + ((steps - 1) % every === 0 ? 0 : 1);
}

/**
 * The steps that become rows, in order: with `points`, that many evenly spaced steps (rounded,
 * as a plot samples them); else every `every`-th step and the last. Refuses more rows than
 * `CLI_LIMITS.maxRows`, saying which `--every` fits.
 */
function rowSteps(options: SpecValuesOptions): number[] {
  const { steps, points } = options;
  if (points !== undefined) {
    if (steps <= points) return Array.from({ length: steps }, (_, i) => i);
    return Array.from({ length: points }, (_, i) => Math.round((i * (steps - 1)) / (points - 1)));
  }
  const every = options.every ?? 1;
  const count = rowCount(steps, every);
  if (count > CLI_LIMITS.maxRows) {
    let fits = Math.max(every + 1, Math.ceil((steps - 1) / (CLI_LIMITS.maxRows - 1)));
    while (rowCount(steps, fits) > CLI_LIMITS.maxRows) fits++;
    throw new HyperscheduleError('--steps', steps, `at most ${CLI_LIMITS.maxRows} printed rows (--every ${every} prints ${count}): use --every ${fits} or more`);
  }
  const out: number[] = [];
  for (let step = 0; step < steps; step += every) out.push(step);
  if (out[out.length - 1] !== steps - 1) out.push(steps - 1);
  return out;
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
  positiveInteger(options.steps, '--steps', CLI_LIMITS.maxSteps);
  positiveInteger(options.stepsPerEpoch, '--steps-per-epoch');
  positiveInteger(options.samplesPerEpoch, '--samples-per-epoch');
  positiveInteger(options.every, '--every');
  if (options.points !== undefined && !(Number.isInteger(options.points) && options.points >= 2)) {
    throw new HyperscheduleError('points', options.points, 'an integer >= 2');
  }
  const steps = rowSteps(options);
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
  const rows = steps.map((step) => [step, ...series.map(([, schedule]) => schedule.at(timeAt(schedule.unit, step, options)))]);
  return { torch, columns: ['step', ...series.map(([name]) => name)], rows };
}
