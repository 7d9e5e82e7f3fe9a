import { InvalidArgumentError, type Command } from 'commander';
import { startQueueWorker } from '../queue/worker.js';
import { integerOption } from './integer-option.js';

/** Seconds written in decimal (`30`, `0.5`), as milliseconds. */
function secondsOption(text: string): number {
  const value = /^[0-9]+(?:\.[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0.1) || value * 1000 > 2 ** 31 - 1) throw new InvalidArgumentError('expected seconds >= 0.1 (e.g. 30 or 0.5)');
  return value * 1000;
}

interface WorkerOptions {
  redis: string;
  concurrency?: number;
  queue?: string;
  lockDuration?: number;
}

/**
 * Adds `hyperschedule worker`: runs sweep trials from BullMQ queues until SIGINT or SIGTERM, which
 * stop its trials (they checkpoint and go back to the queue; a second Ctrl-C quits at once).
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { addWorkerCommand } from './worker-command.js';
 * addWorkerCommand(new Command('hyperschedule'), (line) => process.stdout.write(`${line}\n`));
 * ```
 */
export function addWorkerCommand(program: Command, print: (line: string) => void): void {
  program
    .command('worker')
    .description(
      'run sweep trials from a BullMQ queue on Redis (a sweep submitted with the queue executor); start one per machine that has the project ' +
        'and reaches the sweep folders at the same paths (shared storage)',
    )
    .requiredOption('--redis <url>', 'the Redis the sweeps are submitted to: redis://HOST:PORT')
    .option('--concurrency <n>', 'trials run at once (default: the cores present; 1 per GPU with tfjs-node-gpu)', integerOption(1, 4096))
    .option('--queue <name>', 'serve only this queue (default: every sweep submitted to this Redis; a sweep\'s queue is hyperschedule-<folder>-<hash>)')
    .option('--lock-duration <seconds>', 'how long the trials of a worker that died wait before another worker takes them over (default 30)', secondsOption)
    .action(async (o: WorkerOptions) => {
      const log = (line: string): void => print(`${new Date().toISOString()} ${line}`);
      const worker = await startQueueWorker({
        redis: o.redis,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.queue !== undefined ? { queue: o.queue } : {}),
        ...(o.lockDuration !== undefined ? { lockDurationMs: o.lockDuration } : {}),
        log,
      });
      log(`worker ${worker.name} started; SIGINT or SIGTERM stops it (running trials checkpoint and go back to the queue)`);
      const stop = (signal: 'SIGINT' | 'SIGTERM') => (): void => {
        log(`${signal}: stopping after the running trials checkpoint (Ctrl-C again to quit now)`);
        void worker.stop(signal);
      };
      const onInt = stop('SIGINT');
      const onTerm = stop('SIGTERM');
      // Once: a second Ctrl-C gets Node's default, an immediate exit (the trials still stop: they watch their worker).
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      try {
        await worker.stopped;
        log(`worker ${worker.name} stopped`);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
    });
}
