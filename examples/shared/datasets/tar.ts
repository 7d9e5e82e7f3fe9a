/**
 * A minimal streaming tar reader (ustar, GNU long names, pax `path`). Hand-written because no
 * tar package is among the project's dependencies and one archive layout (CIFAR-10's) is all it
 * needs to read; ~100 lines beat a new dependency for users who never download anything.
 */
import { DatasetError } from './errors.js';

/** One regular file of a tar archive. */
export interface TarEntry {
  /** Path inside the archive, e.g. `cifar-10-batches-bin/data_batch_1.bin`. */
  name: string;
  data: Buffer;
}

const BLOCK = 512;

/**
 * Yields the regular files of an (uncompressed) tar stream, verifying each header's checksum.
 * Throws `DatasetError('truncated')` when the stream ends inside an entry or before the zero
 * block that marks the end of the archive (a stream cut between two entries would otherwise look
 * like a shorter archive), and `DatasetError('corrupt')` on a damaged header.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { createGunzip } from 'node:zlib';
 * import { readTar } from './tar.js';
 * for await (const e of readTar(createReadStream('a.tar.gz').pipe(createGunzip()), 'a.tar.gz')) {
 *   console.log(e.name, e.data.length);
 * }
 * ```
 */
export async function* readTar(chunks: AsyncIterable<Buffer | Uint8Array>, source: string): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(chunks[Symbol.asyncIterator]());
  let longName: string | undefined;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (!header) {
      throw new DatasetError(
        'truncated',
        `${source}: the archive ends without its end-of-archive marker (two zero blocks); it is truncated. Delete it and download again.`,
      );
    }
    if (header.every((b) => b === 0)) return;
    verifyChecksum(header, source);
    const size = parseSize(header, source);
    const type = String.fromCharCode(header[156]!);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const body = await reader.read(padded);
    if (!body) {
      throw new DatasetError('truncated', `${source}: the archive ends inside an entry; it is truncated. Delete it and download again.`);
    }
    const data = body.subarray(0, size);
    if (type === 'L') {
      longName = cString(data);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === '0' || type === '\0' || type === '7') {
      const prefix = cString(header.subarray(345, 500));
      const short = cString(header.subarray(0, 100));
      const name = longName ?? (prefix ? `${prefix}/${short}` : short);
      longName = undefined;
      yield { name, data: Buffer.from(data) };
      continue;
    }
    longName = undefined; // directories, links, global pax headers: nothing to extract
  }
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function parseSize(header: Uint8Array, source: string): number {
  const field = header.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    // GNU base-256 for entries >= 8 GiB: not produced for any dataset this reads.
    throw new DatasetError('corrupt', `${source}: unsupported tar size encoding (base-256).`);
  }
  const text = cString(field).trim();
  const size = text === '' ? 0 : parseInt(text, 8);
  if (!Number.isFinite(size) || size < 0 || !/^[0-7]*$/.test(text)) {
    throw new DatasetError('corrupt', `${source}: bad tar size field ${JSON.stringify(text)}; the archive is corrupt.`);
  }
  return size;
}

function verifyChecksum(header: Uint8Array, source: string): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  const stored = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  if (stored !== sum) {
    throw new DatasetError('corrupt', `${source}: tar header checksum mismatch; the archive is corrupt. Delete it and download again.`);
  }
}

function paxPath(data: Uint8Array): string | undefined {
  // Records are "<len> <key>=<value>\n".
  const text = Buffer.from(data).toString('utf8');
  for (const line of text.split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Reads exact byte counts from a chunk iterator. */
class ByteReader {
  private pending: Buffer[] = [];
  private available = 0;
  private done = false;

  constructor(private readonly it: AsyncIterator<Buffer | Uint8Array>) {}

  /** `n` bytes, or undefined when the stream ends first (partial data is dropped). */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.available < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else {
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        this.pending.push(chunk);
        this.available += chunk.length;
      }
    }
    if (this.available < n) return undefined;
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.available = rest.length;
    return out;
  }
}
