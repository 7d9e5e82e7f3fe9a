import { HyperscheduleError } from '../../errors.js';

/**
 * The BullMQ module (an optional peer dependency: loaded only when a queue is asked for).
 *
 * @example
 * ```ts
 * import type { BullMQ } from './load-bullmq.js';
 * type Queue = BullMQ['Queue'];
 * ```
 */
export type BullMQ = typeof import('bullmq');

/** What a failed `import('bullmq')` says when the package is not installed. */
function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes('bullmq');
}

/**
 * Loads BullMQ, or says how to install it: the queue executor and its workers need the `bullmq`
 * package (and a Redis server), the local executor does not.
 *
 * @example
 * ```ts
 * import { loadBullMQ } from './load-bullmq.js';
 * const { Queue } = await loadBullMQ();
 * ```
 */
export async function loadBullMQ(load: () => Promise<BullMQ> = () => import('bullmq')): Promise<BullMQ> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error)) {
      throw new HyperscheduleError('executor', 'queue', 'the bullmq package, an optional peer dependency of hyperschedule: npm install bullmq (the queue also needs a Redis server, e.g. apt-get install redis-server)');
    }
    throw error;
  }
}
