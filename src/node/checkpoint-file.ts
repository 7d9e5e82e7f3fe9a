import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HyperscheduleError } from '../errors.js';
import type { Checkpoint } from '../integrations/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint, verifyCheckpoint } from '../integrations/checkpoint-binary.js';
import { syncDirectory, temporaryPath, writeFileSynced } from './sweep/atomic.js';

/** Where the previous good checkpoint of `path` is kept. */
function previousPath(path: string): string {
  return `${path}.prev`;
}

/** Whether `path` holds a checkpoint that verifies (false when it is missing or unreadable). */
async function holdsGoodCheckpoint(path: string): Promise<boolean> {
  try {
    await verifyCheckpoint(await readFile(path));
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `checkpoint` to `path` in the binary format (`encodeCheckpoint`), keeping the last good
 * one: the bytes go to a temporary file beside `path` and are fsync'd; then the current `path`,
 * if it verifies, is renamed to `path + '.prev'` (replacing the older one; a `path` that does not
 * verify is overwritten instead, so `.prev` only ever holds a good file); then the temporary file
 * is renamed to `path` and the directory fsync'd. A crash at any point leaves a good checkpoint in
 * `path` or in `path.prev`, which {@link readCheckpointFile} finds. An invalid checkpoint is
 * refused before any file is touched.
 *
 * @example
 * ```ts
 * import { createSession, saveCheckpoint } from 'hyperschedule';
 * import { writeCheckpointFile } from 'hyperschedule/node';
 * await writeCheckpointFile('/tmp/hs-run/checkpoint.bin', await saveCheckpoint({ session: createSession() }));
 * ```
 */
export async function writeCheckpointFile(path: string, checkpoint: Checkpoint): Promise<void> {
  const bytes = await encodeCheckpoint(checkpoint);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = temporaryPath(path);
  try {
    await writeFileSynced(tmp, bytes);
    if (await holdsGoodCheckpoint(path)) await rename(path, previousPath(path));
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * A checkpoint read by {@link readCheckpointFile}, and where it came from.
 *
 * @example
 * ```ts
 * import type { CheckpointFileRead } from 'hyperschedule/node';
 * const note = (r: CheckpointFileRead) => (r.refused ? `resumed from ${r.file}: ${r.refused.file} ${r.refused.reason}` : '');
 * ```
 */
export interface CheckpointFileRead {
  readonly checkpoint: Checkpoint;
  /** The file it came from: `path`, or `path + '.prev'` when `path` is missing or refused. */
  readonly file: string;
  /** Set when the previous file was used: which file was not, and why (its error, or "is missing"). Print it. */
  readonly refused?: { readonly file: string; readonly reason: string };
}

type Attempt = { readonly checkpoint: Checkpoint } | { readonly reason: string; readonly missing: boolean };

async function attempt(file: string): Promise<Attempt> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { reason: missing ? 'is missing' : `cannot be read (${(error as Error).message})`, missing };
  }
  try {
    return { checkpoint: await decodeCheckpoint(bytes) };
  } catch (error) {
    if (!(error instanceof HyperscheduleError)) throw error;
    return { reason: `is refused (${error.message})`, missing: false };
  }
}

/**
 * Reads the newest good checkpoint written by {@link writeCheckpointFile}: `path` when it
 * decodes, else `path + '.prev'` with `refused` saying why `path` was not used (print it: a run
 * resumed from the previous checkpoint repeats the work since). `undefined` when neither file
 * exists (nothing to resume); throws a {@link HyperscheduleError} naming both files when neither
 * decodes. The checkpoint still goes through `restoreCheckpoint`'s checks.
 *
 * @example
 * ```ts
 * import { readCheckpointFile } from 'hyperschedule/node';
 * const read = await readCheckpointFile('/tmp/hs-run/checkpoint.bin');
 * if (read?.refused) console.warn(`resuming from ${read.file}: ${read.refused.file} ${read.refused.reason}`);
 * ```
 */
export async function readCheckpointFile(path: string): Promise<CheckpointFileRead | undefined> {
  const newest = await attempt(path);
  if ('checkpoint' in newest) return { checkpoint: newest.checkpoint, file: path };
  const prev = previousPath(path);
  const previous = await attempt(prev);
  if ('checkpoint' in previous) return { checkpoint: previous.checkpoint, file: prev, refused: { file: path, reason: newest.reason } };
  if (newest.missing && previous.missing) return undefined;
  throw new HyperscheduleError('checkpoint file', path, `a checkpoint that decodes, here or in ${prev}: ${path} ${newest.reason}; ${prev} ${previous.reason}`);
}
