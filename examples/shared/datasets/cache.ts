import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The cache folder for downloads: `$HYPERSCHEDULE_CACHE`, else `$XDG_CACHE_HOME/hyperschedule`,
 * else `~/.cache/hyperschedule`.
 *
 * @example
 * ```ts
 * import { resolveCacheDir } from './cache.js';
 * resolveCacheDir({ HYPERSCHEDULE_CACHE: '/tmp/hs' }); // '/tmp/hs'
 * ```
 */
export function resolveCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.HYPERSCHEDULE_CACHE) return resolve(env.HYPERSCHEDULE_CACHE);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'hyperschedule');
  return join(homedir(), '.cache', 'hyperschedule');
}
