/**
 * The download path against a local HTTP server on 127.0.0.1 serving a small CIFAR-10-shaped
 * tar.gz built here with the system `tar` (an independent tar writer): fresh download, resume,
 * a server that ignores Range, an interrupted transfer, checksum failures, a truncated cached
 * archive, the offline message — and that no half-written cache is ever left behind.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractCifar10Archive } from '../../../../examples/shared/datasets/archive.js';
import { CIFAR10_RECORD_BYTES, loadCifar10Dir } from '../../../../examples/shared/datasets/cifar10.js';
import { downloadFile, type ProgressSink } from '../../../../examples/shared/datasets/download.js';
import { DatasetError } from '../../../../examples/shared/datasets/errors.js';
import { obtainCifar10 } from '../../../../examples/shared/datasets/obtain.js';
import { readTar } from '../../../../examples/shared/datasets/tar.js';
import { syntheticCifarBytes } from './helpers.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function haveTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TAR = haveTar();
if (!TAR) console.warn('system `tar` not found; skipping the archive/download tests that build archives with it');

/** Builds `<name>.tar.gz` holding `cifar-10-batches-bin/<files>` with the system tar. */
function buildArchive(files: Record<string, Uint8Array>, extra: Record<string, Uint8Array> = {}): Buffer {
  const root = mkdtempSync(join(tmpdir(), 'hs-tarsrc-'));
  const folder = join(root, 'cifar-10-batches-bin');
  mkdirSync(folder);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(folder, name), data);
  for (const [name, data] of Object.entries(extra)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  const out = join(root, 'archive.tar.gz');
  execFileSync('tar', ['czf', out, '-C', root, ...['cifar-10-batches-bin', ...Object.keys(extra)]]);
  const bytes = readFileSync(out);
  rmSync(root, { recursive: true, force: true });
  return bytes;
}

interface ServerControl {
  url: string;
  requests: { range: string | undefined }[];
  /** Per-request behaviour; reset to normal after each test. */
  mode: { ignoreRange?: boolean; dropAfter?: number; body?: Buffer };
  close(): Promise<void>;
}

async function startServer(payload: () => Buffer): Promise<ServerControl> {
  const control: ServerControl = { url: '', requests: [], mode: {}, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const body = control.mode.body ?? payload();
    control.requests.push({ range: req.headers.range });
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !control.mode.ignoreRange) {
      const start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    if (control.mode.dropAfter !== undefined) {
      // Send part of the body, then cut the connection: a dropped download.
      res.write(body.subarray(0, control.mode.dropAfter), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  control.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
  control.close = () => new Promise<void>((r) => server.close(() => r()));
  return control;
}

/** The tar stream inside a .tar.gz. */
function gunzip(gz: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    Readable.from([gz]).pipe(createGunzip()).on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** Files a cache folder holds, ignoring nothing: used to prove no temp or partial output remains. */
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe.skipIf(!TAR)('CIFAR-10 download, cache and archive', () => {
  const train = syntheticCifarBytes(40, 1);
  const test = syntheticCifarBytes(40, 2);
  const meta = new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n');
  let archive: Buffer;
  let server: ServerControl;
  const made: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-cache-'));
    made.push(dir);
    return dir;
  };
  const options = (cacheDir: string) => ({
    cacheDir,
    env: {},
    url: server.url,
    md5: md5(archive),
    bytes: archive.length,
    progress: false as const,
    recordsPerFile: 40,
  });

  beforeAll(async () => {
    archive = buildArchive({ 'data_batch_1.bin': train, 'test_batch.bin': test, 'batches.meta.txt': meta });
    server = await startServer(() => archive);
  });
  afterAll(async () => {
    await server.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const reset = () => {
    server.requests.length = 0;
    server.mode = {};
  };

  it('reads the system tar output entry by entry with our tar reader', async () => {
    const entries: Record<string, number> = {};
    for await (const e of readTar(Readable.from([archive]).pipe(createGunzip()), 'archive')) entries[e.name] = e.data.length;
    expect(entries['cifar-10-batches-bin/data_batch_1.bin']).toBe(train.length);
    expect(entries['cifar-10-batches-bin/test_batch.bin']).toBe(test.length);
  });

  it('reads names longer than 100 bytes (GNU long-name / pax records)', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/long-name.bin`;
    const tgz = buildArchive({ 'test_batch.bin': test }, { [long]: new Uint8Array([1, 2, 3]) });
    const names: string[] = [];
    for await (const e of readTar(Readable.from([tgz]).pipe(createGunzip()), 'tgz')) names.push(e.name);
    expect(names).toContain(long);
  });

  it('rejects a tar header whose checksum does not match', async () => {
    const tar = await gunzip(archive);
    tar[10] = tar[10]! ^ 0xff; // damage the first header's name
    const iterate = async () => {
      for await (const _ of readTar(Readable.from([tar]), 'damaged.tar')) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('downloads, verifies, unpacks into the cache and leaves only the archive and the folder', async () => {
    reset();
    const cacheDir = fresh();
    const sink: ProgressSink & { calls: string[] } = {
      calls: [],
      start(total, start) {
        this.calls.push(`start ${total} ${start}`);
      },
      update(b) {
        this.calls.push(`update ${b}`);
      },
      stop() {
        this.calls.push('stop');
      },
    };
    const where = await obtainCifar10({ ...options(cacheDir), progress: sink });
    expect(where.source).toBe('download');
    expect(server.requests).toEqual([{ range: undefined }]);
    expect(sink.calls[0]).toBe(`start ${archive.length} 0`);
    expect(sink.calls.at(-2)).toBe(`update ${archive.length}`);
    expect(listing(cacheDir)).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    const data = await loadCifar10Dir(where.dir, { recordsPerFile: 40 });
    expect(data.train.count).toBe(40);
    expect(data.test.count).toBe(40);
    expect(readFileSync(join(where.dir, 'data_batch_1.bin')).equals(Buffer.from(train))).toBe(true);
    // Second call: served from the cache, no request.
    const again = await obtainCifar10(options(cacheDir));
    expect(again).toEqual({ dir: where.dir, source: 'cache' });
    expect(server.requests).toHaveLength(1);
  });

  it('resumes a partial download with an HTTP Range request', async () => {
    reset();
    const cacheDir = fresh();
    const cut = Math.floor(archive.length * 0.6);
    writeFileSync(join(cacheDir, 'cifar-10-binary.tar.gz.part'), archive.subarray(0, cut));
    const where = await obtainCifar10(options(cacheDir));
    expect(server.requests).toEqual([{ range: `bytes=${cut}-` }]);
    expect(where.source).toBe('download');
    expect(md5(readFileSync(join(cacheDir, 'cifar-10-binary.tar.gz')))).toBe(md5(archive));
    expect(listing(cacheDir)).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
  });

  it('starts over when the server ignores Range', async () => {
    reset();
    server.mode.ignoreRange = true;
    const dir = fresh();
    const dest = join(dir, 'a.tar.gz');
    writeFileSync(`${dest}.part`, archive.subarray(0, 1000));
    const lines: string[] = [];
    const result = await downloadFile({ url: server.url, dest, md5: md5(archive), progress: false, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ resumed: false, restarted: true, bytes: archive.length });
    expect(lines.join('\n')).toMatch(/ignored the resume request/);
    expect(readFileSync(dest).equals(archive)).toBe(true);
  });

  it('re-downloads from scratch when a resumed file fails its checksum (stale partial)', async () => {
    reset();
    const dir = fresh();
    const dest = join(dir, 'a.tar.gz');
    writeFileSync(`${dest}.part`, Buffer.alloc(5000, 7)); // wrong bytes: resuming after them cannot verify
    const result = await downloadFile({ url: server.url, dest, md5: md5(archive), progress: false });
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=5000-', undefined]);
    expect(result.restarted).toBe(true);
    expect(readFileSync(dest).equals(archive)).toBe(true);
  });

  it('keeps the partial file of an interrupted download, leaves no cache, and resumes next time', async () => {
    reset();
    server.mode.dropAfter = 30_000;
    const cacheDir = fresh();
    const error = await obtainCifar10(options(cacheDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('interrupted');
    expect((error as Error).message).toMatch(/run again to resume/);
    expect(listing(cacheDir)).toEqual(['cifar-10-binary.tar.gz.part']);
    const partSize = statSync(join(cacheDir, 'cifar-10-binary.tar.gz.part')).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThanOrEqual(30_000);

    server.mode = {};
    const where = await obtainCifar10(options(cacheDir));
    expect(server.requests.at(-1)?.range).toBe(`bytes=${partSize}-`);
    expect((await loadCifar10Dir(where.dir, { recordsPerFile: 40 })).train.count).toBe(40);
  });

  it('refuses a download whose MD5 differs, deletes it and leaves nothing behind', async () => {
    reset();
    const cacheDir = fresh();
    const corrupt = Buffer.from(archive);
    corrupt[corrupt.length >> 1] = corrupt[corrupt.length >> 1]! ^ 0xff;
    server.mode.body = corrupt;
    const error = await obtainCifar10(options(cacheDir)).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('checksum');
    expect((error as Error).message).toMatch(/MD5 [0-9a-f]{32} does not match/);
    expect(listing(cacheDir)).toEqual([]);
  });

  it('refuses a body longer than the expected size', async () => {
    reset();
    server.mode.body = Buffer.concat([archive, Buffer.alloc(10)]);
    const dir = fresh();
    const error = await downloadFile({ url: server.url, dest: join(dir, 'a'), bytes: archive.length, progress: false }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('corrupt');
    expect(listing(dir)).toEqual([]);
  });

  it('replaces a truncated archive found in the cache by a verified download, saying so', async () => {
    reset();
    const cacheDir = fresh();
    writeFileSync(join(cacheDir, 'cifar-10-binary.tar.gz'), archive.subarray(0, archive.length >> 1));
    const lines: string[] = [];
    const where = await obtainCifar10({ ...options(cacheDir), log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/cifar-10-binary\.tar\.gz has MD5 [0-9a-f]{32}, not the published [0-9a-f]{32}; downloading a fresh copy, which replaces it once verified/);
    expect(where.source).toBe('download');
    expect(listing(cacheDir)).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    expect(md5(readFileSync(join(cacheDir, 'cifar-10-binary.tar.gz')))).toBe(md5(archive));
  });

  it('with download off, a cached archive with a bad MD5 is refused and left in place', async () => {
    reset();
    const cacheDir = fresh();
    const path = join(cacheDir, 'cifar-10-binary.tar.gz');
    const damaged = Buffer.from(archive);
    damaged[100] = damaged[100]! ^ 0xff;
    writeFileSync(path, damaged);
    const error = await obtainCifar10({ ...options(cacheDir), download: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('checksum');
    expect((error as Error).message).toContain(`${path} has MD5 ${md5(damaged)}, not the published ${md5(archive)}`);
    expect((error as Error).message).toMatch(/downloading is off, so it was left as it is/);
    expect(readFileSync(path).equals(damaged)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('with download on but no network, a cached archive with a bad MD5 is kept', async () => {
    const closed = await startServer(() => archive);
    const url = closed.url;
    await closed.close();
    const cacheDir = fresh();
    const path = join(cacheDir, 'cifar-10-binary.tar.gz');
    writeFileSync(path, archive.subarray(0, 1000));
    const error = await obtainCifar10({ ...options(cacheDir), url }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('offline');
    expect(readFileSync(path).equals(archive.subarray(0, 1000))).toBe(true);
  });

  it('unpacking refuses a member with fewer records than expected (cut at a record boundary)', async () => {
    const cacheDir = fresh();
    const path = join(cacheDir, 'short.tar.gz');
    writeFileSync(path, buildArchive({ 'data_batch_1.bin': train.subarray(0, 39 * CIFAR10_RECORD_BYTES), 'test_batch.bin': test }));
    const error = await extractCifar10Archive(path, cacheDir, { recordsPerFile: 40 }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('truncated');
    expect((error as Error).message).toMatch(/short\.tar\.gz:cifar-10-batches-bin\/data_batch_1\.bin: holds 39 CIFAR-10 records, expected 40/);
    expect(listing(cacheDir)).toEqual(['short.tar.gz']);
  });

  it('the tar reader refuses an archive cut at an entry boundary (no end-of-archive blocks)', async () => {
    const tar = await gunzip(archive);
    // Everything up to the end of the first regular file, then nothing: a reader that stops
    // quietly there yields one .bin of two.
    let end = 0;
    for (;;) {
      const header = tar.subarray(end, end + 512);
      const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim(), 8);
      end += 512 + Math.ceil(size / 512) * 512;
      if (header[156] === 0x30 || header[156] === 0) break; // '0' or NUL: a regular file
    }
    const cut = tar.subarray(0, end);
    const names: string[] = [];
    const iterate = async () => {
      for await (const e of readTar(Readable.from([cut]), 'cut.tar')) names.push(e.name);
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'truncated', message: expect.stringMatching(/^cut\.tar: the archive ends without its end-of-archive marker/) });
    expect(names).toHaveLength(1);
  });

  it('unpacking a truncated archive fails clearly and writes no folder', async () => {
    const cacheDir = fresh();
    const path = join(cacheDir, 'cut.tar.gz');
    writeFileSync(path, archive.subarray(0, archive.length - 2000));
    const error = await extractCifar10Archive(path, cacheDir, { recordsPerFile: 40 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect(['corrupt', 'truncated']).toContain((error as DatasetError).code);
    expect((error as Error).message).toMatch(/truncated/);
    expect(listing(cacheDir)).toEqual(['cut.tar.gz']);
  });

  it('unpacking an archive with a truncated .bin member fails and writes no folder', async () => {
    const cacheDir = fresh();
    const path = join(cacheDir, 'bad.tar.gz');
    writeFileSync(path, buildArchive({ 'data_batch_1.bin': train.subarray(0, 5000), 'test_batch.bin': test }));
    await expect(extractCifar10Archive(path, cacheDir, { recordsPerFile: 40 })).rejects.toMatchObject({ code: 'truncated' });
    expect(listing(cacheDir)).toEqual(['bad.tar.gz']);
  });

  it('offline: the message says how to supply the data (--data-dir, CIFAR10_DIR)', async () => {
    // A port nobody listens on: connection refused, like a machine without network.
    const closed = await startServer(() => archive);
    const url = closed.url;
    await closed.close();
    const cacheDir = fresh();
    const error = await obtainCifar10({ ...options(cacheDir), url }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('offline');
    const message = (error as Error).message;
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).toMatch(/--data-dir <dir>/);
    expect(message).toMatch(/CIFAR10_DIR/);
    expect(listing(cacheDir)).toEqual([]);
  });

  it('an explicit --data-dir or CIFAR10_DIR without CIFAR-10 is an error, not a download', async () => {
    reset();
    const empty = fresh();
    await expect(obtainCifar10({ ...options(fresh()), dataDir: empty })).rejects.toThrowError(/--data-dir .* holds no CIFAR-10/);
    await expect(obtainCifar10({ ...options(fresh()), env: { CIFAR10_DIR: empty } })).rejects.toThrowError(/CIFAR10_DIR .* holds no CIFAR-10/);
    expect(server.requests).toHaveLength(0);
  });
});
