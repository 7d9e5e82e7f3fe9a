import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { HyperscheduleError } from '../../errors.js';

/**
 * The queue a sweep uses unless told otherwise: `hyperschedule-<folder name>-<8 hex digits of a
 * hash of the folder's absolute path>`. The same folder always gets the same queue, so submitting
 * it again finds its jobs (finished ones are skipped, queued ones waited for); another folder gets
 * another queue, so two sweeps never share job ids.
 *
 * @example
 * ```ts
 * import { defaultQueueName } from 'hyperschedule/node';
 * defaultQueueName('/runs/study-sweep').startsWith('hyperschedule-study-sweep-'); // true
 * ```
 */
export function defaultQueueName(sweepDir: string): string {
  const dir = resolve(sweepDir);
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 8);
  const name = basename(dir).replace(/[^\w.-]+/g, '-').slice(0, 60) || 'sweep';
  return `hyperschedule-${name}-${hash}`;
}

/**
 * Checks a queue name: BullMQ keys are `bull:<queue>:...`, so a name holds no `:`.
 *
 * @example
 * ```ts
 * import { checkQueueName } from './queue-name.js';
 * checkQueueName('hyperschedule-study', 'queue'); // 'hyperschedule-study'
 * ```
 */
export function checkQueueName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[\w.-]{1,200}$/.test(value)) throw new HyperscheduleError(field, value, 'a queue name of letters, digits, _ . - (no ":")');
  return value;
}
