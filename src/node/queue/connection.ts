import { HyperscheduleError } from '../../errors.js';
import { redactRedisUrl } from './redis-url.js';

/**
 * A BullMQ object with a Redis connection (a `Queue`, `QueueEvents` or `Worker`).
 *
 * @example
 * ```ts
 * import type { Connected } from './connection.js';
 * const close = (c: Connected) => c.close();
 * ```
 */
export interface Connected {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

/**
 * Waits until `thing` has connected to Redis; a connection error or no answer within
 * `timeoutMs` closes it and throws an error naming `field` and the URL (password hidden), instead
 * of BullMQ's silent reconnecting. Once connected, its later errors (a lost connection that BullMQ
 * retries) go to `onError`.
 *
 * @example
 * ```ts
 * import { whenConnected } from './connection.js';
 * // await whenConnected(queue, 'redis://127.0.0.1:6379', 'redis', (e) => console.error(e.message));
 * ```
 */
export async function whenConnected(thing: Connected, url: string, field: string, onError: (error: Error) => void = () => {}, timeoutMs = 10_000): Promise<void> {
  // One listener for good (BullMQ objects throw errors nobody hears): silent while connecting, whose
  // errors this function reports itself, then `onError`.
  let ready = false;
  thing.on('error', (error) => {
    if (ready) onError(error);
  });
  let onFirstError: ((error: Error) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<string>((resolve) => {
    onFirstError = (error) => resolve(error.message || String(error));
    thing.on('error', onFirstError);
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  const outcome = await Promise.race([thing.waitUntilReady().then(() => undefined, (error: unknown) => String((error as Error)?.message ?? error)), failed]);
  clearTimeout(timer);
  if (onFirstError) thing.off('error', onFirstError);
  if (outcome === undefined) {
    ready = true;
    return;
  }
  // Closing may still report the refused connection: the silent listener takes it.
  await thing.close().catch(() => undefined);
  swallowLateError(thing);
  throw new HyperscheduleError(field, redactRedisUrl(url), `a Redis server that answers (redis://HOST:PORT; ${outcome})`);
}

/**
 * BullMQ 5 closing a connection that never became ready removes the connection's listeners, then
 * its pending start fails and is re-emitted as an `error` nobody hears: an unhandled rejection that
 * would end the process. A listener added after the close takes it.
 */
function swallowLateError(thing: Connected): void {
  const connection = (thing as { connection?: unknown }).connection;
  if (connection !== null && typeof connection === 'object' && typeof (connection as { on?: unknown }).on === 'function') {
    (connection as { on: (event: string, listener: () => void) => void }).on('error', () => {});
  }
}

/**
 * An `error` listener that prints each distinct message at most once per `everyMs` (BullMQ repeats
 * a connection error at every reconnect attempt), so errors are seen but do not flood the log.
 *
 * @example
 * ```ts
 * import { throttledErrors } from './connection.js';
 * const onError = throttledErrors((line) => console.error(line), 'queue q');
 * onError(new Error('ECONNREFUSED')); // prints 'queue q: ECONNREFUSED'
 * onError(new Error('ECONNREFUSED')); // (not again within 10 s)
 * ```
 */
export function throttledErrors(log: (line: string) => void, what: string, everyMs = 10_000): (error: Error) => void {
  const last = new Map<string, number>();
  return (error) => {
    const message = error?.message ?? String(error);
    const now = Date.now();
    if ((last.get(message) ?? -Infinity) + everyMs > now) return;
    last.set(message, now);
    log(`${what}: ${message}`);
  };
}
