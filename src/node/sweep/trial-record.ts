import { readJsonIfValid } from './atomic.js';
import type { TrialParams } from './config.js';
import { trialPaths } from './trial-paths.js';

/**
 * How a trial ended: `ok` (exit 0 and a valid result), `failed` (non-zero exit, killed, timed
 * out, or no valid result) or `interrupted` (stopped by the runner's abort signal; rerun later).
 *
 * @example
 * ```ts
 * import type { TrialStatus } from 'hyperschedule/node';
 * const s: TrialStatus = 'ok';
 * ```
 */
export type TrialStatus = 'ok' | 'failed' | 'interrupted';

/**
 * What the runner records for a trial (`trials/<id>.json`, written atomically when its process
 * ends).
 *
 * @example
 * ```ts
 * import type { TrialRecord } from 'hyperschedule/node';
 * const ok = (r: TrialRecord) => r.status === 'ok';
 * ```
 */
export interface TrialRecord<R = unknown> {
  readonly id: string;
  readonly params: TrialParams;
  readonly status: TrialStatus;
  readonly result?: R;
  /** How the process ended and the tail of its stderr (failed and interrupted trials). */
  readonly error?: string;
  /**
   * One line saying why it failed, for tables: the last stderr line that states an error (e.g.
   * `HyperscheduleError: lr: got -1, expected a number > 0`), else how the process ended.
   */
  readonly summary?: string;
  /** True when the runner stopped it for exceeding `trialTimeoutMs` (its status is `failed`). */
  readonly timedOut?: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** 1 for the first run of this trial, 2 after one retry, ... */
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** The trial's log, relative to the sweep folder. */
  readonly log: string;
  /** Which worker ran it (`host:pid`), for trials run by a queue worker. */
  readonly worker?: string;
}

/**
 * A record as read back (from a file or a queue job): `undefined` unless it is a record of trial
 * `id`, and for `ok` records unless its result passes `parseResult`.
 *
 * @example
 * ```ts
 * import { checkTrialRecord } from './trial-record.js';
 * checkTrialRecord({ id: 'b' }, 'a'); // undefined
 * ```
 */
export function checkTrialRecord<R = unknown>(raw: unknown, id: string, parseResult?: (value: unknown) => R): TrialRecord<R> | undefined {
  const record = raw as TrialRecord<R> | undefined;
  if (!record || typeof record !== 'object' || record.id !== id) return undefined;
  if (record.status === 'ok' && parseResult) {
    try {
      return { ...record, result: parseResult(record.result) };
    } catch {
      return undefined;
    }
  }
  return record;
}

/**
 * Reads the record of a trial if one was written (and, for `ok` records, passes `parseResult`).
 *
 * @example
 * ```ts
 * import { readTrialRecord } from 'hyperschedule/node';
 * await readTrialRecord('/tmp/no-such-sweep', 'abc'); // undefined
 * ```
 */
export async function readTrialRecord<R = unknown>(sweepDir: string, id: string, parseResult?: (value: unknown) => R): Promise<TrialRecord<R> | undefined> {
  return checkTrialRecord(await readJsonIfValid(trialPaths(sweepDir, id).record), id, parseResult);
}
