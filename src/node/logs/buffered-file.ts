import { closeSync, fsyncSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';

/**
 * An append-only file that collects records in memory and writes them in one system call every
 * `flushEvery` records, on {@link BufferedFile.flush} and on {@link BufferedFile.close}: a log
 * line per training update costs a string concatenation, not a write. Writes are synchronous, so
 * a record is in the file (the OS's cache) when `flush()` returns.
 *
 * @example
 * ```ts
 * import { BufferedFile } from './buffered-file.js';
 * const file = new BufferedFile('/tmp/hs-buffered.txt', { flushEvery: 100, append: false });
 * file.write('one\n'); // buffered
 * file.close();        // written, then closed
 * ```
 */
export class BufferedFile {
  readonly path: string;
  private readonly fd: number;
  private readonly flushEvery: number;
  private chunks: Uint8Array[] = [];
  private count = 0;
  private closed = false;

  constructor(path: string, options: { readonly flushEvery: number; readonly append: boolean; readonly exclusive?: boolean }) {
    this.path = path;
    this.flushEvery = options.flushEvery;
    this.fd = openSync(path, options.exclusive ? 'wx' : options.append ? 'a' : 'w');
  }

  /** Adds a record; writes the buffer when it holds `flushEvery` records. */
  write(record: string | Uint8Array): void {
    this.chunks.push(typeof record === 'string' ? Buffer.from(record, 'utf8') : record);
    this.count += 1;
    if (this.count >= this.flushEvery) this.flush();
  }

  /** Writes every buffered record. */
  flush(): void {
    if (this.chunks.length === 0) return;
    const data = Buffer.concat(this.chunks);
    this.chunks = [];
    this.count = 0;
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
  }

  /** Writes what is buffered, flushes it to the disk (fsync) and closes the file (idempotent). */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
      fsyncSync(this.fd);
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

/**
 * Replaces the contents of `path` whole: written to a temporary file beside it, flushed, then
 * renamed over it, so a reader or a crash sees the old contents or the new, never a mix.
 *
 * @example
 * ```ts
 * import { replaceFileSync } from './buffered-file.js';
 * replaceFileSync('/tmp/hs-replaced.csv', 'step\n1\n');
 * ```
 */
export function replaceFileSync(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
