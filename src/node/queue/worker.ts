import { availableParallelism } from 'node:os';
import { HyperscheduleError } from '../../errors.js';
import { throttledErrors, whenConnected } from './connection.js';
import type { TrialJobData, TrialJobResult } from './job.js';
import type { Worker } from 'bullmq';
import { loadBullMQ } from './load-bullmq.js';
import { processTrialJob, workerName, type JobContext } from './process-job.js';
import { checkQueueName } from './queue-name.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';
import { registeredQueues, type RegistryClient } from './registry.js';
import { TrialSlots } from './slots.js';

/**
 * Options of {@link startQueueWorker}.
 *
 * @example
 * ```ts
 * import type { QueueWorkerOptions } from 'hyperschedule/node';
 * const o: QueueWorkerOptions = { redis: 'redis://10.0.0.5:6379', concurrency: 4 };
 * ```
 */
export interface QueueWorkerOptions {
  /** The Redis the sweeps were submitted to: `redis://HOST:PORT` (`rediss://` for TLS). */
  readonly redis: string;
  /**
   * Serve only this queue (a sweep's: see `defaultQueueName`). Default: every sweep queue
   * submitted to this Redis, found as submitters list them.
   */
  readonly queue?: string;
  /**
   * Trials this worker runs at once, over all the queues it serves (default: the cores present;
   * use 1 per GPU with tfjs-node-gpu).
   */
  readonly concurrency?: number;
  /**
   * How long a job stays claimed without its worker renewing the claim, in ms (BullMQ's
   * `lockDuration`, default 30 000): a worker that dies holds its trials this long before they go
   * to another worker. Stalled jobs are looked for at the same interval.
   */
  readonly lockDurationMs?: number;
  /** Times a trial may go to another worker after its worker died before it fails (default 3). */
  readonly maxStalledCount?: number;
  /** How often to look for newly submitted sweep queues, in ms (default 2000; not with `queue`). */
  readonly discoveryIntervalMs?: number;
  /** Aborting stops the worker, like {@link QueueWorker.stop} with the reason (`'SIGINT'` or `'SIGTERM'`). */
  readonly signal?: AbortSignal;
  /** The n-th worker of this process (in its name, `host:pid/n`). */
  readonly index?: number;
  /** Lines about trials starting and ending, and errors (default: none). */
  readonly log?: (line: string) => void;
}

/**
 * A running queue worker.
 *
 * @example
 * ```ts
 * import type { QueueWorker } from 'hyperschedule/node';
 * const shutdown = (w: QueueWorker) => w.stop('SIGTERM');
 * ```
 */
export interface QueueWorker {
  /** `host:pid` (or `host:pid/n`). */
  readonly name: string;
  /** The queues it serves now. */
  queues(): string[];
  /**
   * Stops taking jobs; running trials get `reason` (SIGINT by default) so they checkpoint, go back
   * to the queue (their attempt not used) and the worker closes. Resolves when it has.
   */
  stop(reason?: 'SIGINT' | 'SIGTERM'): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
}

/** A BullMQ worker of trial jobs. */
type BullWorker = Worker<TrialJobData, TrialJobResult>;

function checkPositiveInteger(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new HyperscheduleError(field, value, 'an integer >= 1');
  return v;
}

function checkMs(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 100 || v > 2 ** 31 - 1) throw new HyperscheduleError(field, value, 'a number of milliseconds >= 100');
  return v;
}

/**
 * Starts a worker that runs sweep trials from BullMQ queues: each job is one trial, run as the
 * local executor would run it (the job's command, in the sweep folder it names, reached through
 * shared storage), under the trial's lock, its progress and messages reported to the submitter.
 * Without `queue` it serves every sweep queue submitted to this Redis, looking for new ones every
 * `discoveryIntervalMs`; `concurrency` bounds its trials over all of them.
 *
 * A worker that dies (SIGKILL, a lost machine) stops renewing its jobs' locks; after
 * `lockDurationMs` BullMQ hands them to another worker, which takes over the trial's lock and
 * resumes the trial from its last checkpoint. The dead worker's trial processes stop by
 * themselves (they watch their parent). A worker that loses its connection to Redis for longer
 * than `lockDurationMs` stops its trials (SIGTERM, SIGKILL after the job's grace period) and
 * writes nothing: another worker owns them now.
 *
 * @example
 * ```ts
 * import { startQueueWorker } from 'hyperschedule/node';
 * // const worker = await startQueueWorker({ redis: 'redis://10.0.0.5:6379', concurrency: 4, log: console.log });
 * // process.on('SIGTERM', () => void worker.stop('SIGTERM'));
 * // await worker.stopped;
 * ```
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const url = checkRedisUrl(options.redis, 'redis');
  const only = options.queue === undefined ? undefined : checkQueueName(options.queue, 'queue');
  const concurrency = checkPositiveInteger('concurrency', options.concurrency, availableParallelism());
  const lockDuration = checkMs('lockDurationMs', options.lockDurationMs, 30_000);
  const maxStalledCount = checkPositiveInteger('maxStalledCount', options.maxStalledCount, 3);
  const discoveryMs = checkMs('discoveryIntervalMs', options.discoveryIntervalMs, 2_000);
  const log = options.log ?? (() => {});
  const name = workerName(options.index);
  const bull = await loadBullMQ();

  // A connection of its own for the registry (and the first check that Redis answers).
  const control = new bull.Queue('hyperschedule-control', { connection: { url } });
  await whenConnected(control, url, 'redis', throttledErrors(log, `redis ${redactRedisUrl(url)}`));

  const stopController = new AbortController();
  const workers = new Map<string, BullWorker>();
  // One queue: BullMQ's own concurrency bounds its trials. Several: each Worker stops fetching
  // while this process runs `concurrency` trials, and starts again when one ends.
  const gate = (): void => {
    const hold = workers.size > 1 && slots.running >= concurrency;
    for (const w of workers.values()) {
      if (hold && !w.isPaused()) void w.pause(true).catch(() => undefined);
      if (!hold && w.isPaused()) w.resume();
    }
  };
  const slots = new TrialSlots(concurrency, gate);
  const lastRenewal = new Map<string, number>();

  const serve = (queue: string): void => {
    if (workers.has(queue) || stopController.signal.aborted) return;
    const context: JobContext = { queue, worker: name, stop: stopController.signal, errors: bull, log };
    const worker: BullWorker = new bull.Worker<TrialJobData, TrialJobResult>(
      queue,
      // Three parameters: BullMQ then gives each job an abort signal (used when its lock is lost).
      async (job, token, signal) => {
        if (stopController.signal.aborted) {
          await job.moveToWait(token);
          throw new bull.WaitingError();
        }
        if (!slots.take()) {
          // Fetched while another queue's trial took the last slot: back to the queue for a moment.
          await job.moveToDelayed(Date.now() + 1000, token);
          throw new bull.DelayedError();
        }
        const key = `${queue}\n${job.id}`;
        lastRenewal.set(key, Date.now());
        try {
          return await processTrialJob(job, token ?? '', signal, context);
        } finally {
          lastRenewal.delete(key);
          slots.release();
        }
      },
      { connection: { url }, concurrency, lockDuration, stalledInterval: lockDuration, maxStalledCount, name, autorun: true },
    );
    worker.on('error', throttledErrors(log, `worker on ${queue}`));
    worker.on('lockRenewalFailed', (ids: string[]) => {
      for (const id of ids) worker.cancelJob(id, 'SIGTERM');
    });
    worker.on('locksRenewed', ({ jobIds }: { jobIds: string[] }) => {
      for (const id of jobIds) lastRenewal.set(`${queue}\n${id}`, Date.now());
    });
    workers.set(queue, worker);
    gate();
    log(`serving queue ${queue} (concurrency ${concurrency})`);
  };
  const unserve = async (queue: string): Promise<void> => {
    const worker = workers.get(queue);
    if (!worker) return;
    workers.delete(queue);
    gate();
    await worker.close();
    log(`queue ${queue} has nothing left to run: no longer serving it`);
  };

  // Unreachable Redis does not fail a renewal, it throws: a job whose lock was not renewed for a
  // whole lock duration has certainly been lost, so its trial is stopped.
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const [key, at] of lastRenewal) {
      if (now - at <= lockDuration) continue;
      const [queue, id] = key.split('\n') as [string, string];
      workers.get(queue)?.cancelJob(id, 'SIGTERM');
    }
  }, Math.max(50, lockDuration / 4));
  watchdog.unref();

  const client = (await control.client) as unknown as RegistryClient;
  const discover = async (): Promise<void> => {
    const listed = new Set((await registeredQueues(client)).map((e) => e.queue));
    for (const queue of listed) serve(queue);
    for (const queue of [...workers.keys()]) if (!listed.has(queue)) await unserve(queue);
  };
  let discovery: NodeJS.Timeout | undefined;
  if (only !== undefined) serve(only);
  else {
    await discover();
    if (workers.size === 0) log(`waiting for sweeps submitted to ${redactRedisUrl(url)}`);
    const tick = (): void => {
      discovery = setTimeout(() => {
        discover().catch((error: unknown) => log(`looking for queues: ${(error as Error).message}`)).finally(() => {
          if (!stopController.signal.aborted) tick();
        });
      }, discoveryMs);
    };
    tick();
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (reason: 'SIGINT' | 'SIGTERM' = 'SIGINT'): Promise<void> => {
    stopping ??= (async () => {
      clearTimeout(discovery);
      stopController.abort(reason);
      // close() waits for the running jobs: their trials checkpoint and go back to the queue.
      await Promise.all([...workers.values()].map((w) => w.close().catch(() => undefined)));
      workers.clear();
      clearInterval(watchdog);
      await control.close().catch(() => undefined);
      resolveStopped();
    })();
    return stopping;
  };
  options.signal?.addEventListener('abort', () => void stop(options.signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'), { once: true });
  if (options.signal?.aborted) void stop(options.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  return { name, queues: () => [...workers.keys()], stop, stopped };
}
