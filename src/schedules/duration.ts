import { checkNumber, checkOptions } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { TimeUnit } from './schedule.js';

/**
 * A length of training time: a plain number (in the unit of the schedule it is given to) or a
 * Composer-style time string: `"6ep"` epochs, `"500ba"` batches (optimizer steps), `"1e6sp"`
 * samples, `"0.1dur"` fraction of the whole run.
 */
export type Duration = number | string;

/**
 * What is known about the length of a run, used to resolve time strings. Give what you have;
 * a conversion that needs a missing field throws an error naming it.
 */
export interface RunLength {
  /** Total epochs in the run. */
  readonly epochs?: number;
  /** Optimizer steps per epoch (constant batch size). */
  readonly stepsPerEpoch?: number;
  /** Training samples per epoch (the dataset size). */
  readonly samplesPerEpoch?: number;
  /** Total optimizer steps in the run (defaults to epochs * stepsPerEpoch). */
  readonly totalSteps?: number;
}

const SUFFIX_UNIT: Readonly<Record<string, TimeUnit>> = { ep: 'epoch', ba: 'step', sp: 'sample', dur: 'progress' };

/**
 * Longest time string accepted (spaces included): `" 1.2345678901234567e+300dur "` is 29
 * characters, so 64 leaves room and keeps every message and scan short.
 */
export const TIME_STRING_MAX_LENGTH = 64;

const TIME_STRING_FORMAT = 'a number or a time string such as "6ep", "500ba", "1e6sp" or "0.1dur"';

/**
 * A time string: spaces, `+`?, digits with an optional `.` and fraction (or `.` and digits), an
 * optional exponent, spaces, `ep|ba|sp|dur` in any case, spaces. Unambiguous (no two quantifiers
 * can share a character), so a failing match backtracks once per character: linear in the length.
 * (The regex before 0.2.0 read `\d+\.?\d*`, which splits a digit run n ways: 100k digits took 22 s.)
 */
const TIME_STRING = /^\s*(\+?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(ep|ba|sp|dur)\s*$/i;

/**
 * Splits a time string into the text of its amount and its lower-case suffix, in linear time.
 *
 * @example
 * ```ts
 * import { scanTimeString } from './duration.js';
 * scanTimeString(' 2.5e1 EP'); // { amount: '2.5e1', suffix: 'ep' }
 * scanTimeString('6 epochs');  // undefined
 * ```
 */
export function scanTimeString(text: string): { amount: string; suffix: string } | undefined {
  const match = TIME_STRING.exec(text);
  return match ? { amount: match[1]!, suffix: match[2]!.toLowerCase() } : undefined;
}

/**
 * Parses a time string into an amount and its unit. Strings longer than
 * {@link TIME_STRING_MAX_LENGTH} are refused before they are read.
 *
 * @example
 * ```ts
 * import { parseTimeString } from './duration.js';
 * parseTimeString('6ep');   // { amount: 6, unit: 'epoch' }
 * parseTimeString('0.1dur'); // { amount: 0.1, unit: 'progress' }
 * ```
 */
export function parseTimeString(text: string, field = 'duration'): { amount: number; unit: TimeUnit } {
  if (text.length > TIME_STRING_MAX_LENGTH) {
    throw new HyperscheduleError(field, text, `${TIME_STRING_FORMAT}, of at most ${TIME_STRING_MAX_LENGTH} characters`);
  }
  const scanned = scanTimeString(text);
  if (!scanned) throw new HyperscheduleError(field, text, TIME_STRING_FORMAT);
  const amount = Number(scanned.amount);
  const unit = SUFFIX_UNIT[scanned.suffix]!;
  if (!Number.isFinite(amount) || amount < 0) throw new HyperscheduleError(field, text, 'a finite amount');
  return { amount, unit };
}

/** The fields a {@link RunLength} may have (`totalSamples` too, so a session's run can be passed). */
const RUN_FIELDS = ['epochs', 'stepsPerEpoch', 'samplesPerEpoch', 'totalSteps', 'totalSamples'] as const;

/**
 * Checks a run length given as an option: an object of finite numbers > 0 with known keys
 * (a typo such as `stepsPerEpochs` is reported, not ignored), or `undefined`.
 *
 * @example
 * ```ts
 * import { checkRunLength } from './duration.js';
 * checkRunLength({ epochs: 10, stepsPerEpoch: 88 }, 'cosine.options.run'); // { epochs: 10, stepsPerEpoch: 88 }
 * ```
 */
export function checkRunLength(run: unknown, field: string): RunLength | undefined {
  if (run === undefined) return undefined;
  const record = checkOptions(run, field, RUN_FIELDS);
  for (const key of RUN_FIELDS) if (record[key] !== undefined) checkNumber({ gt: 0 })(record[key], `${field}.${key}`);
  return record as RunLength;
}

/**
 * One field of the run length, derived from the others when it is missing
 * (totalSteps = epochs * stepsPerEpoch, and each of the three from the other two).
 */
function runField(run: RunLength | undefined, key: keyof RunLength): number | undefined {
  const given = run?.[key];
  if (given !== undefined || run === undefined) return given;
  const { epochs, stepsPerEpoch, totalSteps } = run;
  switch (key) {
    case 'totalSteps': return epochs !== undefined && stepsPerEpoch !== undefined ? epochs * stepsPerEpoch : undefined;
    case 'stepsPerEpoch': return totalSteps !== undefined && epochs !== undefined ? totalSteps / epochs : undefined;
    case 'epochs': return totalSteps !== undefined && stepsPerEpoch !== undefined ? totalSteps / stepsPerEpoch : undefined;
    case 'samplesPerEpoch': return undefined;
  }
}

function need(run: RunLength | undefined, key: keyof RunLength, field: string, text: string): number {
  const value = runField(run, key);
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new HyperscheduleError(`${field} (run.${key})`, text, `a run length with ${key} > 0 to resolve this time string`);
  }
  return value;
}

/** Converts an amount of `from` units into epochs. */
function toEpochs(amount: number, from: TimeUnit, run: RunLength | undefined, field: string, text: string): number {
  switch (from) {
    case 'epoch': return amount;
    case 'step': return amount / need(run, 'stepsPerEpoch', field, text);
    case 'sample': return amount / need(run, 'samplesPerEpoch', field, text);
    case 'progress': return amount * need(run, 'epochs', field, text);
  }
}

/**
 * Resolves a {@link Duration} to a number in `unit`. Plain numbers are returned as they are
 * (after validation); time strings are converted with `run`.
 *
 * @example
 * ```ts
 * import { resolveDuration } from './duration.js';
 * resolveDuration('6ep', 'step', { stepsPerEpoch: 88 });   // 528
 * resolveDuration('0.1dur', 'step', { totalSteps: 1000 }); // 100
 * resolveDuration(250, 'step');                            // 250
 * ```
 */
export function resolveDuration(duration: Duration, unit: TimeUnit, run?: RunLength, field = 'duration'): number {
  if (typeof duration !== 'string') {
    if (!(duration >= 0) || !Number.isFinite(duration)) throw new HyperscheduleError(field, duration, TIME_STRING_FORMAT.replace('a number', 'a number >= 0'));
    return duration;
  }
  const { amount, unit: from } = parseTimeString(duration, field);
  if (from === unit) return amount;
  return snapCount(convert(amount, from, unit, run, field, duration), unit);
}

/** Steps and samples are counts: undo float noise such as 0.3 * 1000 = 300.00000000000006. */
function snapCount(value: number, unit: TimeUnit): number {
  if (unit !== 'step' && unit !== 'sample') return value;
  const nearest = Math.round(value);
  return Math.abs(value - nearest) <= 1e-9 * Math.max(1, Math.abs(value)) ? nearest : value;
}

function convert(amount: number, from: TimeUnit, unit: TimeUnit, run: RunLength | undefined, field: string, duration: string): number {
  // Direct conversions that need less of the run length than going through epochs.
  if (from === 'progress' && unit === 'step') return amount * need(run, 'totalSteps', field, duration);
  if (from === 'step' && unit === 'progress') return amount / need(run, 'totalSteps', field, duration);
  const epochs = toEpochs(amount, from, run, field, duration);
  switch (unit) {
    case 'epoch': return epochs;
    case 'step': return epochs * need(run, 'stepsPerEpoch', field, duration);
    case 'sample': return epochs * need(run, 'samplesPerEpoch', field, duration);
    case 'progress': return epochs / need(run, 'epochs', field, duration);
  }
}
