import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to a file at `path` and flushes it to the disk (fsync) before returning. `flags`
 * are `open`'s: `'w'` (default) creates or truncates, `'wx'` creates only (fails with `EEXIST`).
 *
 * @example
 * ```ts
 * import { writeFileSynced } from './atomic.js';
 * await writeFileSynced('/tmp/hs-example.tmp', 'data');
 * ```
 */
export async function writeFileSynced(path: string, data: string | Uint8Array, flags: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What fsync of a directory gives where the platform cannot do it (Windows cannot open one). */
const NO_DIRECTORY_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/**
 * Flushes a directory's entries (the renames into it) to the disk, so a file renamed in stays
 * there after a power cut. Does nothing where directories cannot be synced (Windows).
 *
 * @example
 * ```ts
 * import { syncDirectory } from './atomic.js';
 * await syncDirectory('/tmp');
 * ```
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * A temporary name beside `path`, unique to this process and call.
 *
 * @example
 * ```ts
 * import { temporaryPath } from './atomic.js';
 * temporaryPath('/runs/a/result.json'); // e.g. '/runs/a/result.json.4242.9f8e7d6c.tmp'
 * ```
 */
export function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes `data` to `path` atomically and durably: into a temporary file beside it, fsync'd, then a
 * rename and an fsync of the directory. A reader (or a rerun after a crash or a power cut) sees
 * either the old file or the whole new one, never half of it.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from 'hyperschedule/node';
 * await writeFileAtomic('/tmp/hs-example.txt', 'done\n');
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    await writeFileSynced(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(path));
}

/**
 * {@link writeFileAtomic} of `JSON.stringify(value, null, 2)` plus a newline.
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from 'hyperschedule/node';
 * await writeJsonAtomic('/tmp/hs-example.json', { ok: true });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads a JSON file; `undefined` when it does not exist or does not parse (a file from an older,
 * interrupted writer is treated as absent, so the work it describes is simply redone).
 *
 * @example
 * ```ts
 * import { readJsonIfValid } from 'hyperschedule/node';
 * await readJsonIfValid('/no/such/file.json'); // undefined
 * ```
 */
export async function readJsonIfValid(path: string): Promise<unknown> {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
