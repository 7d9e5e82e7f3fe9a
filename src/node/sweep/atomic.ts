import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to `path` atomically: into a temporary file beside it, then a rename. A reader
 * (or a rerun after a crash) sees either the old file or the whole new one, never half of it.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from 'hyperschedule/node';
 * await writeFileAtomic('/tmp/hs-example.txt', 'done\n');
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
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
