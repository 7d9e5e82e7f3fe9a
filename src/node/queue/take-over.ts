import { hostname } from 'node:os';
import { acquireTrialLock, processAlive, type AcquireOptions, type LockAttempt, type TrialLock } from '../sweep/trial-lock.js';

/**
 * The owner a queue worker writes into a trial lock: the queue, the job and the BullMQ lock token
 * it runs the job under. A token is unique to one hand-out of the job, so a later worker sees that
 * a lock with another token belongs to a worker that has lost the job.
 *
 * @example
 * ```ts
 * import { jobOwner } from './take-over.js';
 * jobOwner('q', 't1', 'abc'); // 'queue/q/t1/abc'
 * ```
 */
export function jobOwner(queue: string, jobId: string, token: string): string {
  return `queue/${queue}/${jobId}/${token}`;
}

/**
 * Whether `holder` is a worker that ran this job before and has lost it (its token is not ours).
 *
 * @example
 * ```ts
 * import { jobOwner, supersededBy } from './take-over.js';
 * const superseded = supersededBy(jobOwner('q', 't1', 'new'));
 * superseded({ pid: 1, hostname: 'h', startedAt: 'then', owner: jobOwner('q', 't1', 'old'), path: '/l' }); // true
 * superseded({ pid: 1, hostname: 'h', startedAt: 'then', path: '/l' }); // false
 * ```
 */
export function supersededBy(owner: string): (holder: TrialLock) => boolean {
  const job = owner.slice(0, owner.lastIndexOf('/') + 1);
  return (holder) => holder.owner !== undefined && holder.owner !== owner && holder.owner.startsWith(job);
}

async function waitWhile(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Takes a trial's lock for a queue job. A lock left by a worker that has lost this job (it died,
 * or lost its connection to Redis) is taken over: at once when it was on another host (its trial
 * stops by itself: it watches its worker), and on this host once the trial process it started
 * has ended — after up to `graceMs` for it to write its checkpoint. Any other live holder (a
 * local runner, another sweep's queue) is respected.
 *
 * @example
 * ```ts
 * import { jobOwner, takeOverTrialLock } from './take-over.js';
 * const got = await takeOverTrialLock('/tmp/hs-take-over.lock', jobOwner('q', 't1', 'abc'), 1000);
 * got.acquired; // true
 * ```
 */
export async function takeOverTrialLock(path: string, owner: string, graceMs: number): Promise<LockAttempt> {
  const options: AcquireOptions = { owner, superseded: supersededBy(owner) };
  const got = await acquireTrialLock(path, options);
  if (got.acquired) return got;
  const { holder } = got;
  const trialPid = holder.trialPid;
  if (options.superseded!(holder) && holder.hostname === hostname() && trialPid !== undefined && processAlive(trialPid)) {
    await waitWhile(() => processAlive(trialPid), graceMs);
    return acquireTrialLock(path, options);
  }
  return got;
}
