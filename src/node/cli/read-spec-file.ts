import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { CLI_LIMITS } from './limits.js';

/** What a file that is not a regular file is, for the error message. */
function kindOf(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Refuses what is not a regular file of at most `maxBytes`; the message is the reason alone. */
function check(stats: Stats, maxBytes: number): void {
  const kind = kindOf(stats);
  if (kind) throw Object.assign(new Error(`${kind}, not a regular file`), { code: 'ENOTREG' });
  if (stats.size > maxBytes) throw tooLarge(stats.size, maxBytes);
}

function tooLarge(size: number | string, maxBytes: number): Error {
  return Object.assign(new Error(`${size} bytes, above the ${maxBytes}-byte limit for a spec file`), { code: 'EFBIG' });
}

/**
 * Reads a spec file as UTF-8, refusing — before reading anything — a path that is not a regular
 * file (a directory, `/dev/zero`, a named pipe that would block) or a file above `maxBytes`
 * (default 1 MiB, `CLI_LIMITS.maxSpecBytes`). A file that grows past the limit while being read is
 * refused too: at most `maxBytes + 1` bytes are ever read. Errors keep the system `code`
 * (`ENOENT`, `EACCES`, ...) or use `ENOTREG` / `EFBIG`, with the reason as the message.
 *
 * @example
 * ```ts
 * import { readSpecFile } from './read-spec-file.js';
 * readSpecFile('schedule.json'); // '{"type":"cosine", ...}'
 * // readSpecFile('/dev/zero') throws: a character device, not a regular file
 * ```
 */
export function readSpecFile(path: string, maxBytes: number = CLI_LIMITS.maxSpecBytes): string {
  check(statSync(path), maxBytes); // stat never blocks, unlike opening a FIFO
  // O_NONBLOCK: should the path be swapped for a FIFO after the stat, open still returns at once.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    check(fstatSync(fd), maxBytes);
    // One byte more than allowed: reading it means the file grew past the limit.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw tooLarge(`more than ${maxBytes}`, maxBytes);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
