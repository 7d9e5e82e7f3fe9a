/**
 * The Redis hash where submitters list their sweep queues, so a worker started without `--queue`
 * serves every sweep submitted to its Redis.
 *
 * @example
 * ```ts
 * import { REGISTRY_KEY } from './registry.js';
 * REGISTRY_KEY; // 'hyperschedule:queues'
 * ```
 */
export const REGISTRY_KEY = 'hyperschedule:queues';

/**
 * The Redis commands the registry uses (what BullMQ's client offers).
 *
 * @example
 * ```ts
 * import type { RegistryClient } from './registry.js';
 * const count = async (c: RegistryClient) => Object.keys(await c.hgetall('hyperschedule:queues')).length;
 * ```
 */
export interface RegistryClient {
  hset(key: string, data: Record<string, string>): Promise<number>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
}

/**
 * One registered sweep queue: its name, the sweep folder and who submitted it when.
 *
 * @example
 * ```ts
 * import type { QueueEntry } from './registry.js';
 * const e: QueueEntry = { queue: 'hyperschedule-s-1a2b3c4d', dir: '/runs/s', submittedBy: 'login1:4242', submittedAt: '2025-01-01T00:00:00.000Z' };
 * ```
 */
export interface QueueEntry {
  readonly queue: string;
  readonly dir: string;
  readonly submittedBy: string;
  readonly submittedAt: string;
}

/**
 * Lists `entry.queue` for workers to find.
 *
 * @example
 * ```ts
 * import { registerQueue } from './registry.js';
 * // await registerQueue(await queue.client, { queue: queue.name, dir, submittedBy, submittedAt });
 * ```
 */
export async function registerQueue(client: RegistryClient, entry: QueueEntry): Promise<void> {
  await client.hset(REGISTRY_KEY, { [entry.queue]: JSON.stringify(entry) });
}

/**
 * Takes `queue` off the list (its sweep has nothing left to run).
 *
 * @example
 * ```ts
 * import { unregisterQueue } from './registry.js';
 * // await unregisterQueue(await queue.client, queue.name);
 * ```
 */
export async function unregisterQueue(client: RegistryClient, queue: string): Promise<void> {
  await client.hdel(REGISTRY_KEY, queue);
}

/**
 * The registered queues, oldest submission first (entries that do not parse are left out).
 *
 * @example
 * ```ts
 * import { registeredQueues } from './registry.js';
 * // (await registeredQueues(client)).map((e) => e.queue)
 * ```
 */
export async function registeredQueues(client: RegistryClient): Promise<QueueEntry[]> {
  const all = await client.hgetall(REGISTRY_KEY);
  return Object.entries(all).flatMap(([queue, text]) => {
    try {
      const entry = JSON.parse(text) as Partial<QueueEntry>;
      return typeof entry.dir === 'string' ? [{ queue, dir: entry.dir, submittedBy: String(entry.submittedBy), submittedAt: String(entry.submittedAt) }] : [];
    } catch {
      return [];
    }
  }).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}
