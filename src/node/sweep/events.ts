import type { SweepTrial } from './config.js';
import type { TrialLock } from './trial-lock.js';
import type { TrialRecord } from './trial-record.js';

/**
 * What the runner reports while it works. Both executors report the same events; only the queue
 * executor reports `requeued` (it retries failed attempts and re-runs trials whose worker died).
 *
 * @example
 * ```ts
 * import type { SweepEvent } from 'hyperschedule/node';
 * const print = (e: SweepEvent) => { if (e.type === 'finished') console.log(e.trial.id, e.record.status); };
 * ```
 */
export type SweepEvent<R = unknown> =
  | { readonly type: 'skipped'; readonly trial: SweepTrial; readonly record: TrialRecord<R> }
  /** Another runner holds the trial's lock (it is running there): this runner leaves it alone. */
  | { readonly type: 'locked'; readonly trial: SweepTrial; readonly lock: TrialLock; readonly message: string }
  | { readonly type: 'started'; readonly trial: SweepTrial; readonly attempt: number }
  | { readonly type: 'message'; readonly trial: SweepTrial; readonly data: unknown }
  | { readonly type: 'finished'; readonly trial: SweepTrial; readonly record: TrialRecord<R> }
  /**
   * The queue runs the trial again: after a failed attempt (`record` is that attempt's, the next
   * one starts after `delayMs` of backoff), or after the worker running it died (`record` is an
   * `interrupted` stand-in; another worker resumes it from its last checkpoint).
   */
  | { readonly type: 'requeued'; readonly trial: SweepTrial; readonly record: TrialRecord<R>; readonly delayMs: number };
