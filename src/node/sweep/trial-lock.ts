import { hostname } from 'node:os';
import { readFile, rm, stat } from 'node:fs/promises';
import { writeFileAtomic, writeFileSynced } from './atomic.js';

/**
 * Who is running a trial: the content of its lock file (`trials/<id>.lock`), written by the sweep
 * runner that launched it.
 *
 * @example
 * ```ts
 * import type { TrialLock } from 'hyperschedule/node';
 * const who = (l: TrialLock) => `pid ${l.pid} on ${l.hostname} since ${l.startedAt}`;
 * ```
 */
export interface TrialLock {
  /** The runner's process id. */
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the runner took the lock. */
  readonly startedAt: string;
  /** The trial process's id, once it is started. */
  readonly trialPid?: number;
  /**
   * Who holds it beyond the process: a queue worker writes the job and the BullMQ lock token it
   * runs under (`queue/<queue>/<job id>/<token>`), so the next worker the job is handed to can
   * tell that this holder has lost the job (see `superseded` in {@link AcquireOptions}).
   */
  readonly owner?: string;
  /** The lock file. */
  readonly path: string;
}

/**
 * Options of {@link acquireTrialLock}.
 *
 * @example
 * ```ts
 * import type { AcquireOptions } from './trial-lock.js';
 * const o: AcquireOptions = { owner: 'queue/q/t1/token-2', superseded: (h) => h.owner === 'queue/q/t1/token-1' };
 * ```
 */
export interface AcquireOptions {
  /** Written into the lock as its `owner`. */
  readonly owner?: string;
  /**
   * Whether a live-looking holder has lost its claim (a queue worker whose job was handed to this
   * one): then the lock is stale once the trial process it names has ended (on this host) or at
   * once (on another host, where that process cannot be seen: it stops by itself when its worker
   * loses the job).
   */
  readonly superseded?: (holder: TrialLock) => boolean;
}

/**
 * What {@link acquireTrialLock} found: the lock, now ours, or the live lock of another runner.
 *
 * @example
 * ```ts
 * import type { LockAttempt } from './trial-lock.js';
 * const mine = (a: LockAttempt) => a.acquired;
 * ```
 */
export type LockAttempt =
  | { readonly acquired: true; readonly lock: TrialLock }
  | { readonly acquired: false; readonly holder: TrialLock };

/**
 * Whether process `pid` exists on this machine (EPERM: it exists, owned by someone else).
 *
 * @example
 * ```ts
 * import { processAlive } from './trial-lock.js';
 * processAlive(process.pid); // true
 * ```
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string, path: string): TrialLock | undefined {
  try {
    const v = JSON.parse(text) as Partial<TrialLock>;
    if (typeof v.pid !== 'number' || typeof v.hostname !== 'string' || typeof v.startedAt !== 'string') return undefined;
    return {
      pid: v.pid,
      hostname: v.hostname,
      startedAt: v.startedAt,
      ...(typeof v.trialPid === 'number' ? { trialPid: v.trialPid } : {}),
      ...(typeof v.owner === 'string' ? { owner: v.owner } : {}),
      path,
    };
  } catch {
    return undefined;
  }
}

/**
 * A lock is stale when it was taken on this machine and neither the runner nor the trial process
 * it names is alive any more (a runner killed with SIGKILL, a machine that rebooted). A lock from
 * another machine is never judged stale: its processes cannot be seen from here — unless
 * `superseded` says its holder has lost its claim (then: stale on another host, and on this host
 * once its trial process has ended).
 */
function isStale(lock: TrialLock | undefined, ageMs: number, superseded?: (holder: TrialLock) => boolean): boolean {
  // Unreadable: being written right now (O_EXCL creates it empty), or its writer died mid-write.
  if (lock === undefined) return ageMs > TORN_LOCK_MS;
  const here = lock.hostname === hostname();
  const trialDead = lock.trialPid === undefined || !processAlive(lock.trialPid);
  if (superseded?.(lock)) return !here || trialDead;
  if (!here) return false;
  return !processAlive(lock.pid) && trialDead;
}

/** An unreadable lock older than this is a writer's leftover, not a lock being written. */
const TORN_LOCK_MS = 10_000;

async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    await writeFileSynced(path, content, 'wx');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Milliseconds since `path` was last written; `undefined` when it is gone. */
async function ageMs(path: string): Promise<number | undefined> {
  const stats = await stat(path).catch(() => undefined);
  return stats ? Date.now() - stats.mtimeMs : undefined;
}

/** How long to wait for another runner that is taking over the same stale lock. */
const TAKEOVER_WAIT_MS = 20;
/** Tries to take a lock (each a create, or a stale lock's removal, or a wait for another's): about 1 s at most. */
const TAKE_ATTEMPTS = 50;

/**
 * Removes the lock file `path`, judged stale when it held `text`. Two runners may judge the same
 * stale file at once: if one removes it and takes the lock, a plain read-compare-remove by the
 * other could delete that fresh lock, and both would run the trial. So removal happens under a
 * second exclusive file, `path + '.takeover'`: inside it the lock is read again and removed only
 * if it is still the stale one. Taking the lock afterwards stays `O_EXCL`, so one runner gets it.
 * A `.takeover` file older than 10 s is a dead runner's leftover and is removed.
 */
async function removeStaleLock(path: string, text: string, superseded?: (holder: TrialLock) => boolean): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, `${process.pid}\n`))) {
    if (((await ageMs(guard)) ?? Infinity) > TORN_LOCK_MS) await rm(guard, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, TAKEOVER_WAIT_MS));
    return;
  }
  try {
    // Judged again inside: the same text, still stale (an empty file must still be old, not a
    // lock another runner has just created and not yet written).
    const again = await readFile(path, 'utf8').catch(() => undefined);
    if (again === text && isStale(parseLock(again, path), (await ageMs(path)) ?? 0, superseded)) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** The lock file's content: what {@link parseLock} reads back. */
function lockText(lock: TrialLock): string {
  const { path: _path, ...fields } = lock;
  return `${JSON.stringify(fields)}\n`;
}

/**
 * Takes the lock file `path` for this process (created with `O_EXCL`, so of two runners only one
 * gets it). A lock left by a dead runner on this machine is replaced; a live one is reported
 * (a superseded one is replaced as {@link AcquireOptions} says).
 *
 * @example
 * ```ts
 * import { acquireTrialLock, releaseTrialLock } from './trial-lock.js';
 * const got = await acquireTrialLock('/tmp/hs-demo.lock');
 * if (got.acquired) await releaseTrialLock(got.lock);
 * ```
 */
export async function acquireTrialLock(path: string, options: AcquireOptions = {}): Promise<LockAttempt> {
  const lock: TrialLock = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), ...(options.owner !== undefined ? { owner: options.owner } : {}), path };
  const content = lockText(lock);
  for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
    if (await createExclusive(path, content)) return { acquired: true, lock };
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
      throw err;
    }
    const holder = parseLock(text, path);
    const age = await ageMs(path);
    if (age === undefined) continue; // released meanwhile: try again
    if (!isStale(holder, age, options.superseded)) return { acquired: false, holder: holder ?? { pid: 0, hostname: 'unknown (lock being written)', startedAt: 'now', path } };
    await removeStaleLock(path, text, options.superseded);
  }
  const holder = parseLock(await readFile(path, 'utf8').catch(() => ''), path);
  return { acquired: false, holder: holder ?? { pid: 0, hostname: 'unknown', startedAt: 'unknown', path } };
}

/**
 * Records the trial process's id in a lock this process holds (so the lock stays live while that
 * process runs, even if the runner is killed).
 *
 * @example
 * ```ts
 * import { acquireTrialLock, recordTrialPid } from './trial-lock.js';
 * const got = await acquireTrialLock('/tmp/hs-demo-pid.lock');
 * if (got.acquired) await recordTrialPid(got.lock, 12345);
 * ```
 */
export async function recordTrialPid(lock: TrialLock, trialPid: number): Promise<TrialLock> {
  const next = { ...lock, trialPid };
  await writeFileAtomic(lock.path, lockText(next));
  return next;
}

/**
 * Removes a lock this process holds (nothing if it is gone or was replaced by another holder).
 *
 * @example
 * ```ts
 * import { acquireTrialLock, releaseTrialLock } from './trial-lock.js';
 * const got = await acquireTrialLock('/tmp/hs-demo-release.lock');
 * if (got.acquired) await releaseTrialLock(got.lock);
 * ```
 */
export async function releaseTrialLock(lock: TrialLock): Promise<void> {
  if (await holdsTrialLock(lock)) await rm(lock.path, { force: true });
}

/**
 * Whether the lock file still names this holder (a queue worker that lost its job may find its
 * lock taken over by the worker the job went to).
 *
 * @example
 * ```ts
 * import { acquireTrialLock, holdsTrialLock } from './trial-lock.js';
 * const got = await acquireTrialLock('/tmp/hs-demo-holds.lock');
 * if (got.acquired) await holdsTrialLock(got.lock); // true
 * ```
 */
export async function holdsTrialLock(lock: TrialLock): Promise<boolean> {
  const current = parseLock(await readFile(lock.path, 'utf8').catch(() => ''), lock.path);
  return current !== undefined && current.pid === lock.pid && current.hostname === lock.hostname && current.startedAt === lock.startedAt;
}

/**
 * One line naming a lock's holder and how to clear it, for logs.
 *
 * @example
 * ```ts
 * import { describeTrialLock } from './trial-lock.js';
 * describeTrialLock({ pid: 42, hostname: 'gpu1', startedAt: '2025-01-01T00:00:00.000Z', path: '/s/trials/a.lock' });
 * // 'running in pid 42 on gpu1 since 2025-01-01T00:00:00.000Z (lock /s/trials/a.lock; delete it if that runner is gone)'
 * ```
 */
export function describeTrialLock(lock: TrialLock): string {
  const trial = lock.trialPid !== undefined ? `, trial pid ${lock.trialPid}` : '';
  return `running in pid ${lock.pid}${trial} on ${lock.hostname} since ${lock.startedAt} (lock ${lock.path}; delete it if that runner is gone)`;
}
