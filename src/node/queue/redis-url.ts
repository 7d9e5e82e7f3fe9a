import { HyperscheduleError } from '../../errors.js';

const EXAMPLE = 'redis://HOST:PORT (or rediss:// for TLS; redis://:PASSWORD@HOST:PORT/DB)';

/**
 * Checks a Redis URL (`redis://` or `rediss://`), and `'auto'` where it is allowed (the submitter
 * starting a private `redis-server`).
 *
 * @example
 * ```ts
 * import { checkRedisUrl } from './redis-url.js';
 * checkRedisUrl('redis://127.0.0.1:6379', 'redis'); // 'redis://127.0.0.1:6379'
 * checkRedisUrl('localhost:6379', 'redis'); // throws: redis: got "localhost:6379", expected redis://HOST:PORT …
 * ```
 */
export function checkRedisUrl(value: unknown, field: string, allowAuto = false): string {
  const allowed = `${EXAMPLE}${allowAuto ? ', or auto (start a private redis-server here)' : ''}`;
  if (allowAuto && value === 'auto') return value;
  if (typeof value !== 'string') throw new HyperscheduleError(field, value, allowed);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HyperscheduleError(field, value, allowed);
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') throw new HyperscheduleError(field, value, allowed);
  return value;
}

/**
 * A Redis URL with its password replaced by `***`, for logs.
 *
 * @example
 * ```ts
 * import { redactRedisUrl } from './redis-url.js';
 * redactRedisUrl('redis://:secret@db:6379/0'); // 'redis://:***@db:6379/0'
 * ```
 */
export function redactRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
