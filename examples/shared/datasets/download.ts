import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import cliProgress from 'cli-progress';
import { DatasetError } from './errors.js';

/** Reports download progress; `cliProgressSink()` draws a bar, tests pass their own. */
export interface ProgressSink {
  start(totalBytes: number, startBytes: number): void;
  update(bytes: number): void;
  stop(): void;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  url: string;
  /** Final path. Written only by renaming a complete, verified `<dest>.part`. */
  dest: string;
  /** Expected size in bytes; a longer file is corrupt, a shorter one is resumed. */
  bytes?: number;
  /** Expected MD5 (hex). */
  md5?: string;
  /** Progress reporting: a sink, `true` for a cli-progress bar on stderr (default), `false` for none. */
  progress?: ProgressSink | boolean;
  /** Give up when no response headers arrive within this many ms (default 30 s). */
  connectTimeoutMs?: number;
  /** Abort when the body stalls this long between chunks (default 60 s); the part is kept. */
  idleTimeoutMs?: number;
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** One-line notes (resume, redo); default: none. */
  log?: (line: string) => void;
}

/** What {@link downloadFile} did. */
export interface DownloadResult {
  path: string;
  bytes: number;
  /** True when an earlier partial download was continued with an HTTP Range request. */
  resumed: boolean;
  /** True when a partial file had to be thrown away (server ignored Range, or it failed its checksum). */
  restarted: boolean;
}

/**
 * A cli-progress bar on stderr (drawn only on a TTY).
 *
 * @example
 * ```ts
 * import { cliProgressSink } from './download.js';
 * const bar = cliProgressSink('CIFAR-10');
 * bar.start(100, 0); bar.update(50); bar.stop();
 * ```
 */
export function cliProgressSink(label: string): ProgressSink {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {mb}/{totalMb} MB | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => (b / 1e6).toFixed(1);
  let total = 0;
  return {
    start: (t, s) => {
      total = t;
      bar.start(t, s, { mb: mb(s), totalMb: mb(t) });
    },
    update: (b) => bar.update(b, { mb: mb(b), totalMb: mb(total) }),
    stop: () => bar.stop(),
  };
}

/**
 * MD5 of a file, hex.
 *
 * @example
 * ```ts
 * import { md5File } from './download.js';
 * // await md5File('cifar-10-binary.tar.gz'); // 'c32a1d4ab5d03f1284b67883e8d87530'
 * ```
 */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/**
 * Downloads `url` to `dest` with a progress bar, resuming `<dest>.part` with an HTTP Range request
 * (or starting over when the server ignores Range), verifying size and MD5, and renaming into place
 * only when complete — so `dest` is never half-written. An interrupted transfer keeps
 * `<dest>.part` to resume next time; a checksum failure deletes it (and retries once from scratch
 * if the bad file was a resumed one). Network failures throw `DatasetError('offline')`.
 *
 * @example
 * ```ts
 * import { downloadFile } from './download.js';
 * // await downloadFile({ url: 'https://example.org/x.tar.gz', dest: '/tmp/x.tar.gz', md5: '...' });
 * ```
 */
export async function downloadFile(opts: DownloadOptions): Promise<DownloadResult> {
  const first = await attempt(opts);
  if (first.ok) return first.result;
  // The resumed file failed its checksum: the earlier part may be stale; redo from zero once.
  opts.log?.(`${opts.dest}: checksum mismatch after resuming; downloading again from the start`);
  const second = await attempt(opts);
  if (second.ok) return { ...second.result, restarted: true };
  throw second.error;
}

type Attempt = { ok: true; result: DownloadResult } | { ok: false; error: DatasetError };

async function attempt(opts: DownloadOptions): Promise<Attempt> {
  const { url, dest } = opts;
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let start = (await fileSize(part)) ?? 0;
  if (opts.bytes !== undefined && start > opts.bytes) {
    await rm(part, { force: true });
    start = 0;
  }
  let restarted = false;
  const doFetch = opts.fetch ?? fetch;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), opts.connectTimeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: start > 0 ? { Range: `bytes=${start}-` } : {},
      signal: controller.signal,
    });
  } catch (err) {
    throw new DatasetError('offline', `could not reach ${url} (${describeNetworkError(err)})`, { cause: err });
  } finally {
    clearTimeout(timer);
  }

  let append = false;
  let total: number | undefined = opts.bytes;
  if (response.status === 416 && start > 0) {
    // Range past the end: the part is already complete (or longer than the file): verify below.
    await response.body?.cancel();
    append = true;
  } else if (response.status === 206 && start > 0) {
    const range = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start) {
      await response.body?.cancel();
      throw new DatasetError('http', `${url}: server answered a resume request with an unexpected range ${JSON.stringify(response.headers.get('content-range'))}`);
    }
    if (range[3] !== '*') total ??= Number(range[3]);
    append = true;
  } else if (response.ok) {
    if (start > 0) {
      opts.log?.(`${url}: the server ignored the resume request; downloading from the start`);
      restarted = true;
    }
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > 0) total ??= length;
  } else {
    await response.body?.cancel();
    throw new DatasetError('http', `${url}: HTTP ${response.status} ${response.statusText}`);
  }
  const resumed = append && start > 0;
  const offset = append ? start : 0;

  if (response.status !== 416 && response.body) {
    const sink = opts.progress === false ? undefined : opts.progress === true || opts.progress === undefined ? cliProgressSink(shortName(dest)) : opts.progress;
    sink?.start(total ?? 0, offset);
    let received = offset;
    const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    const idle = opts.idleTimeoutMs ?? 60_000;
    timer = setTimeout(() => controller.abort(), idle);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      sink?.update(received);
      timer.refresh();
    });
    try {
      await pipeline(body, createWriteStream(part, { flags: append ? 'a' : 'w' }));
    } catch (err) {
      throw new DatasetError(
        'interrupted',
        `download of ${url} was interrupted after ${received} of ${total ?? '?'} bytes (${describeNetworkError(err)}); ` +
          `the partial file ${part} is kept: run again to resume`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
      sink?.stop();
    }
  }

  const size = (await fileSize(part)) ?? 0;
  if (total !== undefined && size < total) {
    throw new DatasetError(
      'interrupted',
      `download of ${url} stopped after ${size} of ${total} bytes; the partial file ${part} is kept: run again to resume`,
    );
  }
  if (total !== undefined && size > total) {
    await rm(part, { force: true });
    throw new DatasetError('corrupt', `${part} is ${size} bytes, more than the expected ${total}; deleted it, run again to download afresh`);
  }
  if (opts.md5) {
    const actual = await md5File(part);
    if (actual !== opts.md5.toLowerCase()) {
      await rm(part, { force: true });
      const error = new DatasetError(
        'checksum',
        `${url}: MD5 ${actual} does not match the published ${opts.md5}; the download is corrupt and was deleted. ` +
          'Run again to download afresh, or supply the data yourself.',
      );
      if (!resumed) throw error;
      return { ok: false, error };
    }
  }
  await rename(part, dest);
  return { ok: true, result: { path: dest, bytes: size, resumed, restarted } };
}

function shortName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * A short reason for a failed fetch: the underlying system error code when there is one
 * (`ENOTFOUND`, `ECONNREFUSED`, ...), else the message.
 *
 * @example
 * ```ts
 * import { describeNetworkError } from './download.js';
 * describeNetworkError(new Error('boom')); // 'boom'
 * ```
 */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'AbortError') return 'timed out';
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause && typeof cause === 'object') {
      const c = cause as { code?: unknown; message?: unknown };
      if (typeof c.code === 'string') return typeof c.message === 'string' ? `${c.code}: ${c.message}` : c.code;
      if (typeof c.message === 'string') return c.message;
    }
    return err.message;
  }
  return String(err);
}
