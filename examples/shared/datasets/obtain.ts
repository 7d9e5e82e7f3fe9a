import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { extractCifar10Archive } from './archive.js';
import { resolveCacheDir } from './cache.js';
import { CIFAR10_ARCHIVE, findCifar10Dir, type Cifar10ReadOptions } from './cifar10.js';
import { downloadFile, md5File, type ProgressSink } from './download.js';
import { DatasetError } from './errors.js';

/** Options of {@link obtainCifar10}. */
export interface ObtainCifar10Options extends Cifar10ReadOptions {
  /** A folder holding `cifar-10-batches-bin/` or the `.bin` files (the CLI's `--data-dir`). */
  dataDir?: string;
  /** Environment to read `CIFAR10_DIR` and the cache variables from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Cache folder (default {@link resolveCacheDir}). */
  cacheDir?: string;
  /**
   * Allow downloading when nothing local is found (default true). When false, nothing in the
   * cache is ever deleted: a cached archive that fails its checksum is refused, left in place.
   */
  download?: boolean;
  /** Archive source; override for mirrors and tests. */
  url?: string;
  md5?: string;
  bytes?: number;
  progress?: ProgressSink | boolean;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  /** One-line notes about what was done (download, resume, extraction). */
  log?: (line: string) => void;
}

/** Where CIFAR-10 was found. */
export interface Cifar10Location {
  /** Folder with the `.bin` files. */
  dir: string;
  source: 'data-dir' | 'env' | 'cache' | 'archive' | 'download';
}

/**
 * The how-to-supply sentence every "not available" message ends with.
 *
 * @example
 * ```ts
 * import { cifar10SupplyHint } from './obtain.js';
 * cifar10SupplyHint('/tmp/cache').includes('--data-dir'); // true
 * ```
 */
export function cifar10SupplyHint(cacheDir: string): string {
  return (
    'Supply CIFAR-10 with --data-dir <dir> or the CIFAR10_DIR environment variable, pointing at a folder ' +
    `that holds ${CIFAR10_ARCHIVE.folder}/ (data_batch_1.bin ... test_batch.bin), or put ` +
    `${CIFAR10_ARCHIVE.fileName} (from ${CIFAR10_ARCHIVE.url}) into ${cacheDir}.`
  );
}

/**
 * Finds CIFAR-10, downloading it when needed: `dataDir`, then `$CIFAR10_DIR`, then the cache's
 * unpacked folder, then the cache's archive (checksum-verified, unpacked), then the official
 * archive (downloaded with a progress bar, resumable, verified, unpacked). An explicit `dataDir`
 * or `CIFAR10_DIR` that holds no CIFAR-10 is an error, not a reason to look elsewhere. Offline,
 * throws `DatasetError('offline')` whose message says how to supply the data.
 *
 * A cached archive whose MD5 differs is never deleted: with `download: false` it is refused
 * (`DatasetError('checksum')`, naming the file and both checksums) and left as it is; with
 * downloading on, a fresh copy is downloaded beside it and replaces it only once verified.
 *
 * Concurrent processes (parallel sweep trials) serialise on a lock file in the cache, so only one
 * downloads.
 *
 * @example
 * ```ts
 * import { loadCifar10Dir } from './cifar10.js';
 * import { obtainCifar10 } from './obtain.js';
 * const { dir } = await obtainCifar10({ dataDir: '../shared/data/cifar10-subset' });
 * const { train, test } = await loadCifar10Dir(dir);
 * ```
 */
export async function obtainCifar10(opts: ObtainCifar10Options = {}): Promise<Cifar10Location> {
  const env = opts.env ?? process.env;
  const cacheDir = opts.cacheDir ?? resolveCacheDir(env);
  const explicit: [string | undefined, Cifar10Location['source'], string][] = [
    [opts.dataDir, 'data-dir', '--data-dir'],
    [env.CIFAR10_DIR, 'env', 'CIFAR10_DIR'],
  ];
  for (const [dir, source, label] of explicit) {
    if (!dir) continue;
    const found = findCifar10Dir(dir);
    if (!found) {
      throw new DatasetError(
        'missing',
        `${label} ${resolve(dir)} holds no CIFAR-10 binary files (test_batch.bin and data_batch_N.bin, ` +
          `directly or in ${CIFAR10_ARCHIVE.folder}/).`,
      );
    }
    return { dir: found, source };
  }
  const cached = findCifar10Dir(cacheDir);
  if (cached) return { dir: cached, source: 'cache' };

  await mkdir(cacheDir, { recursive: true });
  return withLock(join(cacheDir, `${CIFAR10_ARCHIVE.fileName}.lock`), async () => {
    const again = findCifar10Dir(cacheDir); // another process may have finished while we waited
    if (again) return { dir: again, source: 'cache' } as const;
    const archive = join(cacheDir, CIFAR10_ARCHIVE.fileName);
    const md5 = opts.md5 ?? CIFAR10_ARCHIVE.md5;
    const read: Cifar10ReadOptions = opts.recordsPerFile !== undefined ? { recordsPerFile: opts.recordsPerFile } : {};
    if (existsSync(archive)) {
      const actual = await md5File(archive);
      if (actual === md5) {
        opts.log?.(`unpacking ${archive}`);
        return { dir: await extractCifar10Archive(archive, cacheDir, read), source: 'archive' } as const;
      }
      const mismatch = `${archive} has MD5 ${actual}, not the published ${md5}`;
      if (opts.download === false) {
        throw new DatasetError(
          'checksum',
          `${mismatch}: it is truncated or corrupt, and downloading is off, so it was left as it is. ` +
            `Replace it with a good copy, or delete it and allow downloading. ${cifar10SupplyHint(cacheDir)}`,
        );
      }
      // The download goes to <archive>.part and is renamed over the bad copy only once verified.
      opts.log?.(`${mismatch}; downloading a fresh copy, which replaces it once verified`);
    }
    const url = opts.url ?? CIFAR10_ARCHIVE.url;
    if (opts.download === false) {
      throw new DatasetError('missing', `CIFAR-10 is not in ${cacheDir} and downloading is off. ${cifar10SupplyHint(cacheDir)}`);
    }
    try {
      const result = await downloadFile({
        url,
        dest: archive,
        md5,
        bytes: opts.bytes ?? (opts.url ? undefined : CIFAR10_ARCHIVE.bytes),
        progress: opts.progress ?? true,
        ...(opts.connectTimeoutMs !== undefined && { connectTimeoutMs: opts.connectTimeoutMs }),
        ...(opts.idleTimeoutMs !== undefined && { idleTimeoutMs: opts.idleTimeoutMs }),
        ...(opts.fetch && { fetch: opts.fetch }),
        ...(opts.log && { log: opts.log }),
      });
      opts.log?.(`downloaded ${result.bytes} bytes to ${archive}${result.resumed ? ' (resumed)' : ''}; unpacking`);
    } catch (err) {
      if (err instanceof DatasetError && err.code === 'offline') {
        throw new DatasetError('offline', `CIFAR-10 is not available offline: ${err.message}. ${cifar10SupplyHint(cacheDir)}`, {
          cause: err,
        });
      }
      throw err;
    }
    return { dir: await extractCifar10Archive(archive, cacheDir, read), source: 'download' } as const;
  });
}

/**
 * Runs `fn` holding an exclusive lock file (`wx` create). A lock whose owner process is gone is
 * taken over; a live one is waited for.
 */
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const text = (await readFile(lockPath, 'utf8').catch(() => '')).trim();
      const owner = Number(text);
      // An empty lock may be one another process has just created and not yet written to.
      const fresh = text === '' && Date.now() - ((await stat(lockPath).catch(() => undefined))?.mtimeMs ?? 0) < 10_000;
      if (!fresh && (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner))) {
        await rm(lockPath, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
